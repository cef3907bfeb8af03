package dev.lanyard.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import dev.lanyard.apps.ClientEndpoints;
import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.apache.tomcat.util.net.ApplicationBufferHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * Requests Tomcat refuses before any application code runs (a {@code %00} or {@code %2F} in the
 * path, characters such as {@code []} unescaped in the query, a request line or headers too long, a {@code Host} that
 * is no host and port, a body in a transfer coding other than {@code chunked}) get Lanyard's answer instead of Tomcat's
 * report page, in the form the address speaks: problem+json for the API, the documents under {@code /.well-known/}, the
 * authorization server's endpoints that apps call and clients that ask for JSON, and OAuth's error for a {@code 400} at
 * the token, introspection and revocation endpoints and userinfo (with its {@code Bearer} challenge), as
 * {@link RefusedRequests} answers there; otherwise a plain error page. The documents and endpoints were the error page
 * (outside review). All with the security headers, none naming the server or echoing the request (but for a
 * transfer coding's short name). A request line too long to read (over 8 KB) gets the page
 * whatever it asked for: Tomcat has read neither its path nor its headers. Installed in place of the host's {@link ErrorReportValve}
 * (after Spring Boot's own customizer, which adds one).
 *
 * <p>{@code CONNECT} is one of the methods Lanyard never takes, and is answered as the others are ({@link RefusedMethods}):
 * {@code 405} with the methods the path does take in {@code Allow}, {@code 404} where nothing takes the path. Tomcat
 * refuses it itself, before any filter, with a {@code 501} that said "Something went wrong on our side" (outside review).
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class ContainerErrorPages implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> {
    private final ObjectProvider<HandlerPaths> handlers;
    private final ObjectProvider<ClientEndpoints> endpoints;

    ContainerErrorPages(ObjectProvider<HandlerPaths> handlers, ObjectProvider<ClientEndpoints> endpoints) {
        this.handlers = handlers;
        this.endpoints = endpoints;
    }

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            Host host = (Host) context.getParent();
            for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve && !(valve instanceof Report)) host.getPipeline().removeValve(valve);
            }
            // The host adds no report valve of its own as it starts: this one is the host's.
            if (host instanceof org.apache.catalina.core.StandardHost standard) standard.setErrorReportValveClass("");
            host.getPipeline().addValve(new Report(context.getPath(), handlers, endpoints));
        });
    }

    /**
     * The plain error page, without Thymeleaf or the error dispatch: for answers written where neither may run (a request
     * Tomcat or Spring Security's firewall refused). {@code base} is Lanyard's own path, {@code detail} a sentence Lanyard
     * wrote, never the request's text.
     */
    static String page(String base, String detail) {
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Error · Lanyard</title><link rel="stylesheet" href="%s/css/lanyard.css"></head>
                <body class="narrow"><main id="main" class="auth">
                <h1>Something went wrong</h1>
                <div class="alert error" role="alert">%s</div>
                <p><a href="%s/settings/sessions">Back to your sessions</a></p>
                </main></body></html>
                """.formatted(HtmlUtils.htmlEscape(base), HtmlUtils.htmlEscape(detail), HtmlUtils.htmlEscape(base));
    }

    /** Tomcat's error report valve, writing Lanyard's body and headers. */
    static class Report extends ErrorReportValve {
        /** A transfer coding named back to the client: a short name of letters, digits and {@code . _ + -}, never markup or JSON. */
        private static final Pattern PLAIN_CODING = Pattern.compile("[a-z0-9][a-z0-9._+-]{0,19}");
        private static final int MAX_NAMED_CODINGS = 3;

        /** Lanyard's own path ({@code server.servlet.context-path}), empty at the root: its links and the API's paths start with it. */
        private final String base;
        /** What Spring MVC's handlers take at a path, for a {@code CONNECT}'s answer. */
        private final ObjectProvider<HandlerPaths> handlers;
        /** The authorization server's endpoints: what they take, and which of them an app calls. */
        private final ObjectProvider<ClientEndpoints> endpoints;

        Report(String base, ObjectProvider<HandlerPaths> handlers, ObjectProvider<ClientEndpoints> endpoints) {
            this.base = base;
            this.handlers = handlers;
            this.endpoints = endpoints;
            setShowReport(false);
            setShowServerInfo(false);
        }

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int code = response.getStatus();
            if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) return;
            AtomicBoolean ioAllowed = new AtomicBoolean(false);
            response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
            if (!ioAllowed.get()) return;
            HttpStatus status = HttpStatus.resolve(code);
            if (status == null) status = code >= 500 ? HttpStatus.INTERNAL_SERVER_ERROR : HttpStatus.BAD_REQUEST;
            try {
                String path = path(request);
                if (status == HttpStatus.NOT_IMPLEMENTED && "CONNECT".equals(request.getCoyoteRequest().getMethod())) {
                    status = refuseConnect(path, response);
                }
                SecurityHeaders.apply(response);
                String detail = detail(request, status);
                Optional<ClientEndpoints.Called> called = path == null ? Optional.empty() : endpoints.getObject().calledAt(path);
                if (status == HttpStatus.BAD_REQUEST && called.filter(endpoint -> endpoint != ClientEndpoints.Called.KEYS).isPresent()) {
                    // Where an app calls, OAuth's error, as the firewall's refusals are answered there (RefusedRequests).
                    if (called.get() == ClientEndpoints.Called.USER_INFO) endpoints.getObject().refuseAtUserInfo(response, detail);
                    else endpoints.getObject().refuse(response, detail);
                    response.finishResponse();
                    return;
                }
                boolean json = called.isPresent() || wantsJson(request, path);
                response.setContentType(json ? "application/problem+json" : "text/html");
                response.setCharacterEncoding("UTF-8");
                Writer writer = response.getReporter();
                if (writer == null) return;
                writer.write(json ? problem(status, detail, request.getCoyoteRequest().requestURI().toString()) : page(base, detail));
                response.finishResponse();
            } catch (IOException | IllegalStateException e) {
                // The client is gone or the response cannot take a body: nothing more to say.
            }
        }

        /**
         * The request's path within Lanyard, as the raw request says; null when it has none or is not under Lanyard's own. A
         * request line Tomcat stopped reading (longer than its buffer, 8 KB: a long cursor) has no path yet: its start is
         * read from the bytes Tomcat holds ({@link Held}).
         */
        private String path(Request request) {
            String uri = request.getCoyoteRequest().requestURI().toString();
            if (uri == null || uri.isEmpty()) uri = Held.of(request).map(Held::pathStart).orElse(null);
            return uri == null || !uri.startsWith(base) ? null : uri.substring(base.length());
        }

        /**
         * Tomcat's answer to {@code CONNECT} made Lanyard's to any method it never takes: {@code 405} with the methods the
         * path takes in {@code Allow} (Spring MVC's handlers', or the authorization server's), {@code 404} where none are
         * (a proxy's {@code host:port} among them).
         */
        private HttpStatus refuseConnect(String path, Response response) {
            Set<String> allowed = path == null ? Set.of() : handlers.getObject().methods(base + path, base);
            if (allowed.isEmpty() && path != null) allowed = endpoints.getObject().methods(path);
            if (allowed.isEmpty()) {
                response.setStatus(HttpStatus.NOT_FOUND.value());
                return HttpStatus.NOT_FOUND;
            }
            response.setStatus(HttpStatus.METHOD_NOT_ALLOWED.value());
            response.setHeader(HttpHeaders.ALLOW, String.join(", ", new TreeSet<>(allowed)));
            return HttpStatus.METHOD_NOT_ALLOWED;
        }

        /**
         * The API's paths and the documents under {@code /.well-known/}, or a client that asks for JSON and not HTML; the
         * authorization server's endpoints an app calls are JSON too ({@link ClientEndpoints#calledAt}).
         */
        private static boolean wantsJson(Request request, String path) {
            if (path != null && (path.startsWith("/api/") || path.toLowerCase(Locale.ROOT).startsWith("/%61pi/")
                    || path.startsWith("/.well-known/"))) return true;
            String accept = request.getCoyoteRequest().getHeader("Accept");
            return accept != null && accept.contains("json") && !accept.contains("text/html");
        }

        /**
         * The request line Tomcat holds but did not parse: the start of its path (after any blank lines, the method and
         * a space; at most {@link #PATH_START} bytes, enough to tell {@code /api/} and {@code /%61pi/} after Lanyard's own
         * path) and whether the line ended in what Tomcat read. The bytes are read, never moved.
         */
        private record Held(String pathStart, boolean ended) {
            private static final int PATH_START = 64;

            static Optional<Held> of(Request request) {
                if (!request.getCoyoteRequest().requestURI().isNull()
                        || !(request.getCoyoteRequest().getInputBuffer() instanceof ApplicationBufferHandler held)) return Optional.empty();
                ByteBuffer bytes = held.getByteBuffer();
                if (bytes == null) return Optional.empty();
                int end = bytes.limit();
                int at = 0;
                while (at < end && (bytes.get(at) == '\r' || bytes.get(at) == '\n')) at++;
                while (at < end && bytes.get(at) != ' ') at++;
                if (++at >= end) return Optional.empty();
                StringBuilder path = new StringBuilder();
                while (at < end && path.length() < PATH_START && " ?\r\n".indexOf(bytes.get(at)) < 0) {
                    path.append((char) (bytes.get(at++) & 0xFF));
                }
                while (at < end && bytes.get(at) != '\n') at++;
                return Optional.of(new Held(path.toString(), at < end));
            }
        }

        /**
         * The status's own sentence ({@link ErrorPages#message}), but for a request line too long to read (that the
         * address is too long, not that the request was not valid) and for Tomcat's 501 to a body in a transfer coding it
         * does not decode (only {@code chunked} is): the request's fault, said with the codings it named when they are
         * short and plain (no more of the header is echoed) and what to send instead.
         */
        private static String detail(Request request, HttpStatus status) {
            if (status == HttpStatus.BAD_REQUEST && Held.of(request).filter(held -> !held.ended()).isPresent()) {
                return ErrorPages.message(HttpStatus.URI_TOO_LONG);
            }
            if (status != HttpStatus.NOT_IMPLEMENTED) return ErrorPages.message(status);
            Enumeration<String> values = request.getCoyoteRequest().getMimeHeaders().values("transfer-encoding");
            if (!values.hasMoreElements()) return ErrorPages.message(status);
            List<String> codings = new ArrayList<>();
            while (values.hasMoreElements()) {
                for (String coding : values.nextElement().split(",")) {
                    String named = coding.strip().toLowerCase(Locale.ROOT);
                    if (!named.isEmpty() && !named.equals("chunked")) codings.add(named);
                }
            }
            boolean plain = !codings.isEmpty() && codings.size() <= MAX_NAMED_CODINGS
                    && codings.stream().allMatch(coding -> PLAIN_CODING.matcher(coding).matches());
            return "This server does not accept request bodies sent with "
                    + (plain ? "Transfer-Encoding " + String.join(", ", codings) : "that Transfer-Encoding")
                    + "; send the body as it is, or chunked.";
        }

        /** The problem, with the path as its instance when Tomcat read one ({@link Problems#instance}: only characters a URI's path holds). */
        private static String problem(HttpStatus status, String detail, String uri) {
            return "{\"type\":\"urn:lanyard:problem:" + status.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + "\",\"title\":\"" + status.getReasonPhrase() + "\",\"status\":" + status.value()
                    + ",\"detail\":\"" + detail + "\""
                    + (uri == null || uri.isEmpty() ? "" : ",\"instance\":\"" + Problems.instance(uri) + "\"") + "}";
        }
    }
}
