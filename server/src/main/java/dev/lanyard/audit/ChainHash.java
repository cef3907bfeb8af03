package dev.lanyard.audit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The hash of an audit entry: SHA-256, lower-case hex, over a canonical encoding that no two
 * different entries share. The encoding is the version tag {@code "lanyard-audit-v1"} followed by
 * every stored field in a fixed order, each text field as a 4-byte big-endian length and its UTF-8
 * bytes, a missing (null) value as length -1, and the two numbers (seq, at in epoch milliseconds)
 * as 8-byte big-endian integers:
 *
 * <pre>prev_hash, seq, team_id, at, actor_id, actor_email, actor_name, actor_session_id,
 * subject_id, session_id, action, detail, ip</pre>
 *
 * Length prefixes make the boundaries unambiguous ("ab"+"c" differs from "a"+"bc"), and null
 * differs from empty. Changing anything here breaks every existing chain: a new encoding needs a
 * new version tag, recorded per entry.
 */
final class ChainHash {
    /** The prev_hash of a team's first entry. */
    static final String GENESIS = "0".repeat(64);
    private static final byte[] VERSION = "lanyard-audit-v1".getBytes(StandardCharsets.UTF_8);

    private ChainHash() {
    }

    static String of(AuditEntry e) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + e.detail().length() * 2);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(VERSION);
            text(out, e.prevHash());
            out.writeLong(e.seq());
            text(out, e.team().value());
            out.writeLong(e.at().toEpochMilli());
            text(out, e.actor().id().map(Object::toString));
            text(out, e.actor().email());
            text(out, e.actor().name());
            text(out, e.actor().session().map(Object::toString));
            text(out, e.subject().map(Object::toString));
            text(out, e.session().map(Object::toString));
            text(out, e.action());
            text(out, e.detail());
            text(out, e.ip());
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return HexFormat.of().formatHex(sha256().digest(bytes.toByteArray()));
    }

    private static void text(DataOutputStream out, Optional<String> value) throws IOException {
        if (value.isEmpty()) {
            out.writeInt(-1);
        } else {
            text(out, value.get());
        }
    }

    private static void text(DataOutputStream out, String value) throws IOException {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
