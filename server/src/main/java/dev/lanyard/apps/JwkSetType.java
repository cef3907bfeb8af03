package dev.lanyard.apps;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import dev.lanyard.session.SessionFilter;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * The JWKS is served as {@code application/json}, as discovery is, with no charset: Spring's filter writes it through the
 * servlet's writer, and Tomcat added the writer's default, {@code application/json;charset=ISO-8859-1}, which names an
 * encoding JSON never has (RFC 8259 §8.1: UTF-8; outside review). Spring's filter is given a writer of UTF-8, whose
 * bytes are then sent with their length, so the type stays as it sets it.
 */
final class JwkSetType implements Filter {
    private final String jwkSet;

    /** {@code jwkSet}: the JWKS endpoint's path. */
    JwkSetType(String jwkSet) {
        this.jwkSet = jwkSet;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!jwkSet.equals(SessionFilter.sentPath((HttpServletRequest) req))) {
            chain.doFilter(req, res);
            return;
        }
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        PrintWriter writer = new PrintWriter(new OutputStreamWriter(written, StandardCharsets.UTF_8));
        chain.doFilter(req, new HttpServletResponseWrapper((HttpServletResponse) res) {
            @Override
            public PrintWriter getWriter() {
                return writer;
            }
        });
        writer.flush();
        // Sent with its length, as before (a few hundred bytes per key).
        if (written.size() > 0 && !res.isCommitted()) {
            res.setContentLength(written.size());
            written.writeTo(res.getOutputStream());
        }
    }
}
