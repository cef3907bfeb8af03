package dev.lanyard.session;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * A download whose body is already written, to a temporary file, and is sent from it with the servlet container's
 * non-blocking writes: the container calls back when the client can take more, so no thread waits on a slow client
 * (docs/decisions/0057-downloads-written-first.md). A handler returns it in place of the {@code ResponseEntity} it was
 * made from; the status and headers are that entity's.
 *
 * <p>The file is readable by its owner only and is gone from its directory as soon as it is opened (on Windows, once
 * closed): only the open channel reaches it, and closing the channel, or the process ending, frees it. It is closed,
 * and the member's slot given back, once the body has been sent, the client is gone, the sending failed or outlasted
 * its time.
 */
public final class Download {
    private static final Logger log = LoggerFactory.getLogger(Download.class);
    private static final int CHUNK = 32 * 1024;
    private static final FileAttribute<?> OWNER_ONLY = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final HttpStatusCode status;
    private final HttpHeaders headers;
    private final FileChannel file;
    private final Duration sendWithin;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Download(HttpStatusCode status, HttpHeaders headers, FileChannel file, Duration sendWithin, Runnable release) {
        this.status = status;
        this.headers = headers;
        this.file = file;
        this.sendWithin = sendWithin;
        this.release = release;
    }

    /**
     * Writes {@code entity}'s body to a new file in {@code directory}; {@code release} runs once the download is over.
     * If writing fails the file is closed (and so gone) and {@code release} is left to the caller.
     */
    static Download write(ResponseEntity<StreamingResponseBody> entity, Path directory, Duration sendWithin, Runnable release)
            throws IOException {
        FileChannel file = open(directory);
        try {
            StreamingResponseBody body = entity.getBody();
            if (body != null) {
                // The writers flush and leave closing to whoever gave them the stream; the channel stays open to be read back.
                OutputStream out = new BufferedOutputStream(new Unclosed(Channels.newOutputStream(file)), 64 * 1024);
                body.writeTo(out);
                out.flush();
            }
            return new Download(entity.getStatusCode(), entity.getHeaders(), file, sendWithin, release);
        } catch (IOException | RuntimeException | Error e) {
            file.close();
            throw e;
        }
    }

    /** A new file, its owner's only, removed from {@code directory} as it is opened. */
    private static FileChannel open(Path directory) throws IOException {
        Path path;
        try {
            path = Files.createTempFile(directory, "lanyard-download-", ".tmp", OWNER_ONLY);
        } catch (UnsupportedOperationException noPosix) {
            path = Files.createTempFile(directory, "lanyard-download-", ".tmp");
        }
        try {
            // On POSIX systems DELETE_ON_CLOSE unlinks the file right after opening it.
            return FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.DELETE_ON_CLOSE);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
    }

    /** The written body's size in bytes. */
    long size() throws IOException {
        return file.size();
    }

    /** Sets the status and headers and hands the body to the container, which sends it as its client reads. */
    void send(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            response.setStatus(status.value());
            headers.forEach((name, values) -> {
                if (name.equalsIgnoreCase(HttpHeaders.CONTENT_TYPE)) {
                    response.setContentType(values.get(0));
                    return;
                }
                // A header the response already has (the security headers' Cache-Control) is replaced, not repeated.
                response.setHeader(name, values.get(0));
                values.stream().skip(1).forEach(value -> response.addHeader(name, value));
            });
            // Its length is known: a client whose download is cut short (the send ran out of time) sees it is not whole.
            if (!headers.containsHeader(HttpHeaders.CONTENT_LENGTH)) response.setContentLengthLong(size());
            AsyncContext async = request.startAsync(request, response);
            async.setTimeout(sendWithin.toMillis());
            async.addListener(new Ending());
            ServletOutputStream out = response.getOutputStream();
            try {
                out.setWriteListener(new Sending(async, out));
            } catch (UnsupportedOperationException blockingOnly) {
                // A container without non-blocking writes (MockMvc's mock response): sent here, as the client reads.
                copyTo(out);
                async.complete();
            }
        } catch (IOException | RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** The whole body to {@code out}, blocking: for a container without non-blocking writes. */
    private void copyTo(ServletOutputStream out) throws IOException {
        out.flush();
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
        for (long position = 0; ; ) {
            chunk.clear();
            int read = file.read(chunk, position);
            if (read < 0) return;
            position += read;
            out.write(chunk.array(), 0, read);
        }
    }

    /** Closes the file and gives the member's slot back, once. */
    void close() {
        if (!closed.compareAndSet(false, true)) return;
        try {
            file.close();
        } catch (IOException e) {
            log.debug("A download's temporary file did not close cleanly", e);
        } finally {
            release.run();
        }
    }

    /** Writes as much as the client takes each time the container says it can take more; completes at the end. */
    private final class Sending implements WriteListener {
        private final AsyncContext async;
        private final ServletOutputStream out;
        private boolean committed;
        private long position;

        Sending(AsyncContext async, ServletOutputStream out) {
            this.async = async;
            this.out = out;
        }

        @Override
        public void onWritePossible() throws IOException {
            if (!committed) {
                // The headers go first, as a stream's did, however small the body.
                committed = true;
                out.flush();
            }
            ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
            while (out.isReady()) {
                chunk.clear();
                int read = file.read(chunk, position);
                if (read < 0) {
                    async.complete();
                    return;
                }
                position += read;
                out.write(chunk.array(), 0, read);
            }
        }

        @Override
        public void onError(Throwable failure) {
            log.debug("A download ended before its client had it all", failure);
            finish(async);
        }
    }

    /** Whatever ends the request, the file is closed: sent, the client gone, an error, or out of time. */
    private final class Ending implements AsyncListener {
        @Override
        public void onComplete(AsyncEvent event) {
            close();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            log.debug("A download's client did not take it within {}", sendWithin);
            finish(event.getAsyncContext());
        }

        @Override
        public void onError(AsyncEvent event) {
            finish(event.getAsyncContext());
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // Started once, by send.
        }
    }

    private void finish(AsyncContext async) {
        try {
            async.complete();
        } catch (IllegalStateException alreadyComplete) {
            log.trace("The download's request was already complete", alreadyComplete);
        } finally {
            close();
        }
    }

    /** The file's stream without its close: the channel is closed by {@link #close()} alone. */
    private static final class Unclosed extends FilterOutputStream {
        Unclosed(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
