package dev.lanyard.web;

import java.io.IOException;
import java.io.Writer;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;

/**
 * Requests Tomcat refuses before any application code runs (a {@code %00} or {@code %2F} in the
 * path, characters such as {@code []} unescaped in the query, a request line or headers too long)
 * get Lanyard's answer instead of Tomcat's report page: problem+json for the API and for clients
 * that ask for JSON, otherwise a plain error page; both with the security headers, neither naming
 * the server or echoing the request. A request line too long to read (over 8 KB) gets the page
 * whatever it asked for: Tomcat has read neither its path nor its headers. Installed in place of the host's {@link ErrorReportValve}
 * (after Spring Boot's own customizer, which adds one).
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class ContainerErrorPages implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> {

    @Override
    public void customize(ConfigurableTomcatWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            Host host = (Host) context.getParent();
            for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve && !(valve instanceof Report)) host.getPipeline().removeValve(valve);
            }
            if (host instanceof org.apache.catalina.core.StandardHost standard) {
                standard.setErrorReportValveClass(Report.class.getName());
            }
            host.getPipeline().addValve(new Report());
        });
    }

    /** Tomcat's error report valve, writing Lanyard's body and headers. */
    public static class Report extends ErrorReportValve {

        public Report() {
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
                SecurityHeaders.apply(response);
                boolean json = wantsJson(request);
                response.setContentType(json ? "application/problem+json" : "text/html");
                response.setCharacterEncoding("UTF-8");
                Writer writer = response.getReporter();
                if (writer == null) return;
                writer.write(json ? problem(status) : page(status));
                response.finishResponse();
            } catch (IOException | IllegalStateException e) {
                // The client is gone or the response cannot take a body: nothing more to say.
            }
        }

        /**
         * The API's paths, as far as the raw request says, or a client that asks for JSON and not HTML.
         * A request line Tomcat could not parse has neither, and gets the page.
         */
        private static boolean wantsJson(Request request) {
            String uri = request.getCoyoteRequest().requestURI().toString();
            if (uri != null && (uri.startsWith("/api/") || uri.toLowerCase(Locale.ROOT).startsWith("/%61pi/"))) return true;
            String accept = request.getCoyoteRequest().getHeader("Accept");
            return accept != null && accept.contains("json") && !accept.contains("text/html");
        }

        private static String problem(HttpStatus status) {
            return "{\"type\":\"urn:lanyard:problem:" + status.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + "\",\"title\":\"" + status.getReasonPhrase() + "\",\"status\":" + status.value()
                    + ",\"detail\":\"" + ErrorPages.message(status) + "\"}";
        }

        private static String page(HttpStatus status) {
            return """
                    <!DOCTYPE html>
                    <html lang="en">
                    <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                    <title>Error · Lanyard</title><link rel="stylesheet" href="/css/lanyard.css"></head>
                    <body class="narrow"><main id="main" class="auth">
                    <h1>Something went wrong</h1>
                    <div class="alert error" role="alert">%s</div>
                    <p><a href="/settings/sessions">Back to your sessions</a></p>
                    </main></body></html>
                    """.formatted(HtmlUtils.htmlEscape(ErrorPages.message(status)));
        }
    }
}
