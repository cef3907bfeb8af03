package dev.lanyard.signals;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A receiver of pushed SETs and logout tokens, as a tiny HTTP server on 127.0.0.1: it records what
 * arrives and answers with the status the test chose ({@link #answer}), 202 by default.
 */
public final class TestReceiver implements AutoCloseable {
    /** One request as it arrived. */
    public record Arrival(String path, Map<String, List<String>> headers, String body, long nanos) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    private final HttpServer server;
    private final BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
    private final List<Integer> statuses = new ArrayList<>();
    /** The status of every request after those queued in {@link #answer(int...)}. */
    public final AtomicInteger status = new AtomicInteger(202);

    public TestReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            arrivals.add(new Arrival(exchange.getRequestURI().getPath(), Map.copyOf(exchange.getRequestHeaders()),
                    new String(body, StandardCharsets.UTF_8), System.nanoTime()));
            int answer;
            synchronized (statuses) {
                answer = statuses.isEmpty() ? status.get() : statuses.remove(0);
            }
            exchange.sendResponseHeaders(answer, -1);
            exchange.close();
        });
        server.start();
    }

    /** Answers the next requests with these statuses, in order. */
    public void answer(int... next) {
        synchronized (statuses) {
            for (int s : next) statuses.add(s);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next arrival, waiting up to {@code wait}; null if none came. */
    public Arrival next(Duration wait) throws InterruptedException {
        return arrivals.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** What arrived and was not taken yet. */
    public List<Arrival> drained() {
        List<Arrival> out = new ArrayList<>();
        arrivals.drainTo(out);
        return out;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
