package dev.lanyard.passkeys;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.zaxxer.hikari.HikariDataSource;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.TestAccounts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.web.webauthn.api.AuthenticatorTransport;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.security.web.webauthn.api.ImmutableCredentialRecord;
import org.springframework.security.web.webauthn.api.ImmutablePublicKeyCose;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialType;

/** What every {@link PasskeyStore} must do; run against each database by a subclass. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PasskeyStoreContract {
    private static final Instant T0 = Instant.parse("2026-01-10T09:15:00.250Z");
    private static final RelyingParty RP = new RelyingParty("localhost", List.of("http://localhost:8080"), "Lanyard");

    private HikariDataSource dataSource;
    private PasskeyStore store;

    abstract HikariDataSource migratedDatabase();

    @BeforeAll
    void openStore() {
        dataSource = migratedDatabase();
        store = new JdbcPasskeyStore(JdbcClient.create(dataSource));
    }

    @AfterAll
    void closeDatabase() {
        dataSource.close();
    }

    private AccountId member() {
        AccountId id = TestAccounts.insertInto(dataSource, T0).id();
        store.ensureUserHandle(id, Bytes.random().toBase64UrlString());
        return id;
    }

    private CredentialRecord credential(AccountId owner, String label) {
        return ImmutableCredentialRecord.builder()
                .credentialType(PublicKeyCredentialType.PUBLIC_KEY)
                .credentialId(Bytes.random())
                .userEntityUserId(Bytes.fromBase64(store.userHandle(owner).orElseThrow()))
                .publicKey(new ImmutablePublicKeyCose(new byte[] {1, 2, 3, (byte) 0xff}))
                .signatureCount(7)
                .uvInitialized(true)
                .backupEligible(true)
                .backupState(false)
                .transports(Set.of(AuthenticatorTransport.INTERNAL, AuthenticatorTransport.HYBRID))
                .attestationObject(new Bytes(new byte[] {9, 8, 7}))
                .attestationClientDataJSON(new Bytes("{}".getBytes()))
                .label(label)
                .build();
    }

    private CredentialRecord stored(AccountId owner, String label, Instant at) {
        CredentialRecord c = credential(owner, label);
        store.insert(owner, c, at);
        return c;
    }

    @Test
    void aStoredCredentialReadsBackAsItWasWritten() {
        AccountId alice = member();
        CredentialRecord c = stored(alice, "Laptop", T0);
        CredentialRecord read = store.find(c.getCredentialId().toBase64UrlString()).orElseThrow();
        assertThat(read.getCredentialId()).isEqualTo(c.getCredentialId());
        assertThat(read.getUserEntityUserId()).isEqualTo(c.getUserEntityUserId());
        assertThat(read.getPublicKey().getBytes()).isEqualTo(c.getPublicKey().getBytes());
        assertThat(read.getSignatureCount()).isEqualTo(7);
        assertThat(read.isUvInitialized()).isTrue();
        assertThat(read.isBackupEligible()).isTrue();
        assertThat(read.isBackupState()).isFalse();
        assertThat(read.getTransports()).containsExactlyInAnyOrder(AuthenticatorTransport.INTERNAL, AuthenticatorTransport.HYBRID);
        assertThat(read.getAttestationObject()).isEqualTo(c.getAttestationObject());
        assertThat(read.getAttestationClientDataJSON()).isEqualTo(c.getAttestationClientDataJSON());
        assertThat(read.getCredentialType()).isEqualTo(PublicKeyCredentialType.PUBLIC_KEY);
        assertThat(read.getLabel()).isEqualTo("Laptop");
        assertThat(read.getCreated()).isEqualTo(T0);
        assertThat(store.find(Bytes.random().toBase64UrlString())).isEmpty();
    }

    @Test
    void listShowsOnlyTheOwnersPasskeysOldestFirst() {
        AccountId alice = member();
        AccountId bob = member();
        CredentialRecord later = stored(alice, "Phone", T0.plusSeconds(60));
        CredentialRecord first = stored(alice, "Laptop", T0);
        stored(bob, "Bob's key", T0);
        assertThat(store.list(alice)).extracting(Passkey::name).containsExactly("Laptop", "Phone");
        assertThat(store.list(alice).get(0)).isEqualTo(new Passkey(first.getCredentialId().toBase64UrlString(), alice, "Laptop",
                T0, Optional.empty(), false));
        assertThat(store.credentials(alice)).extracting(CredentialRecord::getCredentialId)
                .containsExactly(first.getCredentialId(), later.getCredentialId());
    }

    @Test
    void aUserHandleIsGivenOnceAndFindsItsAccount() {
        AccountId alice = TestAccounts.insertInto(dataSource, T0).id();
        assertThat(store.userHandle(alice)).isEmpty();
        String handle = store.ensureUserHandle(alice, "first-handle-" + alice.value());
        assertThat(store.ensureUserHandle(alice, "second-handle-" + alice.value())).isEqualTo(handle);
        assertThat(store.userHandle(alice)).contains(handle);
        assertThat(store.accountOfHandle(handle)).contains(alice);
        assertThat(store.accountOfHandle("second-handle-" + alice.value())).isEmpty();
    }

    @Test
    void renamingOrRemovingSomeoneElsesPasskeyChangesNothing() {
        AccountId alice = member();
        AccountId mallory = member();
        String id = stored(alice, "Laptop", T0).getCredentialId().toBase64UrlString();
        assertThat(store.rename(id, mallory, "mine now")).isZero();
        assertThat(store.delete(id, mallory)).isZero();
        assertThat(store.find(id, mallory)).isEmpty();
        assertThat(store.find(id, alice)).map(Passkey::name).contains("Laptop");
    }

    @Test
    void renamingAndRemovingTheirOwnPasskeyChangesItOnceAndIsSafeToRepeat() {
        AccountId alice = member();
        String id = stored(alice, "Laptop", T0).getCredentialId().toBase64UrlString();
        assertThat(store.rename(id, alice, "Work laptop")).isEqualTo(1);
        assertThat(store.find(id, alice)).map(Passkey::name).contains("Work laptop");
        assertThat(store.delete(id, alice)).isEqualTo(1);
        assertThat(store.delete(id, alice)).isZero();
        assertThat(store.find(id)).isEmpty();
    }

    /** An admin's reset (decision 0066): every passkey of the member goes, no one else's; repeating removes nothing. */
    @Test
    void removingAllOfAMembersPasskeysLeavesOthersAndIsSafeToRepeat() {
        AccountId alice = member();
        AccountId bob = member();
        stored(alice, "Laptop", T0);
        stored(alice, "Phone", T0);
        stored(bob, "Key", T0);

        assertThat(store.deleteAll(alice)).isEqualTo(2);
        assertThat(store.deleteAll(alice)).isZero();
        assertThat(store.list(alice)).isEmpty();
        assertThat(store.list(bob)).extracting(Passkey::name).containsExactly("Key");
    }

    @Test
    void aUseRecordsTheCounterAndWhen() {
        AccountId alice = member();
        String id = stored(alice, "Laptop", T0).getCredentialId().toBase64UrlString();
        assertThat(store.used(id, 12, T0.plusSeconds(5))).isEqualTo(1);
        assertThat(store.find(id, alice).orElseThrow().lastUsedAt()).contains(T0.plusSeconds(5));
        assertThat(store.find(id).orElseThrow().getSignatureCount()).isEqualTo(12);
        assertThat(store.used(Bytes.random().toBase64UrlString(), 1, T0)).isZero();
    }

    @Test
    void aCeremonyIsTakenOnceAndOnlyBeforeItExpires() {
        AccountId alice = member();
        Ceremony ceremony = new Ceremony("c-" + Bytes.random().toBase64UrlString(), Ceremony.Purpose.REGISTER, Optional.of(alice),
                Bytes.random().toBase64UrlString(), RP, T0.plus(Duration.ofMinutes(5)));
        store.insert(ceremony);
        assertThat(store.take(ceremony.id(), T0)).hasValueSatisfying(c -> {
            assertThat(c.purpose()).isEqualTo(Ceremony.Purpose.REGISTER);
            assertThat(c.account()).contains(alice);
            assertThat(c.challenge()).isEqualTo(ceremony.challenge());
            assertThat(c.rp().id()).isEqualTo("localhost");
            assertThat(c.rp().origins()).containsExactly("http://localhost:8080");
            assertThat(c.expiresAt()).isEqualTo(ceremony.expiresAt());
        });
        assertThat(store.take(ceremony.id(), T0)).isEmpty();

        Ceremony anonymous = new Ceremony("c-" + Bytes.random().toBase64UrlString(), Ceremony.Purpose.SIGN_IN, Optional.empty(),
                Bytes.random().toBase64UrlString(), RP, T0.plus(Duration.ofMinutes(5)));
        store.insert(anonymous);
        assertThat(store.take(anonymous.id(), T0.plus(Duration.ofMinutes(5)))).isEmpty();
    }

    @Test
    void expiredCeremoniesAreDeletedAndLiveOnesKept() {
        Ceremony old = new Ceremony("c-" + Bytes.random().toBase64UrlString(), Ceremony.Purpose.SIGN_IN, Optional.empty(),
                "x", RP, T0.minusSeconds(1));
        Ceremony live = new Ceremony("c-" + Bytes.random().toBase64UrlString(), Ceremony.Purpose.SIGN_IN, Optional.empty(),
                "y", RP, T0.plusSeconds(60));
        store.insert(old);
        store.insert(live);
        assertThat(store.deleteExpired(T0)).isGreaterThanOrEqualTo(1);
        assertThat(store.take(old.id(), T0.minusSeconds(10))).isEmpty();
        assertThat(store.take(live.id(), T0)).isPresent();
    }
}
