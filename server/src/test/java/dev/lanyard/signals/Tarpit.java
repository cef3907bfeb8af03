package dev.lanyard.signals;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A receiver that accepts every connection on 127.0.0.1 and never answers, as one made to hold Lanyard's senders would:
 * each push to it lasts the whole push timeout. It records when each connection came.
 */
public final class Tarpit implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final List<Long> connectedNanos = new CopyOnWriteArrayList<>();

    public Tarpit() throws IOException {
        server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread accepting = new Thread(() -> {
            try {
                while (true) {
                    Socket socket = server.accept();
                    connectedNanos.add(System.nanoTime());
                    held.add(socket);
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "tarpit");
        accepting.setDaemon(true);
        accepting.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getLocalPort() + path;
    }

    /** How many connections came so far. */
    public int connections() {
        return connectedNanos.size();
    }

    /** When the first connection came ({@link System#nanoTime}), waiting up to {@code wait} for it. */
    public long firstConnection(Duration wait) throws InterruptedException {
        for (long until = System.nanoTime() + wait.toNanos(); connectedNanos.isEmpty(); Thread.sleep(10)) {
            if (System.nanoTime() > until) throw new AssertionError("nothing connected to the tarpit within " + wait);
        }
        return connectedNanos.get(0);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : held) socket.close();
    }
}
