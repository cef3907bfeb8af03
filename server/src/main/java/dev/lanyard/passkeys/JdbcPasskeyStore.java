package dev.lanyard.passkeys;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.lanyard.account.AccountId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.web.webauthn.api.AuthenticatorTransport;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.security.web.webauthn.api.ImmutableCredentialRecord;
import org.springframework.security.web.webauthn.api.ImmutablePublicKeyCose;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialType;
import org.springframework.stereotype.Repository;

/** Passkeys in SQL that reads the same on SQLite and PostgreSQL. Bytes are base64url text; transports comma-separated. */
@Repository
class JdbcPasskeyStore implements PasskeyStore {
    private static final Base64.Encoder ENCODE = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODE = Base64.getUrlDecoder();
    private static final String CREDENTIAL = """
            SELECT p.credential_id, p.account_id, p.name, p.credential_type, p.public_key, p.signature_count,
                   p.uv_initialized, p.backup_eligible, p.backup_state, p.transports, p.attestation_object,
                   p.attestation_client_data, p.created_at, p.last_used_at, u.user_handle
            FROM passkeys p JOIN passkey_users u ON u.account_id = p.account_id
            """;
    private static final String PASSKEY = "SELECT credential_id, account_id, name, created_at, last_used_at, backup_state FROM passkeys";

    private final JdbcClient jdbc;

    JdbcPasskeyStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<String> userHandle(AccountId account) {
        return jdbc.sql("SELECT user_handle FROM passkey_users WHERE account_id = :account")
                .param("account", account.value()).query(String.class).optional();
    }

    @Override
    public String ensureUserHandle(AccountId account, String candidate) {
        jdbc.sql("INSERT INTO passkey_users (account_id, user_handle) VALUES (:account, :handle) ON CONFLICT (account_id) DO NOTHING")
                .param("account", account.value()).param("handle", candidate).update();
        return userHandle(account).orElseThrow();
    }

    @Override
    public Optional<AccountId> accountOfHandle(String handle) {
        return jdbc.sql("SELECT account_id FROM passkey_users WHERE user_handle = :handle")
                .param("handle", handle).query((rs, n) -> new AccountId(rs.getString(1))).optional();
    }

    @Override
    public void insert(AccountId owner, CredentialRecord c, Instant at) {
        jdbc.sql("""
                INSERT INTO passkeys (credential_id, account_id, name, credential_type, public_key, signature_count,
                    uv_initialized, backup_eligible, backup_state, transports, attestation_object, attestation_client_data,
                    created_at, last_used_at)
                VALUES (:id, :owner, :name, :type, :key, :count, :uv, :be, :bs, :transports, :attestation, :clientData, :created, NULL)
                """)
                .param("id", c.getCredentialId().toBase64UrlString())
                .param("owner", owner.value())
                .param("name", c.getLabel())
                .param("type", c.getCredentialType() == null ? PublicKeyCredentialType.PUBLIC_KEY.getValue() : c.getCredentialType().getValue())
                .param("key", ENCODE.encodeToString(c.getPublicKey().getBytes()))
                .param("count", c.getSignatureCount())
                .param("uv", c.isUvInitialized())
                .param("be", c.isBackupEligible())
                .param("bs", c.isBackupState())
                .param("transports", c.getTransports().stream().map(AuthenticatorTransport::getValue).sorted().collect(Collectors.joining(",")))
                .param("attestation", c.getAttestationObject() == null ? "" : c.getAttestationObject().toBase64UrlString())
                .param("clientData", c.getAttestationClientDataJSON() == null ? "" : c.getAttestationClientDataJSON().toBase64UrlString())
                .param("created", at.toEpochMilli())
                .update();
    }

    @Override
    public Optional<CredentialRecord> find(String credentialId) {
        return jdbc.sql(CREDENTIAL + " WHERE p.credential_id = :id").param("id", credentialId)
                .query((rs, n) -> credential(rs)).optional();
    }

    @Override
    public List<CredentialRecord> credentials(AccountId owner) {
        return jdbc.sql(CREDENTIAL + " WHERE p.account_id = :owner ORDER BY p.created_at, p.credential_id")
                .param("owner", owner.value()).query((rs, n) -> credential(rs)).list();
    }

    @Override
    public List<Passkey> list(AccountId owner) {
        return jdbc.sql(PASSKEY + " WHERE account_id = :owner ORDER BY created_at, credential_id")
                .param("owner", owner.value()).query((rs, n) -> passkey(rs)).list();
    }

    @Override
    public Optional<Passkey> find(String credentialId, AccountId owner) {
        return jdbc.sql(PASSKEY + " WHERE credential_id = :id AND account_id = :owner")
                .param("id", credentialId).param("owner", owner.value()).query((rs, n) -> passkey(rs)).optional();
    }

    @Override
    public int rename(String credentialId, AccountId owner, String name) {
        return jdbc.sql("UPDATE passkeys SET name = :name WHERE credential_id = :id AND account_id = :owner")
                .param("name", name).param("id", credentialId).param("owner", owner.value()).update();
    }

    @Override
    public int delete(String credentialId, AccountId owner) {
        return jdbc.sql("DELETE FROM passkeys WHERE credential_id = :id AND account_id = :owner")
                .param("id", credentialId).param("owner", owner.value()).update();
    }

    @Override
    public int deleteAll(AccountId owner) {
        return jdbc.sql("DELETE FROM passkeys WHERE account_id = :owner").param("owner", owner.value()).update();
    }

    @Override
    public int used(String credentialId, long signatureCount, Instant at) {
        return jdbc.sql("UPDATE passkeys SET signature_count = :count, last_used_at = :at WHERE credential_id = :id")
                .param("count", signatureCount).param("at", at.toEpochMilli()).param("id", credentialId).update();
    }

    @Override
    public void insert(Ceremony c) {
        jdbc.sql("""
                INSERT INTO passkey_ceremonies (id, purpose, account_id, challenge, rp_id, origins, expires_at)
                VALUES (:id, :purpose, :account, :challenge, :rpId, :origins, :expires)
                """)
                .param("id", c.id())
                .param("purpose", c.purpose().name())
                .param("account", c.account().map(AccountId::value).orElse(null), java.sql.Types.VARCHAR)
                .param("challenge", c.challenge())
                .param("rpId", c.rp().id())
                // The relying party's name is configuration, not part of what the ceremony proves.
                .param("origins", String.join(" ", c.rp().origins()))
                .param("expires", c.expiresAt().toEpochMilli())
                .update();
    }

    @Override
    public Optional<Ceremony> take(String id, Instant now) {
        Optional<Ceremony> found = jdbc.sql("""
                        SELECT id, purpose, account_id, challenge, rp_id, origins, expires_at
                        FROM passkey_ceremonies WHERE id = :id""")
                .param("id", id)
                .query((rs, n) -> new Ceremony(rs.getString("id"), Ceremony.Purpose.valueOf(rs.getString("purpose")),
                        Optional.ofNullable(rs.getString("account_id")).map(AccountId::new), rs.getString("challenge"),
                        new RelyingParty(rs.getString("rp_id"), Arrays.asList(rs.getString("origins").split(" ")), "Lanyard"),
                        Instant.ofEpochMilli(rs.getLong("expires_at"))))
                .optional();
        if (found.isEmpty()) return found;
        // Whoever deletes the row owns the ceremony: two requests racing with one answer get it once.
        int taken = jdbc.sql("DELETE FROM passkey_ceremonies WHERE id = :id").param("id", id).update();
        return taken == 1 && found.get().expiresAt().isAfter(now) ? found : Optional.empty();
    }

    @Override
    public int deleteExpired(Instant now) {
        return jdbc.sql("DELETE FROM passkey_ceremonies WHERE expires_at <= :now").param("now", now.toEpochMilli()).update();
    }

    private static CredentialRecord credential(ResultSet rs) throws SQLException {
        String transports = rs.getString("transports");
        Set<AuthenticatorTransport> parsed = transports.isEmpty() ? Set.of()
                : Arrays.stream(transports.split(",")).map(AuthenticatorTransport::valueOf).collect(Collectors.toUnmodifiableSet());
        long lastUsed = rs.getLong("last_used_at");
        boolean neverUsed = rs.wasNull();
        Instant created = Instant.ofEpochMilli(rs.getLong("created_at"));
        return ImmutableCredentialRecord.builder()
                .credentialType(PublicKeyCredentialType.valueOf(rs.getString("credential_type")))
                .credentialId(Bytes.fromBase64(rs.getString("credential_id")))
                .userEntityUserId(Bytes.fromBase64(rs.getString("user_handle")))
                .publicKey(new ImmutablePublicKeyCose(DECODE.decode(rs.getString("public_key"))))
                .signatureCount(rs.getLong("signature_count"))
                .uvInitialized(rs.getBoolean("uv_initialized"))
                .backupEligible(rs.getBoolean("backup_eligible"))
                .backupState(rs.getBoolean("backup_state"))
                .transports(parsed)
                .attestationObject(bytes(rs.getString("attestation_object")))
                .attestationClientDataJSON(bytes(rs.getString("attestation_client_data")))
                .created(created)
                .lastUsed(neverUsed ? created : Instant.ofEpochMilli(lastUsed))
                .label(rs.getString("name"))
                .build();
    }

    private static Bytes bytes(String base64) {
        return base64.isEmpty() ? null : Bytes.fromBase64(base64);
    }

    private static Passkey passkey(ResultSet rs) throws SQLException {
        long lastUsed = rs.getLong("last_used_at");
        Optional<Instant> used = rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(lastUsed));
        return new Passkey(rs.getString("credential_id"), new AccountId(rs.getString("account_id")), rs.getString("name"),
                Instant.ofEpochMilli(rs.getLong("created_at")), used, rs.getBoolean("backup_state"));
    }
}
