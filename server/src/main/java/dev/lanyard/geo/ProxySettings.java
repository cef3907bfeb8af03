package dev.lanyard.geo;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How Lanyard is reached: the reverse proxies it believes, and the address people use.
 *
 * @param trustedProxies IP addresses or CIDR blocks, IPv4 or IPv6 ({@code 10.0.0.0/8},
 *                       {@code ::1}) whose {@code X-Forwarded-For}, {@code -Proto}, {@code -Host}
 *                       and {@code -Port} are believed; empty (the default) means the socket peer
 *                       is the client and the request's own scheme and host are the origin
 * @param publicUrl      the address people reach Lanyard at ({@code https://lanyard.example.com});
 *                       when set, its scheme, host and port are every request's origin, whatever
 *                       the request or any proxy says. Scheme and host only: no path, query or user
 */
@ConfigurationProperties("lanyard.web")
record ProxySettings(List<String> trustedProxies, URI publicUrl) {

    ProxySettings {
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        for (String proxy : trustedProxies) {
            try {
                Cidr.parse(proxy);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("lanyard.web.trusted-proxies must list IP addresses or CIDR blocks "
                        + "(like 10.0.0.10, 10.0.0.0/8, ::1, fd00::/8): " + e.getMessage());
            }
        }
        if (publicUrl != null) {
            String scheme = publicUrl.getScheme() == null ? "" : publicUrl.getScheme().toLowerCase(Locale.ROOT);
            boolean bare = publicUrl.getRawPath() == null || publicUrl.getRawPath().isEmpty() || publicUrl.getRawPath().equals("/");
            if (!(scheme.equals("https") || scheme.equals("http")) || publicUrl.getHost() == null || !bare
                    || publicUrl.getRawQuery() != null || publicUrl.getRawFragment() != null || publicUrl.getRawUserInfo() != null) {
                // A path is the one part an operator means (Lanyard at https://example.com/lanyard/): said how (decision 81).
                String path = bare ? "" : publicUrl.getRawPath().replaceAll("/+$", "");
                String how = path.isEmpty() ? "" : "; to serve Lanyard at " + path + ", give the origin here and set server.servlet.context-path=" + path;
                throw new IllegalArgumentException("lanyard.web.public-url must be like https://lanyard.example.com "
                        + "(http or https, a host, an optional port, nothing else)" + how);
            }
        }
    }
}
