package dev.lanyard.geo;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * Answers, for a request, the origin its sender's browser used and so whether it is secure: the
 * one place that decides whether cookies get {@code Secure} and {@code __Host-}, whether HSTS is
 * sent, and what a same-origin {@code Origin} header looks like ({@link #foreign}).
 *
 * <p>A configured {@code lanyard.web.public-url} is every request's origin. Without one, the
 * request's own scheme and {@code Host} are, unless the socket peer is a trusted proxy
 * ({@code lanyard.web.trusted-proxies}): then {@code X-Forwarded-Proto}, {@code -Host} and
 * {@code -Port} are believed. A request from anyone else cannot change its origin with them.
 * Several proxies in a row: the scheme is HTTPS only if every listed scheme is, and host and port
 * are the last (nearest) values.
 */
@Component
public class ExternalOrigins {
    private static final String ATTRIBUTE = ExternalOrigins.class.getName();
    /** A DNS name or IPv4 literal, or an IPv6 literal in brackets; then an optional port. */
    private static final Pattern HOST = Pattern.compile("([A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\])(?::([0-9]{1,5}))?");

    private final Optional<ExternalOrigin> fixed;
    private final ClientAddresses addresses;
    /** No public URL and no trusted proxy: a request's own scheme says whether it is secure. */
    private final boolean ownScheme;

    ExternalOrigins(ProxySettings settings, ClientAddresses addresses) {
        this.fixed = Optional.ofNullable(settings.publicUrl()).map(ExternalOrigins::of);
        this.addresses = addresses;
        this.ownScheme = fixed.isEmpty() && settings.trustedProxies().isEmpty();
    }

    /** The origin the request was sent to, as its sender sees it. */
    public ExternalOrigin of(HttpServletRequest request) {
        if (fixed.isPresent()) return fixed.get();
        if (request.getAttribute(ATTRIBUTE) instanceof ExternalOrigin known) return known;
        ExternalOrigin origin = addresses.fromTrustedProxy(request) ? forwarded(request) : direct(request);
        request.setAttribute(ATTRIBUTE, origin);
        return origin;
    }

    /**
     * Whether the request says it was sent from another origin (docs/decisions/0003-api-csrf.md): an {@code Origin}
     * other than {@link #of}'s, or without one, a {@code Sec-Fetch-Site} other than {@code same-origin} or {@code none}
     * (the member typed or bookmarked the address). A client that is no browser sends neither. Every state-changing
     * request of a page or the API, the OAuth consent form's and the data export's download among them.
     */
    public boolean foreign(HttpServletRequest request) {
        String origin = request.getHeader("Origin");
        if (origin != null) return !origin.equalsIgnoreCase(of(request).serialized());
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        return fetchSite != null && !(fetchSite.equals("same-origin") || fetchSite.equals("none"));
    }

    /** Whether the request reached Lanyard over HTTPS as far as its sender is concerned. */
    public boolean isSecure(HttpServletRequest request) {
        // Without a public URL or a trusted proxy only the request's own scheme decides: no host is
        // read for the HSTS check every answer makes (issue 13).
        if (ownScheme) return "https".equalsIgnoreCase(request.getScheme());
        return of(request).secure();
    }

    private static ExternalOrigin direct(HttpServletRequest request) {
        return new ExternalOrigin(request.getScheme(), request.getServerName(), request.getServerPort());
    }

    private static ExternalOrigin forwarded(HttpServletRequest request) {
        List<String> protos = values(request, "X-Forwarded-Proto");
        String scheme = protos.isEmpty() ? request.getScheme().toLowerCase(Locale.ROOT)
                : protos.stream().allMatch(p -> p.equalsIgnoreCase("https")) ? "https" : "http";
        HostAndPort host = last(request, "X-Forwarded-Host").flatMap(HostAndPort::parse)
                .or(() -> HostAndPort.parse(request.getHeader("Host")))
                .orElseGet(() -> new HostAndPort(request.getServerName(), OptionalInt.of(request.getServerPort())));
        int port = last(request, "X-Forwarded-Port").flatMap(ExternalOrigins::port).stream().mapToInt(Integer::intValue).findFirst()
                .orElse(host.port().orElse(ExternalOrigin.defaultPort(scheme)));
        return new ExternalOrigin(scheme, host.host(), port);
    }

    private record HostAndPort(String host, OptionalInt port) {
        static Optional<HostAndPort> parse(String value) {
            if (value == null) return Optional.empty();
            Matcher m = HOST.matcher(value.strip());
            if (!m.matches()) return Optional.empty();
            if (m.group(2) == null) return Optional.of(new HostAndPort(m.group(1), OptionalInt.empty()));
            return ExternalOrigins.port(m.group(2)).map(p -> new HostAndPort(m.group(1), OptionalInt.of(p)));
        }
    }

    private static Optional<Integer> port(String value) {
        String digits = value.strip();
        if (digits.isEmpty() || digits.length() > 5 || !digits.chars().allMatch(Character::isDigit)) return Optional.empty();
        int port = Integer.parseInt(digits);
        return port >= 1 && port <= 65535 ? Optional.of(port) : Optional.empty();
    }

    private static Optional<String> last(HttpServletRequest request, String header) {
        List<String> values = values(request, header);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    /** Every comma-separated value of every instance of the header, in order. */
    private static List<String> values(HttpServletRequest request, String header) {
        List<String> values = new ArrayList<>();
        var headers = request.getHeaders(header);
        if (headers == null) return values;
        for (String line : Collections.list(headers)) {
            for (String value : line.split(",")) {
                if (!value.isBlank()) values.add(value.strip());
            }
        }
        return values;
    }

    private static ExternalOrigin of(URI url) {
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        return new ExternalOrigin(scheme, url.getHost(), url.getPort() == -1 ? ExternalOrigin.defaultPort(scheme) : url.getPort());
    }
}
