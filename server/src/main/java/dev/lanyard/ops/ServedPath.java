package dev.lanyard.ops;

import org.springframework.core.env.Environment;

/**
 * The path Lanyard is served at ({@code server.servlet.context-path}, docs/decisions/0081-lanyard-at-a-path.md): empty at
 * the root (the default), else {@code /lanyard}, without a trailing {@code /} as Spring Boot keeps it. For the addresses
 * made from a public URL or the listening address before any request names one: the issuer, the links in mail.
 */
public final class ServedPath {
    static final String PROPERTY = "server.servlet.context-path";

    private ServedPath() {
    }

    /** The configured path, {@code ""} for none or {@code /}. */
    public static String of(Environment environment) {
        return withoutTrailingSlashes(environment.getProperty(PROPERTY, "").strip());
    }

    /** {@code url} (a public URL, or where Lanyard listens) without trailing {@code /}, then the configured path. */
    public static String under(String url, Environment environment) {
        return withoutTrailingSlashes(url) + of(environment);
    }

    private static String withoutTrailingSlashes(String text) {
        String bare = text;
        while (bare.endsWith("/")) bare = bare.substring(0, bare.length() - 1);
        return bare;
    }
}
