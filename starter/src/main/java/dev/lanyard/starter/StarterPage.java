package dev.lanyard.starter;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.MediaType;
import org.springframework.web.util.HtmlUtils;

/**
 * The few pages the starter answers itself (signed out, sign-in failed, sign-in unavailable): a small HTML5 document
 * that says its language, so that a screen reader speaks it as English, and fits a phone's width. Never stored: each
 * says how things stand now.
 */
final class StarterPage {
    private StarterPage() {
    }

    /**
     * Writes the page: {@code title} as its title and heading (escaped here), then {@code body}, HTML whose text the
     * caller has escaped. The status is the caller's to set.
     */
    static void write(HttpServletResponse response, String title, String body) throws IOException {
        String heading = HtmlUtils.htmlEscape(title);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(MediaType.TEXT_HTML_VALUE + ";charset=UTF-8");
        response.getWriter().write("""
                <!doctype html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>%s</title>
                </head>
                <body>
                <main>
                <h1>%s</h1>
                %s
                </main>
                </body>
                </html>
                """.formatted(heading, heading, body));
    }

    /** A link to {@code path} of this app (its context path first), escaped. */
    static String link(HttpServletRequest request, String path, String text) {
        return "<a href=\"" + HtmlUtils.htmlEscape(request.getContextPath() + path) + "\">" + HtmlUtils.htmlEscape(text) + "</a>";
    }
}
