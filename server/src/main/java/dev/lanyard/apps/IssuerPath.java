package dev.lanyard.apps;

import java.net.URI;
import java.util.Optional;

import dev.lanyard.ops.ServedPath;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Warns at start when the configured issuer names a path other than the one Lanyard is served at
 * ({@code server.servlet.context-path}, decision 81): discovery then names endpoints where Lanyard does not answer,
 * unless a proxy maps every address, and the pages link outside the path. Before decision 81 the README advised such an
 * issuer behind a proxy that removes the path, which left the pages' links at the host's root. A warning, not a refusal:
 * a proxy may rewrite on purpose.
 */
@Component
class IssuerPath {
    IssuerPath(IssuerSetting setting, Environment environment) {
        warning(setting.issuer(), ServedPath.of(environment)).ifPresent(LoggerFactory.getLogger(IssuerPath.class)::warn);
    }

    /** The warning for {@code issuer} (null: none configured) on Lanyard served at {@code servedPath}, if they disagree. */
    static Optional<String> warning(String issuer, String servedPath) {
        if (issuer == null) return Optional.empty();
        String path;
        try {
            path = URI.create(issuer.strip()).getRawPath();
        } catch (IllegalArgumentException unparsable) {
            return Optional.empty(); // refused where it is bound (IssuerSetting)
        }
        path = path == null ? "" : path.replaceAll("/+$", "");
        if (path.equals(servedPath)) return Optional.empty();
        return Optional.of("The OpenID Connect issuer " + issuer.strip() + " names the path '" + path + "', but Lanyard is served at '"
                + servedPath + "' (server.servlet.context-path): apps are sent to addresses where Lanyard does not answer unless a "
                + "proxy maps them, and its pages link outside that path. Make them agree: "
                + (path.isEmpty() ? "an issuer ending with " + servedPath : "server.servlet.context-path=" + path) + " (decision 81).");
    }
}
