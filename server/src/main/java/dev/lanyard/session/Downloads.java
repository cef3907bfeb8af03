package dev.lanyard.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.lanyard.account.AccountId;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * Slots for the streamed downloads (the audit log's exports, a member's data export). Each streams on one of the few
 * threads of Spring MVC's async executor for as long as its client takes to read it, so a member who opens many and
 * never reads them could hold every thread and stall everyone's downloads (outside review). A member has at most
 * {@value #PER_ACCOUNT} running at once, and all members together {@value #IN_ALL}, fewer than the executor's 8
 * threads; a download over either answers 429, to be tried again once one has finished. A slot whose body never
 * ran is taken for lost after {@link #LOST_AFTER}.
 */
@Component
public class Downloads {
    static final int PER_ACCOUNT = 2;
    static final int IN_ALL = 6;
    /**
     * A slot not given back within this long is taken for lost (its body never ran: the async request was cancelled
     * before it started) and counts no more: longer than the container lets a streamed download run
     * ({@code spring.mvc.async.request-timeout}, 30 minutes).
     */
    static final Duration LOST_AFTER = Duration.ofMinutes(31);

    private final Clock clock;
    /** The running downloads: each one's account and when it took its slot. */
    private final Map<Object, Held> held = new ConcurrentHashMap<>();

    private record Held(AccountId account, Instant since) {
    }

    Downloads(Clock clock) {
        this.clock = clock;
    }

    /**
     * The download {@code start} makes, holding a slot of {@code account}'s until its body has been written (or its
     * writing failed); {@code start} runs only once the slot is taken.
     *
     * @throws SessionProblem.TooManyDownloads the member, or everyone together, has as many running as allowed
     */
    public ResponseEntity<StreamingResponseBody> limited(AccountId account, Supplier<ResponseEntity<StreamingResponseBody>> start) {
        Runnable release = take(account);
        ResponseEntity<StreamingResponseBody> download;
        try {
            download = start.get();
        } catch (RuntimeException | Error e) {
            release.run();
            throw e;
        }
        StreamingResponseBody body = download.getBody();
        if (body == null) {
            release.run();
            return download;
        }
        return ResponseEntity.status(download.getStatusCode()).headers(download.getHeaders()).body(out -> {
            try {
                body.writeTo(out);
            } finally {
                release.run();
            }
        });
    }

    /** Takes a slot of {@code account}'s; the returned action gives it back, once however often it runs. */
    Runnable take(AccountId account) {
        Object slot = new Object();
        synchronized (held) {
            Instant now = clock.instant();
            held.values().removeIf(h -> h.since().isBefore(now.minus(LOST_AFTER)));
            long mine = held.values().stream().filter(h -> h.account().equals(account)).count();
            if (mine >= PER_ACCOUNT || held.size() >= IN_ALL) throw new SessionProblem.TooManyDownloads();
            held.put(slot, new Held(account, now));
        }
        return () -> held.remove(slot);
    }
}
