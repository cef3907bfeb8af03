package dev.lanyard.session;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.lanyard.account.AccountId;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * The downloads (the audit log's exports, a member's data export), written whole to a temporary file before the
 * client reads a byte, then sent from it without holding a thread (docs/decisions/0057-downloads-written-first.md).
 * A client that reads slowly, or not at all, holds a file and its connection, no thread and no database work, so it
 * keeps no one else from downloading. A member has at most {@value #PER_ACCOUNT} downloads running at once, from
 * the moment one starts until its client has it or is gone; the node writes at most {@value #IN_ALL} exports at once.
 * A download over either answers 429, to be tried again a few seconds later; so does one whose file would take the
 * files being sent past the node's budget ({@code lanyard.downloads.max-sending}), unless none is being sent. A slot
 * never given back (a response never sent) is taken for lost after {@link #LOST_AFTER}.
 */
@Component
public class Downloads {
    static final int PER_ACCOUNT = 2;
    static final int IN_ALL = 6;
    /**
     * A slot not given back within this long is taken for lost and counts no more: longer than a download may take
     * to be sent ({@code spring.mvc.async.request-timeout}, 30 minutes).
     */
    static final Duration LOST_AFTER = Duration.ofMinutes(31);

    private final Clock clock;
    private final Path directory;
    private final Duration sendWithin;
    private final long maxSending;
    /**
     * The running downloads: each one's account, when it took its slot (or began to be sent), whether its export is
     * still being written, and the size of its file once written.
     */
    private final Map<Slot, Held> held = new ConcurrentHashMap<>();

    private record Held(AccountId account, Instant since, boolean writing, long bytes) {
    }

    @Autowired
    Downloads(Clock clock, DownloadSettings settings, @Value("${spring.mvc.async.request-timeout:30m}") Duration sendWithin) {
        this(clock, settings.directory(), sendWithin, settings.maxSending().toBytes());
    }

    Downloads(Clock clock, Path directory, Duration sendWithin, long maxSending) {
        if (sendWithin.compareTo(LOST_AFTER) >= 0) throw new IllegalArgumentException("a download must be sent within " + LOST_AFTER);
        this.clock = clock;
        this.directory = directory;
        this.sendWithin = sendWithin;
        this.maxSending = maxSending;
    }

    /**
     * The download {@code start} makes, its body written to a temporary file while a slot of {@code account}'s and one
     * of the node's are held; {@code start} runs only once both are taken. The node's slot comes back once the file is
     * written, the member's once the file has been sent or its client is gone ({@link Download}).
     *
     * @throws SessionProblem.TooManyDownloads the member, or everyone together, has as many running as allowed
     * @throws UncheckedIOException the export could not be written (nothing has been sent)
     */
    public Download limited(AccountId account, Supplier<ResponseEntity<StreamingResponseBody>> start) {
        return limited(account, start, () -> { });
    }

    /**
     * As {@link #limited(AccountId, Supplier)}, and {@code written} runs once the body is whole in its file and counted
     * against the node's budget, before a byte is sent: what a download records (a data export's audit entry) is then
     * recorded only for one that was made. If {@code written} throws, the download is dropped and that is thrown.
     */
    public Download limited(AccountId account, Supplier<ResponseEntity<StreamingResponseBody>> start, Runnable written) {
        Slot slot = take(account);
        try {
            Download download = Download.write(start.get(), directory, sendWithin, slot::release);
            try {
                slot.written(download.size());
                written.run();
            } catch (RuntimeException | Error e) {
                download.close();
                throw e;
            }
            return download;
        } catch (IOException e) {
            slot.release();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            slot.release();
            throw e;
        }
    }

    /** Takes a slot of {@code account}'s, counted against the node's until {@link Slot#written(long)}. */
    Slot take(AccountId account) {
        Slot slot = new Slot();
        synchronized (held) {
            Instant now = clock.instant();
            held.values().removeIf(h -> h.since().isBefore(now.minus(LOST_AFTER)));
            long mine = held.values().stream().filter(h -> h.account().equals(account)).count();
            long writing = held.values().stream().filter(Held::writing).count();
            if (mine >= PER_ACCOUNT || writing >= IN_ALL) throw new SessionProblem.TooManyDownloads();
            held.put(slot, new Held(account, now, true, 0));
        }
        return slot;
    }

    /** Downloads of {@code account}'s running: being written or sent. */
    int running(AccountId account) {
        return (int) held.values().stream().filter(h -> h.account().equals(account)).count();
    }

    /** Exports being written on this node. */
    int writing() {
        return (int) held.values().stream().filter(Held::writing).count();
    }

    /** One running download's place; giving it back twice changes nothing. */
    final class Slot {
        /**
         * The export is written, to a file of {@code bytes}: it no longer counts against the node, only against its
         * member, and its sending starts now (it is taken for lost {@link Downloads#LOST_AFTER} after this, not after the
         * writing began).
         *
         * @throws SessionProblem.TooManyDownloads the files being sent would take more than the node's budget with it
         */
        void written(long bytes) {
            synchronized (held) {
                long sending = held.values().stream().filter(h -> !h.writing()).mapToLong(Held::bytes).sum();
                if (sending > 0 && sending + bytes > maxSending) throw new SessionProblem.TooManyDownloads();
                held.computeIfPresent(this, (k, h) -> new Held(h.account(), clock.instant(), false, bytes));
            }
        }

        /** The download is over: sent, failed, or its client gone. */
        void release() {
            held.remove(this);
        }
    }
}
