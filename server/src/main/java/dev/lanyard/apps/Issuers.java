package dev.lanyard.apps;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.geo.IpLiteral;
import org.springframework.stereotype.Component;

/**
 * Whether an {@code iss} is one Lanyard's tokens carry: the configured issuer, or without one a name {@link IssuerHost}
 * lets the authorization server take from a request ({@code localhost} or an IP address, with any port); behind a trusted
 * proxy, which chooses the {@code Host}, any http or https address. A token minted before {@link IssuerHost} with a forged
 * {@code Host} ({@code http://evil.example}) is refused by those who ask ({@code signals/Receivers}).
 */
@Component
public class Issuers {
    private final String configured;
    private final ClientAddresses addresses;

    Issuers(IssuerSetting setting, ClientAddresses addresses) {
        this.configured = setting.issuer() == null ? null : withoutTrailingSlash(setting.issuer().strip());
        this.addresses = addresses;
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

    private static String withoutTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
