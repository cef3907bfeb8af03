package dev.lanyard.passkeys;

import java.time.Clock;
import java.util.List;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import org.jspecify.annotations.Nullable;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.security.web.webauthn.api.ImmutablePublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.management.PublicKeyCredentialUserEntityRepository;
import org.springframework.security.web.webauthn.management.UserCredentialRepository;
import org.springframework.stereotype.Component;

/**
 * Spring Security's two WebAuthn repositories over {@link PasskeyStore}, for its relying party operations.
 *
 * <p>Spring's "username" is Lanyard's account id (the name of the authentication {@link Passkeys} hands it),
 * which never changes; the user entity it shows authenticators is named by the member's email. Passkeys are
 * removed through {@link Passkeys#remove}, which checks the owner, and user handles live as long as their
 * account: the repositories' deletes, which Spring's operations never call, refuse.
 */
@Component
class LanyardCredentials implements UserCredentialRepository, PublicKeyCredentialUserEntityRepository {
    private final PasskeyStore store;
    private final Accounts accounts;
    private final Clock clock;

    LanyardCredentials(PasskeyStore store, Accounts accounts, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.clock = clock;
    }

    // UserCredentialRepository

    /**
     * A new credential (a registration) is added to the account its user handle belongs to; a known one (an
     * assertion) only gets its counter and last use, at the {@link Clock}'s time.
     */
    @Override
    public void save(CredentialRecord credential) {
        String id = credential.getCredentialId().toBase64UrlString();
        if (store.find(id).isPresent()) {
            store.used(id, credential.getSignatureCount(), clock.instant());
            return;
        }
        AccountId owner = store.accountOfHandle(credential.getUserEntityUserId().toBase64UrlString())
                .orElseThrow(() -> new IllegalArgumentException("unknown user handle"));
        store.insert(owner, credential, clock.instant());
    }

    @Override
    public @Nullable CredentialRecord findByCredentialId(Bytes credentialId) {
        return store.find(credentialId.toBase64UrlString()).orElse(null);
    }

    @Override
    public List<CredentialRecord> findByUserId(Bytes userId) {
        return store.accountOfHandle(userId.toBase64UrlString()).map(store::credentials).orElse(List.of());
    }

    /** Both repositories' delete (a credential id, a user handle): see the class comment. */
    @Override
    public void delete(Bytes id) {
        throw new UnsupportedOperationException("Passkeys are removed by their owner through Passkeys.remove;"
                + " a user handle lasts as long as its account");
    }

    // PublicKeyCredentialUserEntityRepository

    @Override
    public @Nullable PublicKeyCredentialUserEntity findById(Bytes id) {
        String handle = id.toBase64UrlString();
        return store.accountOfHandle(handle).flatMap(account -> entity(account, handle)).orElse(null);
    }

    @Override
    public @Nullable PublicKeyCredentialUserEntity findByUsername(String username) {
        AccountId account = new AccountId(username);
        return store.userHandle(account).flatMap(handle -> entity(account, handle)).orElse(null);
    }

    /** Spring's operations save a user entity named by the account id when it finds none. */
    @Override
    public void save(PublicKeyCredentialUserEntity userEntity) {
        store.ensureUserHandle(new AccountId(userEntity.getName()), userEntity.getId().toBase64UrlString());
    }

    private java.util.Optional<PublicKeyCredentialUserEntity> entity(AccountId account, String handle) {
        return accounts.find(account).map(a -> ImmutablePublicKeyCredentialUserEntity.builder()
                .id(Bytes.fromBase64(handle)).name(a.email()).displayName(a.name()).build());
    }
}
