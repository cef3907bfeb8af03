package dev.lanyard.apps;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.geo.IpLiteral;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.web.util.UrlUtils;
import org.springframework.stereotype.Component;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Lanyard's OpenID Connect issuer, for the modules that name it beside the authorization server (Shared Signals): the
 * configured issuer, or without one the address of each request as the authorization server takes it. And whether an
 * {@code iss} is one Lanyard's tokens carry: the configured issuer, or without one a name {@link IssuerHost}
 * lets the authorization server take from a request ({@code localhost} or an IP address, with any port); behind a trusted
 * proxy, which chooses the {@code Host}, any http or https address. A token minted before {@link IssuerHost} with a forged
 * {@code Host} ({@code http://evil.example}) is refused by those who ask ({@code signals/Receivers}).
 */
@Component
public class Issuers {
    private final String named;
    private final String configured;
    private final ClientAddresses addresses;

    Issuers(IssuerSetting setting, ClientAddresses addresses) {
        this.named = setting.issuer();
        this.configured = setting.issuer() == null ? null : withoutTrailingSlash(setting.issuer().strip());
        this.addresses = addresses;
    }

    /**
     * The configured issuer ({@code spring.security.oauth2.authorizationserver.issuer}, else {@code lanyard.web.public-url}:
     * {@link PublicIssuer}), exactly as discovery names it; empty when each request names its own.
     */
    public Optional<String> configured() {
        return Optional.ofNullable(named);
    }

    /**
     * The issuer discovery names for {@code request}: the configured one, else the request's own scheme, host, port and
     * context path, as Spring's authorization server resolves it ({@code http://127.0.0.1:8080} for a request to
     * {@code http://127.0.0.1:8080/.well-known/openid-configuration}). Empty where {@link IssuerHost} refuses the request
     * at the authorization server: a {@code Host} naming another server is never taken for an issuer.
     */
    public Optional<String> of(HttpServletRequest request) {
        if (named != null) return Optional.of(named);
        if (!IssuerHost.namesThisServer(request) && !addresses.fromTrustedProxy(request)) return Optional.empty();
        return Optional.of(UriComponentsBuilder.fromUriString(UrlUtils.buildFullRequestUrl(request))
                .replacePath(request.getContextPath()).replaceQuery(null).fragment(null).build().toUriString());
    }

    /** Whether {@code iss} is an issuer of Lanyard's tokens. */
    public boolean issued(String iss) {
        if (iss == null) return false;
        if (configured != null) return configured.equals(withoutTrailingSlash(iss));
        try {
            URI uri = new URI(iss);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) return false;
            if (addresses.anyTrustedProxy()) return true;
            return uri.getHost().equalsIgnoreCase("localhost") || IpLiteral.parse(uri.getHost()).isPresent();
        } catch (URISyntaxException unparsable) {
            return false;
        }
    }

    /** {@code url} without one trailing {@code /}: how an issuer is named and compared. */
    public static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
