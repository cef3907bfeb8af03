package dev.lanyard.audit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

import dev.lanyard.geo.ClientAddresses;

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
 *
 * <p>Version 2 ({@code "lanyard-audit-v2"}, every entry written since addresses can be reduced,
 * PRODUCT.md D6) has the same fields, but in place of {@code ip} two texts: the address's network
 * ({@link ClientAddresses#network}) and the {@link AuditEntry.Seal#commit() commitment} to the full
 * address. Replacing the address with its network and dropping the salt leaves the hash as it was;
 * any other change to the address fails {@link #sealHolds} or the hash.
 *
 * <p>Version 3 ({@code "lanyard-audit-v3"}, every entry written since) is version 2 with the network of
 * {@link ClientAddresses#network} as it is now: a 6to4 address's IPv4 /24, where version 2 covers every IPv6
 * address's /48 ({@link ClientAddresses#networkAsInVersion2}), which for 6to4 is the whole IPv4 address.
 */
final class ChainHash {
    /** The prev_hash of a team's first entry. */
    static final String GENESIS = "0".repeat(64);
    private static final byte[] VERSION = "lanyard-audit-v1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VERSION_2 = "lanyard-audit-v2".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VERSION_3 = "lanyard-audit-v3".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ChainHash() {
    }

    static String of(AuditEntry e) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + e.detail().length() * 2);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(switch (e.version()) {
                case 1 -> VERSION;
                case 2 -> VERSION_2;
                default -> VERSION_3;
            });
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
            if (e.version() == 1) {
                text(out, e.ip());
            } else {
                text(out, e.ip().map(ip -> network(e.version(), ip)));
                text(out, e.seal().map(AuditEntry.Seal::commit));
            }
        } catch (IOException impossible) {
            throw new UncheckedIOException(impossible);
        }
        return HexFormat.of().formatHex(sha256().digest(bytes.toByteArray()));
    }

    /**
     * A fresh seal for an address: a random salt and SHA-256(salt ‖ address). An address that is a network
     * already (a session's, reduced before the entry was written) is sealed as a reduced one is: its salt
     * dropped at once, as there is no full address to keep.
     */
    static AuditEntry.Seal seal(String ip) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        String commit = commit(salt, ip);
        return new AuditEntry.Seal(commit, ClientAddresses.isNetwork(ip) ? Optional.empty() : Optional.of(HexFormat.of().formatHex(salt)));
    }

    /**
     * Whether the entry's address is the one it was sealed with. Versions 2 and 3: no address and no seal;
     * or the full address with the salt that, hashed with it, gives the commitment; or, once reduced,
     * a network and no salt. Version 1 entries have no seal: their hash covers the address itself.
     */
    static boolean sealHolds(AuditEntry e) {
        if (e.version() == 1) return e.seal().isEmpty();
        if (e.ip().isEmpty() || e.seal().isEmpty()) return e.ip().isEmpty() && e.seal().isEmpty();
        String ip = e.ip().get();
        Optional<String> salt = e.seal().get().salt();
        if (salt.isEmpty()) return ClientAddresses.isNetwork(ip) && network(e.version(), ip).equals(ip);
        byte[] saltBytes;
        try {
            saltBytes = HexFormat.of().parseHex(salt.get());
        } catch (IllegalArgumentException notHex) {
            return false;
        }
        return !ClientAddresses.isNetwork(ip)
                && MessageDigest.isEqual(commit(saltBytes, ip).getBytes(StandardCharsets.US_ASCII),
                e.seal().get().commit().getBytes(StandardCharsets.US_ASCII));
    }

    /** The network an entry of this hash version covers and is reduced to. */
    static String network(int version, String ip) {
        return version == 2 ? ClientAddresses.networkAsInVersion2(ip) : ClientAddresses.network(ip);
    }

    private static String commit(byte[] salt, String ip) {
        MessageDigest sha = sha256();
        sha.update(salt);
        return HexFormat.of().formatHex(sha.digest(ip.getBytes(StandardCharsets.UTF_8)));
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
