package dev.lanyard.passkeys;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who Lanyard is to authenticators. Both default from the request's origin as {@code geo.ExternalOrigins}
 * sees it ({@code lanyard.web.public-url} when set, else the request, believing forwarded headers only from
 * trusted proxies).
 *
 * @param rpId    the relying party id, a registrable domain such as {@code lanyard.example.com}; passkeys are
 *                bound to it, so changing it later makes every registered passkey unusable
 * @param origins the origins whose browsers may use the passkeys ({@code https://lanyard.example.com}); must
 *                be within {@link #rpId}
 * @param rpName  what authenticators show as the site's name
 */
@ConfigurationProperties("lanyard.passkeys")
record PasskeySettings(String rpId, List<String> origins, String rpName) {
    PasskeySettings {
        rpId = rpId == null || rpId.isBlank() ? null : rpId.strip().toLowerCase(Locale.ROOT);
        origins = origins == null ? List.of() : origins.stream().map(String::strip).filter(o -> !o.isEmpty()).map(PasskeySettings::origin).toList();
        rpName = rpName == null || rpName.isBlank() ? "Lanyard" : rpName.strip();
        if (rpId != null && !rpId.matches("[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?"))
            throw new IllegalArgumentException("lanyard.passkeys.rp-id must be a domain name such as lanyard.example.com, without scheme or port");
    }

    private static String origin(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            // URI.create's raw exception once stopped the start without naming the setting (outside review AJ).
            throw new IllegalArgumentException("lanyard.passkeys.origins must be like https://lanyard.example.com (no path): " + value);
        }
        String scheme = Objects.requireNonNullElse(uri.getScheme(), "").toLowerCase(Locale.ROOT);
        boolean bare = uri.getRawPath() == null || uri.getRawPath().isEmpty();
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || !bare || uri.getRawQuery() != null)
            throw new IllegalArgumentException("lanyard.passkeys.origins must be like https://lanyard.example.com (no path): " + value);
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }
}
