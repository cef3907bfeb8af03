package dev.lanyard.session;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * threads; a download over either answers 429, to be tried again once one has finished.
 */
@Component
public class Downloads {
    static final int PER_ACCOUNT = 2;
    static final int IN_ALL = 6;

    private final Semaphore inAll = new Semaphore(IN_ALL);
    private final ConcurrentHashMap<AccountId, Integer> running = new ConcurrentHashMap<>();

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
        boolean[] taken = {false};
        running.compute(account, (id, n) -> {
            int now = n == null ? 0 : n;
            if (now >= PER_ACCOUNT || !inAll.tryAcquire()) return n;
            taken[0] = true;
            return now + 1;
        });
        if (!taken[0]) throw new SessionProblem.TooManyDownloads();
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (!released.compareAndSet(false, true)) return;
            running.computeIfPresent(account, (id, n) -> n <= 1 ? null : n - 1);
            inAll.release();
        };
    }
}
