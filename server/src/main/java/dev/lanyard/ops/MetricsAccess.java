package dev.lanyard.ops;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

import org.springframework.stereotype.Component;

/**
 * Who may read the metrics: whoever presents the configured {@code lanyard.ops.metrics-token}.
 * Only the token's SHA-256 is kept, and presented tokens are compared by their hashes in constant
 * time, so neither the comparison's timing nor a heap dump gives the token away.
 */
@Component
public class MetricsAccess {
    private final Optional<byte[]> tokenHash;

    MetricsAccess(OpsSettings settings) {
        this.tokenHash = Optional.ofNullable(settings.metricsToken()).map(MetricsAccess::sha256);
    }

    /** Whether a metrics token is configured: without one, metrics are not served over HTTP. */
    public boolean configured() {
        return tokenHash.isPresent();
    }

    /** Whether {@code presented} is the metrics token; always false when none is configured. */
    public boolean accepts(String presented) {
        if (tokenHash.isEmpty() || presented == null) return false;
        return MessageDigest.isEqual(tokenHash.get(), sha256(presented));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
