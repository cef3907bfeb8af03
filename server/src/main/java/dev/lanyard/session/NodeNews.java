package dev.lanyard.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import dev.lanyard.account.OtherNodes;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The other nodes as other modules tell them things after the fact (decision 71; the sign-in throttle's failures, the
 * passkey ceremonies' starts): on the channel that carries endings ({@link SessionBroadcast}), as
 * {@code news:NAME:m1,m2,...}, with no acknowledgement and no wait. Messages are queued and sent by one thread of this node, as many to a {@code NOTIFY}
 * as fit in {@value #MAX_PAYLOAD} characters (in the order told, for each name), each {@code NOTIFY} on its own
 * (autocommit): the caller's transaction, and whether it commits, play no part, and the caller never waits for the
 * database. PostgreSQL delivers them to every listening node within milliseconds. A node that cannot hear
 * ({@link #hearing}) misses them for good; one that cannot send drops them and says so in the log (never what they
 * held).
 *
 * <p>On SQLite (one node) nothing is queued or sent.
 */
@Component
class NodeNews implements OtherNodes {
    private static final Logger log = LoggerFactory.getLogger(NodeNews.class);
    /** Under PostgreSQL's 8000 bytes for a payload, with room for the sender's id and the prefix. */
    static final int MAX_PAYLOAD = 7000;
    /** Messages waiting past this are dropped (the database does not take them): memory stays bounded. */
    private static final int QUEUE = 100_000;
    private static final Pattern NAME = Pattern.compile("[a-z][a-z-]{0,39}");
    private static final Pattern MESSAGE = Pattern.compile("[A-Za-z0-9_.-]{1,200}");

    private final SessionBroadcast broadcast;
    private final SessionCache cache;
    private final MeterRegistry meters;
    /** {@code NAME:message}, in the order told. */
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>(QUEUE);
    private final Thread sender;
    private volatile boolean running = true;

    NodeNews(SessionBroadcast broadcast, SessionCache cache, MeterRegistry meters) {
        this.broadcast = broadcast;
        this.cache = cache;
        this.meters = meters;
        this.sender = new Thread(this::send, "lanyard-node-news");
        sender.setDaemon(true);
    }

    @PostConstruct
    void start() {
        sender.start();
    }

    @Override
    public void tell(String name, String message) {
        if (!NAME.matcher(name).matches() || !MESSAGE.matcher(message).matches()) {
            throw new IllegalArgumentException("News of a lower-case name, a message of letters, digits, '-', '_' and '.'");
        }
        if (!broadcast.clustered()) return;
        if (!queue.offer(name + ":" + message)) dropped(name, 1);
    }

    @Override
    public void listen(String name, Consumer<String> listener) {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("A news name of lower-case letters and dashes: " + name);
        broadcast.newsListener(name, messages -> {
            meters.counter("lanyard.node.news.heard", "name", name).increment(messages.size());
            messages.forEach(listener);
        });
    }

    /**
     * Whether this node hears the others: alone (SQLite), or listening with its lease current. A node that has not
     * listened yet since it started counts as hearing: it missed whatever came before its start all the same, and its
     * first moments are no reason to refuse anyone.
     */
    @Override
    public boolean hearing() {
        return !broadcast.clustered() || cache.trusted() || !broadcast.listenedOnce();
    }

    private void send() {
        List<String> batch = new ArrayList<>();
        while (running) {
            try {
                batch.add(queue.take());
                queue.drainTo(batch);
                for (String payload : payloads(batch)) {
                    try {
                        broadcast.sendNews(payload);
                    } catch (RuntimeException e) {
                        int messages = payload.split(",").length;
                        int from = BroadcastChannel.NEWS_PREFIX.length();
                        dropped(payload.substring(from, payload.indexOf(':', from)), messages);
                        log.warn("Could not tell the other nodes {} message(s): {}", messages, e.getClass().getName());
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                // Any throwable: a dead sender would stop telling the other nodes without a word.
                log.warn("The news sender failed; going on: {}", e.getClass().getName());
            } finally {
                batch.clear();
            }
        }
    }

    private void dropped(String name, int messages) {
        meters.counter("lanyard.node.news.dropped", "name", name).increment(messages);
    }

    /** {@code NAME:message} items as {@code news:NAME:m1,m2,...} payloads, each at most {@link #MAX_PAYLOAD} characters, in order. */
    static List<String> payloads(List<String> items) {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (String item : items) {
            int colon = item.indexOf(':');
            byName.computeIfAbsent(item.substring(0, colon), n -> new ArrayList<>()).add(item.substring(colon + 1));
        }
        List<String> out = new ArrayList<>();
        byName.forEach((name, messages) -> {
            String prefix = BroadcastChannel.NEWS_PREFIX + name + ":";
            StringBuilder current = new StringBuilder(prefix);
            for (String message : messages) {
                if (current.length() > prefix.length() && current.length() + 1 + message.length() > MAX_PAYLOAD) {
                    out.add(current.toString());
                    current.setLength(prefix.length());
                }
                if (current.length() > prefix.length()) current.append(',');
                current.append(message);
            }
            out.add(current.toString());
        });
        return out;
    }

    @PreDestroy
    void stop() {
        running = false;
        sender.interrupt();
    }
}
