package dev.lanyard.passkeys;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import org.springframework.security.web.webauthn.api.CredentialRecord;

/** Passkeys, the accounts' WebAuthn user handles, and ceremonies between their two steps. */
interface PasskeyStore {

    Optional<String> userHandle(AccountId account);

    /**
     * Gives the account {@code candidate} as its user handle unless it has one. Returns the account's handle:
     * {@code candidate}, or the one it already had. Safe to repeat and to race.
     */
    String ensureUserHandle(AccountId account, String candidate);

    Optional<AccountId> accountOfHandle(String handle);

    /** Adds a credential of {@code owner}, named by its {@link CredentialRecord#getLabel() label}, created {@code at}. */
    void insert(AccountId owner, CredentialRecord credential, Instant at);

    /** Any account's credential by its id: what an assertion names. */
    Optional<CredentialRecord> find(String credentialId);

    List<CredentialRecord> credentials(AccountId owner);

    /** The owner's passkeys, oldest first. */
    List<Passkey> list(AccountId owner);

    Optional<Passkey> find(String credentialId, AccountId owner);

    /** Renames the owner's passkey; returns 1, or 0 if the owner has no such passkey. Safe to repeat. */
    int rename(String credentialId, AccountId owner, String name);

    /** Deletes the owner's passkey; returns 1, or 0 if the owner has no such passkey. Safe to repeat. */
    int delete(String credentialId, AccountId owner);

    /** Deletes every passkey of the owner; returns how many. Safe to repeat (0 the second time). */
    int deleteAll(AccountId owner);

    /** Records a verified assertion: the authenticator's counter and when. Returns rows changed (0: deleted meanwhile). */
    int used(String credentialId, long signatureCount, Instant at);

    void insert(Ceremony ceremony);

    /**
     * Takes a ceremony out: returns it and deletes it, once. Empty if there is none, it expired by {@code now},
     * or another request took it first; so a ceremony's answer is accepted at most once.
     */
    Optional<Ceremony> take(String id, Instant now);

    /** Deletes ceremonies that expired before {@code now}; returns how many. Safe to repeat. */
    int deleteExpired(Instant now);
}
