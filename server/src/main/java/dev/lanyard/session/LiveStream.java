package dev.lanyard.session;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.lanyard.account.AccountId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/** One open page's stream ({@link LiveStreams} holds them): whose it is, and telling it to close and completing it, each once. */
final class LiveStream {
    private static final Logger log = LoggerFactory.getLogger(LiveStream.class);

    final SessionId session;
    final AccountId account;
    /** The browser tab's own id (its script's, kept in the tab's sessionStorage), "" when it sent none. */
    final String tab;
    final SseEmitter emitter;
    final long opened;
    final long openedAtBeat;
    /** The heartbeat at which it was told to close, -1 while open. */
    private final AtomicLong closingSince = new AtomicLong(-1);
    private final AtomicBoolean completed = new AtomicBoolean();

    LiveStream(SessionId session, AccountId account, String tab, SseEmitter emitter, long opened, long openedAtBeat) {
        this.session = session;
        this.account = account;
        this.tab = tab;
        this.emitter = emitter;
        this.opened = opened;
        this.openedAtBeat = openedAtBeat;
    }

    boolean open() {
        return closingSince.get() < 0;
    }

    /** The heartbeat at which it was told to close, -1 while open. */
    long closingSince() {
        return closingSince.get();
    }

    /** Marks it closing; true only for the call that did, so only one tells the page why. */
    boolean close(long beat) {
        return closingSince.compareAndSet(-1, beat);
    }

    /**
     * Completes the page's stream, once. The container may be closing it at the same moment (the page went away,
     * the stream timed out), and then refuses the dispatch that completing asks for: the page is gone either way.
     */
    void complete() {
        if (!completed.compareAndSet(false, true)) return;
        try {
            emitter.complete();
        } catch (IllegalStateException gone) {
            log.trace("The live stream was already closing", gone);
        }
    }
}
