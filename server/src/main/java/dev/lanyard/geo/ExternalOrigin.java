package dev.lanyard.geo;

import java.util.Locale;

/**
 * The scheme, host and port a person's browser used to reach Lanyard, which behind a TLS proxy
 * differ from the ones the connection to Lanyard has.
 *
 * @param scheme {@code http} or {@code https}
 * @param host   a host name or IP literal (IPv6 in brackets), lower case
 * @param port   the port, the scheme's default included
 */
public record ExternalOrigin(String scheme, String host, int port) {

    public ExternalOrigin {
        scheme = scheme.toLowerCase(Locale.ROOT);
        host = host.toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) throw new IllegalArgumentException("scheme: " + scheme);
        if (port < 1 || port > 65535) throw new IllegalArgumentException("port: " + port);
    }

    /** HTTPS as the browser sees it: cookies may be {@code Secure} and {@code __Host-}, HSTS applies. */
    public boolean secure() {
        return scheme.equals("https");
    }

    /** As a browser writes it in {@code Origin}: {@code https://lanyard.example.com}, the port only when not the default. */
    public String serialized() {
        boolean defaultPort = port == (secure() ? 443 : 80);
        return scheme + "://" + host + (defaultPort ? "" : ":" + port);
    }

    static int defaultPort(String scheme) {
        return scheme.equalsIgnoreCase("https") ? 443 : 80;
    }
}
