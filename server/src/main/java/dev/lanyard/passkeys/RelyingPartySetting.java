package dev.lanyard.passkeys;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.lanyard.ops.CheckedBeforeMigration;
import dev.lanyard.ops.InvalidSetting;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * WebAuthn takes a ceremony only from an origin whose host is the relying party id or ends with {@code .} and it: with
 * {@code lanyard.passkeys.rp-id=other.example} and {@code lanyard.web.public-url=https://lanyard.example.com}, Lanyard
 * started and no passkey could ever be registered (outside review). Where both are known at start, the start stops
 * before the migration with a report naming the settings: the id is {@code rp-id}, else the public URL's host; the
 * origins are {@code lanyard.passkeys.origins}, else the public URL. Without them each request's own origin is used, and
 * the browser's check is the only one, as before.
 */
@Component
class RelyingPartySetting implements CheckedBeforeMigration {
    static final String PUBLIC_URL = "lanyard.web.public-url";

    RelyingPartySetting(PasskeySettings settings, Environment environment) {
        String publicUrl = environment.getProperty(PUBLIC_URL, "").strip();
        Optional<String> publicHost = publicUrl.isEmpty() ? Optional.empty() : host(publicUrl);
        Optional<String> id = Optional.ofNullable(settings.rpId()).or(() -> publicHost);
        List<String> origins = !settings.origins().isEmpty() ? settings.origins() : publicHost.map(h -> List.of(publicUrl)).orElse(List.of());
        if (id.isEmpty()) return;
        for (String origin : origins) {
            Optional<String> host = host(origin);
            if (host.isPresent() && !within(host.get(), id.get())) throw outside(settings, id.get(), origin, host.get());
        }
    }

    /** Whether an origin of {@code host} may use passkeys of the relying party {@code id}: the same host, or one under it. */
    private static boolean within(String host, String id) {
        return host.equals(id) || host.endsWith("." + id);
    }

    private static InvalidSetting outside(PasskeySettings settings, String id, String origin, String host) {
        String where = settings.origins().isEmpty() ? PUBLIC_URL + " (" + origin + ")" : origin + " in lanyard.passkeys.origins";
        if (settings.rpId() == null) {
            return new InvalidSetting("lanyard.passkeys.origins", "the host of " + where + " is not " + id + ", the host of "
                    + PUBLIC_URL + " that the relying party id defaults to, nor under it, so browsers would refuse every passkey there.",
                    "Give lanyard.passkeys.origins under " + id + ", or set lanyard.passkeys.rp-id to a domain that every one of them"
                            + " ends with.");
        }
        return new InvalidSetting("lanyard.passkeys.rp-id", "'" + id + "' is neither the host of " + where + " nor a domain that"
                + " host ends with, so browsers would refuse every passkey.",
                "Set lanyard.passkeys.rp-id to " + host + " or a registrable domain it ends with, leave it unset (the host of " + PUBLIC_URL
                        + "), or correct " + (settings.origins().isEmpty() ? PUBLIC_URL : "lanyard.passkeys.origins") + ".");
    }

    /** The lower-case host of {@code url}; empty when it has none (refused where the setting is bound). */
    private static Optional<String> host(String url) {
        try {
            return Optional.ofNullable(new URI(url).getHost()).map(h -> h.toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
