package dev.lanyard.geo;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The reverse proxies whose {@code X-Forwarded-For} Lanyard believes.
 *
 * @param trustedProxies IP addresses or CIDR blocks, IPv4 or IPv6 ({@code 10.0.0.0/8},
 *                       {@code ::1}); empty (the default) means the socket peer is the client
 */
@ConfigurationProperties("lanyard.web")
record ProxySettings(List<String> trustedProxies) {

    ProxySettings {
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
    }
}
