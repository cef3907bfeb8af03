package dev.lanyard.session;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who else on this node hears of endings and starts ({@link SessionBroadcast.Listener}: the live page updates). What
 * this node ends or starts they hear after the commit, on the committing thread; what another node announces, on a
 * thread of their own, in order, so that a slow listener never delays the listening thread's next eviction.
 */
class LocalListeners {
    /** Logs as {@link SessionBroadcast}, whose work this is: operators know its lines by that name. */
    private static final Logger log = LoggerFactory.getLogger(SessionBroadcast.class);
    private static final int HANDLER_QUEUE = 10_000;

    private final List<SessionBroadcast.Listener> listeners = new CopyOnWriteArrayList<>();
    /** Runs what notifications cause beyond eviction, one at a time, in the order they arrived. */
    private final ThreadPoolExecutor handlers = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(HANDLER_QUEUE), runnable -> {
                Thread thread = new Thread(runnable, "lanyard-session-news");
                thread.setDaemon(true);
                return thread;
            }, (task, executor) -> log.warn("Too many session notifications queued; an open page may miss a refresh"));

    void register(SessionBroadcast.Listener listener) {
        listeners.add(listener);
    }

    void unregister(SessionBroadcast.Listener listener) {
        listeners.remove(listener);
    }

    /** Tells the listeners on the handler thread. */
    void handOff(Consumer<SessionBroadcast.Listener> news) {
        handlers.execute(() -> tell(news));
    }

    /**
     * Tells every listener; one that fails (even with an Error) does not stop the others, nor fail the
     * request whose transaction already committed what they hear of (a live page's stream closing as a
     * session ends must not answer its sign-out with an error).
     */
    void tell(Consumer<SessionBroadcast.Listener> news) {
        listeners.forEach(l -> {
            try {
                news.accept(l);
            } catch (Throwable e) {
                log.warn("A session listener failed: {}", e.toString());
            }
        });
    }

    void shutdown() {
        handlers.shutdownNow();
    }
}
