package dev.lanyard.passkeys;

import java.util.List;

import dev.lanyard.geo.ExternalOrigin;
import dev.lanyard.geo.ExternalOrigins;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * The relying party a request's ceremony runs for: the configured {@code lanyard.passkeys.rp-id} and
 * {@code origins}, each defaulting to the request's external origin ({@link ExternalOrigins}: the public URL
 * setting, else the request as seen through trusted proxies only). Used by the web layer; the service sees
 * only the {@link RelyingParty}.
 */
@Component
public class RelyingParties {
    private final PasskeySettings settings;
    private final ExternalOrigins origins;

    RelyingParties(PasskeySettings settings, ExternalOrigins origins) {
        this.settings = settings;
        this.origins = origins;
    }

    public RelyingParty of(HttpServletRequest request) {
        ExternalOrigin origin = origins.of(request);
        String id = settings.rpId() != null ? settings.rpId() : origin.host();
        List<String> allowed = settings.origins().isEmpty() ? List.of(origin.serialized()) : settings.origins();
        return new RelyingParty(id, allowed, settings.rpName());
    }
}
