package dev.lanyard.web;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses a request body larger than {@link BodyLimitSettings} with 413 before anything reads it: one unauthenticated
 * login with a 60 MB e-mail address ran a 256 MiB heap out of memory while the parser built the string. A body that
 * says its length ({@code Content-Length}) is refused up front, unread; one sent in chunks is counted as it is read,
 * and reading past the limit fails ({@link TooLarge}), answered 413 by {@link ErrorAdvice} when a controller was
 * reading it, by this filter otherwise. The API gets problem+json naming the limit, a page the error page.
 * Only POST, PUT and PATCH bodies are read by Lanyard; the container drops the others unread.
 * Forms are held to the same size by Tomcat, which parses them ({@link UnparsableParameters}).
 *
 * <p>Before {@link UnparsableParameters}, the first to read a form. A plain {@link HttpFilter}: Spring Boot registers
 * it for the request dispatch only (decision 41).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class BodyLimit extends HttpFilter {
    private static final Set<String> READ = Set.of("POST", "PUT", "PATCH");
    static final String PAGE_MESSAGE = "What was sent is larger than Lanyard accepts. Nothing was changed.";

    private final BodyLimitSettings limit;
    private final JsonMapper json;
    private final BadRequestLog log;

    BodyLimit(BodyLimitSettings limit, JsonMapper json, BadRequestLog log) {
        this.limit = limit;
        this.json = json;
        this.log = log;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!READ.contains(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        long length = request.getContentLengthLong();
        if (length > limit.bytes()) {
            refuse(request, response);
            return;
        }
        if (length >= 0) {
            chain.doFilter(request, response);
            return;
        }
        try {
            chain.doFilter(new Counted(request, limit.bytes()), response);
        } catch (IOException | ServletException | RuntimeException e) {
            if (!tooLarge(e) || response.isCommitted()) throw e;
            response.reset();
            refuse(request, response);
        }
    }

    /** Answers 413: the problem for the API, the error page otherwise. */
    void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
        log.refused(request, HttpStatus.CONTENT_TOO_LARGE.value(), "its body is larger than " + limit.shown());
        if (Problems.isApi(request)) {
            Problems.write(request, response, json, problem());
        } else {
            request.setAttribute(ErrorPages.MESSAGE, PAGE_MESSAGE);
            response.sendError(HttpStatus.CONTENT_TOO_LARGE.value());
        }
    }

    ProblemDetail problem() {
        return Problems.of(HttpStatus.CONTENT_TOO_LARGE, "content-too-large",
                "The request body may be at most " + limit.shown() + ".");
    }

    /** Whether reading a body past the limit is what failed. */
    static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TooLarge) return true;
        }
        return false;
    }

    /** A body of unknown length read past the limit. */
    static final class TooLarge extends IOException {
        TooLarge(long max) {
            super("The request body is larger than " + max + " bytes");
        }
    }

    /** The request, its body counted as it is read; reading past {@code max} bytes fails with {@link TooLarge}. */
    private static final class Counted extends HttpServletRequestWrapper {
        private final long max;
        private ServletInputStream in;
        private BufferedReader reader;

        Counted(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (reader != null) throw new IllegalStateException("getReader() has already been called for this request");
            if (in == null) in = new CountingStream(super.getInputStream(), max);
            return in;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            if (reader == null) {
                if (in != null) throw new IllegalStateException("getInputStream() has already been called for this request");
                String encoding = getCharacterEncoding();
                Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
                reader = new BufferedReader(new InputStreamReader(new CountingStream(super.getInputStream(), max), charset));
            }
            return reader;
        }
    }

    private static final class CountingStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long max;
        private long read;

        CountingStream(ServletInputStream in, long max) {
            this.in = in;
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) counted(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) counted(n);
            return n;
        }

        private void counted(int n) throws TooLarge {
            read += n;
            if (read > max) throw new TooLarge(max);
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
