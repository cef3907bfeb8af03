package dev.lanyard.passkeys;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Sessions;
import dev.lanyard.session.Verification;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.web.webauthn.api.AttestationConveyancePreference;
import org.springframework.security.web.webauthn.api.AuthenticatorAttestationResponse;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.security.web.webauthn.api.PublicKeyCredential;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialCreationOptions;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.management.ImmutablePublicKeyCredentialCreationOptionsRequest;
import org.springframework.security.web.webauthn.management.ImmutableRelyingPartyRegistrationRequest;
import org.springframework.security.web.webauthn.management.RelyingPartyPublicKey;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.type.TypeReference;

/**
 * A member adding a passkey ({@link Passkeys#startRegistration}, {@link Passkeys#register}): the start counted (at most
 * {@value CeremonyStarts#PER_MINUTE} a minute per member), the password checked before the first step's transaction,
 * the authenticator's answer read before the second step's, and in it the passkey kept, {@link PasskeyEvent.Added}
 * published, the session that added it verified, and the recovery codes made that come with it ({@link PasskeyFallback}).
 */
final class PasskeyRegistrations {
    private final PasskeyStore store;
    private final LanyardCredentials credentials;
    private final Ceremonies ceremonies;
    private final Accounts accounts;
    private final Sessions sessions;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final ObjectProvider<PasskeyFallback> fallback;
    /** Additions started, per member. */
    private final CeremonyStarts starts;
    private final Clock clock;

    PasskeyRegistrations(PasskeyStore store, LanyardCredentials credentials, Ceremonies ceremonies, Accounts accounts,
                         Sessions sessions, ApplicationEventPublisher events, TransactionTemplate transactions,
                         ObjectProvider<PasskeyFallback> fallback, CeremonyStarts starts, Clock clock) {
        this.store = store;
        this.credentials = credentials;
        this.ceremonies = ceremonies;
        this.accounts = accounts;
        this.sessions = sessions;
        this.events = events;
        this.transactions = transactions;
        this.fallback = fallback;
        this.starts = starts;
        this.clock = clock;
    }

    Passkeys.Options startRegistration(CurrentSession by, String password, String address, RelyingParty rp) {
        // Counted before the password: a start refused for the limit costs no Argon2 hash and spends no failure.
        starts.count(by.account().id().value());
        // The password before the transaction: an Argon2 hash must not hold the database's writer (SQLite's only one).
        accounts.reauthenticate(by.account(), by.id().value(), "add a passkey", password, address);
        Account account = by.account();
        return transactions.execute(tx -> {
            if (store.list(account.id()).size() >= Passkeys.MAX_PASSKEYS)
                throw new PasskeyProblem.InvalidInput("passkey",
                        "You have " + Passkeys.MAX_PASSKEYS + " passkeys, the most Lanyard keeps. Remove one first.");
            store.deleteExpired(clock.instant());
            store.ensureUserHandle(account.id(), Ceremonies.random());
            PublicKeyCredentialCreationOptions options = ceremonies.operations(rp).createPublicKeyCredentialCreationOptions(
                    new ImmutablePublicKeyCredentialCreationOptionsRequest(Ceremonies.authentication(account.id())));
            return ceremonies.remember(Ceremony.Purpose.REGISTER, Optional.of(account.id()), options.getChallenge(), rp, options);
        });
    }

    Passkeys.Registered register(CurrentSession by, String ceremony, String name, String credential) {
        String clean = Passkeys.name(name);
        AccountId owner = by.account().id();
        Ceremony c = ceremonies.take(ceremony, Ceremony.Purpose.REGISTER).filter(x -> x.account().equals(Optional.of(owner)))
                .orElseThrow(PasskeyProblem.Rejected::new);
        PublicKeyCredential<AuthenticatorAttestationResponse> answer = ceremonies.parse(credential, new TypeReference<>() {
        });
        PublicKeyCredentialUserEntity user = credentials.findByUsername(owner.value());
        if (user == null) throw new PasskeyProblem.Rejected();
        PublicKeyCredentialCreationOptions options = PublicKeyCredentialCreationOptions.builder()
                .rp(Ceremonies.rpEntity(c.rp())).user(user).challenge(Bytes.fromBase64(c.challenge()))
                .pubKeyCredParams(Ceremonies.ALGORITHMS).authenticatorSelection(Ceremonies.SELECTION)
                .attestation(AttestationConveyancePreference.NONE).timeout(Ceremonies.CEREMONY).build();
        return transactions.execute(tx -> {
            CredentialRecord saved;
            try {
                saved = ceremonies.operations(c.rp()).registerCredential(
                        new ImmutableRelyingPartyRegistrationRequest(options, new RelyingPartyPublicKey(answer, clean)));
            } catch (RuntimeException refused) {
                throw Ceremonies.rejected("registration", refused);
            }
            Passkey passkey = store.find(saved.getCredentialId().toBase64UrlString(), owner).orElseThrow();
            events.publishEvent(new PasskeyEvent.Added(passkey, by.id(), passkey.createdAt()));
            // The password began the ceremony and the new passkey answered it with user verification: what a sign-in with
            // the password and a passkey proves, so the session is verified as one would be (decision 0025, addendum).
            sessions.verifyIfSignedIn(by.id(), owner, Verification.PASSWORD_AND_PASSKEY);
            PasskeyFallback codes = fallback.getIfAvailable();
            return new Passkeys.Registered(passkey, codes == null ? List.of() : codes.afterAdding(owner));
        });
    }
}
