package dev.lanyard.passkeys;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.session.CurrentSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.web.webauthn.api.AttestationConveyancePreference;
import org.springframework.security.web.webauthn.api.AuthenticatorAssertionResponse;
import org.springframework.security.web.webauthn.api.AuthenticatorAttestationResponse;
import org.springframework.security.web.webauthn.api.AuthenticatorSelectionCriteria;
import org.springframework.security.web.webauthn.api.Bytes;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.security.web.webauthn.api.PublicKeyCredential;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialCreationOptions;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialDescriptor;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialParameters;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRequestOptions;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRpEntity;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialUserEntity;
import org.springframework.security.web.webauthn.api.ResidentKeyRequirement;
import org.springframework.security.web.webauthn.api.UserVerificationRequirement;
import org.springframework.security.web.webauthn.jackson.WebauthnJacksonModule;
import org.springframework.security.web.webauthn.management.ImmutablePublicKeyCredentialCreationOptionsRequest;
import org.springframework.security.web.webauthn.management.ImmutablePublicKeyCredentialRequestOptionsRequest;
import org.springframework.security.web.webauthn.management.ImmutableRelyingPartyRegistrationRequest;
import org.springframework.security.web.webauthn.management.RelyingPartyAuthenticationRequest;
import org.springframework.security.web.webauthn.management.RelyingPartyPublicKey;
import org.springframework.security.web.webauthn.management.WebAuthnRelyingPartyOperations;
import org.springframework.security.web.webauthn.management.Webauthn4JRelyingPartyOperations;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Passkeys (WebAuthn Level 3) through Spring Security's relying party operations on webauthn4j: registering
 * them, naming and removing them, and checking an assertion to sign in without a password or as a second
 * factor.
 *
 * <p>Each ceremony has two steps. The first creates options with a fresh challenge and keeps what the second
 * needs in a short-lived, single-use {@link Ceremony} row (the security chain has no HttpSession; decision
 * 0023); the browser gets the options and the ceremony's handle. The second takes the row out, rebuilds the
 * options from it and verifies the authenticator's answer against them. User verification is required in
 * both: a passkey is possession and a PIN or biometric, so a sign-in with one is verified.
 */
@Service
public class Passkeys {
    private static final Logger log = LoggerFactory.getLogger(Passkeys.class);
    static final Duration CEREMONY = Duration.ofMinutes(5);
    static final int MAX_NAME = 100;
    static final int MAX_PASSKEYS = 20;
    /** Far above any real credential (a few hundred bytes to a few KB with attestation), below abuse. */
    static final int MAX_CREDENTIAL_JSON = 64 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final AuthenticatorSelectionCriteria SELECTION = AuthenticatorSelectionCriteria.builder()
            .userVerification(UserVerificationRequirement.REQUIRED)
            .residentKey(ResidentKeyRequirement.REQUIRED)
            .build();
    private static final List<PublicKeyCredentialParameters> ALGORITHMS = List.of(PublicKeyCredentialParameters.EdDSA,
            PublicKeyCredentialParameters.ES256, PublicKeyCredentialParameters.RS256);

    private final PasskeyStore store;
    private final LanyardCredentials credentials;
    private final Accounts accounts;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final org.springframework.beans.factory.ObjectProvider<PasskeyFallback> fallback;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().addModule(new WebauthnJacksonModule()).build();
    /** Operations are built per relying party (id and origins); a handful exist, one in a fixed setup. */
    private final Cache<String, WebAuthnRelyingPartyOperations> operations =
            Caffeine.newBuilder().maximumSize(16).expireAfterAccess(1, TimeUnit.HOURS).build();

    Passkeys(PasskeyStore store, LanyardCredentials credentials, Accounts accounts, ApplicationEventPublisher events,
             TransactionTemplate transactions, org.springframework.beans.factory.ObjectProvider<PasskeyFallback> fallback, Clock clock) {
        this.fallback = fallback;
        this.store = store;
        this.credentials = credentials;
        this.accounts = accounts;
        this.events = events;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * The first step of a ceremony: the options for {@code navigator.credentials.create()} or {@code .get()},
     * as WebAuthn's JSON ({@code PublicKeyCredentialCreationOptionsJSON} / {@code ...RequestOptionsJSON}), and
     * the ceremony's handle, which the second step needs with the authenticator's answer.
     */
    public record Options(String ceremony, String publicKey) {
        /** {@code {"ceremony": "...", "publicKey": {...}}}, what the browser's script reads. */
        public String json() {
            return "{\"ceremony\":" + JsonMapper.shared().writeValueAsString(ceremony) + ",\"publicKey\":" + publicKey + "}";
        }
    }

    /** The member's passkeys, oldest first. */
    public List<Passkey> list(AccountId owner) {
        return store.list(owner);
    }

    /**
     * Starts registering a passkey for the signed-in member, who proves it with their password (a passkey signs
     * in without one and makes a verified session, so a copied session cookie must not be enough to add one).
     * At most {@value #MAX_PASSKEYS} per member. A wrong password counts towards the sign-in throttle.
     *
     * @throws dev.lanyard.account.AccountProblem.InvalidCredentials a wrong password
     * @throws dev.lanyard.account.AccountProblem.TooManyAttempts    too many wrong passwords lately
     */
    public Options startRegistration(CurrentSession by, String password, String address, RelyingParty rp) {
        // The password before the transaction: an Argon2 hash must not hold the database's writer (SQLite's only one).
        accounts.reauthenticate(by.account(), by.id().value(), "add a passkey", password, address);
        Account account = by.account();
        return transactions.execute(tx -> {
            if (store.list(account.id()).size() >= MAX_PASSKEYS)
                throw new PasskeyProblem.InvalidInput("passkey", "You have " + MAX_PASSKEYS + " passkeys, the most Lanyard keeps. Remove one first.");
            store.deleteExpired(clock.instant());
            store.ensureUserHandle(account.id(), random());
            PublicKeyCredentialCreationOptions options = operations(rp).createPublicKeyCredentialCreationOptions(
                    new ImmutablePublicKeyCredentialCreationOptionsRequest(authentication(account.id())));
            return remember(Ceremony.Purpose.REGISTER, Optional.of(account.id()), options.getChallenge(), rp, options);
        });
    }

    /**
     * A passkey just added, and the recovery codes made with it when the member had no authenticator app and no unused
     * recovery codes (shown once; empty otherwise).
     */
    public record Registered(Passkey passkey, List<String> recoveryCodes) {
        public Registered {
            recoveryCodes = List.copyOf(recoveryCodes);
        }
    }

    /**
     * Finishes a registration started by {@link #startRegistration} from the same member: verifies the
     * authenticator's answer ({@code credential}: the {@code PublicKeyCredential} as JSON) and keeps the passkey
     * under {@code name}. A blank name becomes "Passkey". A password sign-in of the member now needs a second factor:
     * a member without an authenticator app or unused recovery codes gets recovery codes ({@link PasskeyFallback}), so
     * that losing the device does not lock them out.
     */
    public Registered register(CurrentSession by, String ceremony, String name, String credential) {
        String clean = name(name);
        AccountId owner = by.account().id();
        Ceremony c = take(ceremony, Ceremony.Purpose.REGISTER).filter(x -> x.account().equals(Optional.of(owner)))
                .orElseThrow(PasskeyProblem.Rejected::new);
        PublicKeyCredential<AuthenticatorAttestationResponse> answer = parse(credential, new TypeReference<>() {
        });
        PublicKeyCredentialUserEntity user = credentials.findByUsername(owner.value());
        if (user == null) throw new PasskeyProblem.Rejected();
        PublicKeyCredentialCreationOptions options = PublicKeyCredentialCreationOptions.builder()
                .rp(rpEntity(c.rp())).user(user).challenge(Bytes.fromBase64(c.challenge())).pubKeyCredParams(ALGORITHMS)
                .authenticatorSelection(SELECTION).attestation(AttestationConveyancePreference.NONE).timeout(CEREMONY).build();
        return transactions.execute(tx -> {
            CredentialRecord saved;
            try {
                saved = operations(c.rp()).registerCredential(
                        new ImmutableRelyingPartyRegistrationRequest(options, new RelyingPartyPublicKey(answer, clean)));
            } catch (RuntimeException refused) {
                throw rejected("registration", refused);
            }
            Passkey passkey = store.find(saved.getCredentialId().toBase64UrlString(), owner).orElseThrow();
            events.publishEvent(new PasskeyEvent.Added(passkey, by.id(), passkey.createdAt()));
            PasskeyFallback codes = fallback.getIfAvailable();
            return new Registered(passkey, codes == null ? List.of() : codes.afterAdding(owner));
        });
    }

    /** Starts a sign-in without a password: any passkey of this relying party may answer (a discoverable credential). */
    public Options startSignIn(RelyingParty rp) {
        store.deleteExpired(clock.instant());
        PublicKeyCredentialRequestOptions options = operations(rp).createCredentialRequestOptions(
                new ImmutablePublicKeyCredentialRequestOptionsRequest(null));
        return remember(Ceremony.Purpose.SIGN_IN, Optional.empty(), options.getChallenge(), rp, options);
    }

    /**
     * Finishes a sign-in started by {@link #startSignIn}: whose passkey answered, if its assertion verifies and
     * its owner is still a member. Runs under the sign-in throttle of {@code address} (a failure counts as a
     * failed sign-in from it); throws {@link PasskeyProblem.Rejected} or the throttle's
     * {@code AccountProblem.TooManyAttempts}.
     */
    public Account signIn(String ceremony, String credential, String address) {
        return accounts.authenticate(() -> {
            try {
                Ceremony c = take(ceremony, Ceremony.Purpose.SIGN_IN).orElseThrow(PasskeyProblem.Rejected::new);
                return Optional.of(assertion(c, credential, List.of()));
            } catch (PasskeyProblem.Rejected rejected) {
                return Optional.empty();
            }
        }, address).orElseThrow(PasskeyProblem.Rejected::new);
    }

    /**
     * Starts checking a passkey of {@code account} as the second factor after its password: only that account's
     * passkeys may answer. Throws {@link PasskeyProblem.NotFound} when it has none.
     */
    public Options startVerification(AccountId account, RelyingParty rp) {
        List<CredentialRecord> own = store.credentials(account);
        if (own.isEmpty()) throw new PasskeyProblem.NotFound();
        store.deleteExpired(clock.instant());
        PublicKeyCredentialRequestOptions options = operations(rp).createCredentialRequestOptions(
                new ImmutablePublicKeyCredentialRequestOptionsRequest(authentication(account)));
        return remember(Ceremony.Purpose.VERIFY, Optional.of(account), options.getChallenge(), rp, options);
    }

    /**
     * Finishes a second-factor check started by {@link #startVerification} for the same account: returns
     * normally when one of {@code account}'s passkeys signed the challenge with user verification, else throws
     * {@link PasskeyProblem.Rejected}. The caller counts a failure with its sign-in throttle.
     */
    public void verify(AccountId account, String ceremony, String credential) {
        Ceremony c = take(ceremony, Ceremony.Purpose.VERIFY).filter(x -> x.account().equals(Optional.of(account)))
                .orElseThrow(PasskeyProblem.Rejected::new);
        List<PublicKeyCredentialDescriptor> allowed = store.credentials(account).stream().map(r ->
                PublicKeyCredentialDescriptor.builder().id(r.getCredentialId()).transports(r.getTransports()).build()).toList();
        if (!assertion(c, credential, allowed).equals(account)) throw new PasskeyProblem.Rejected();
    }

    /** Renames a passkey of the caller; someone else's is {@link PasskeyProblem.NotFound}. */
    @Transactional
    public Passkey rename(String id, CurrentSession by, String name) {
        String clean = name(name);
        AccountId owner = by.account().id();
        Passkey before = store.find(id, owner).orElseThrow(PasskeyProblem.NotFound::new);
        if (store.rename(id, owner, clean) == 0) throw new PasskeyProblem.NotFound();
        Passkey after = store.find(id, owner).orElseThrow(PasskeyProblem.NotFound::new);
        if (!before.name().equals(clean)) events.publishEvent(new PasskeyEvent.Renamed(after, before.name(), by.id(), clock.instant()));
        return after;
    }

    /**
     * Removes a passkey of the caller, who proves it with their password; someone else's is
     * {@link PasskeyProblem.NotFound}.
     */
    public Passkey remove(String id, CurrentSession by, String password, String address) {
        AccountId owner = by.account().id();
        // Someone else's is not found before any password is checked; the password before the transaction.
        store.find(id, owner).orElseThrow(PasskeyProblem.NotFound::new);
        accounts.reauthenticate(by.account(), by.id().value(), "remove a passkey", password, address);
        return transactions.execute(tx -> {
            Passkey passkey = store.find(id, owner).orElseThrow(PasskeyProblem.NotFound::new);
            if (store.delete(id, owner) == 0) throw new PasskeyProblem.NotFound();
            events.publishEvent(new PasskeyEvent.Removed(passkey, by.id(), clock.instant()));
            PasskeyFallback codes = fallback.getIfAvailable();
            if (codes != null) codes.afterRemoving(owner);
            return passkey;
        });
    }

    /**
     * Removes every passkey of {@code owner}, for an admin's reset of a member's second factors (docs/decisions/0066):
     * returns those removed. Publishes no {@link PasskeyEvent}, which names the member's own session as where the change
     * was made; the caller publishes what the reset was (factors' {@code FactorEvent.ResetByAdmin}). Joins the caller's
     * transaction; safe to repeat (nothing is left the second time).
     */
    @Transactional
    public List<Passkey> removeAll(AccountId owner) {
        List<Passkey> removed = store.list(owner);
        store.deleteAll(owner);
        return removed;
    }

    private AccountId assertion(Ceremony c, String credential, List<PublicKeyCredentialDescriptor> allowed) {
        PublicKeyCredential<AuthenticatorAssertionResponse> answer = parse(credential, new TypeReference<>() {
        });
        PublicKeyCredentialRequestOptions options = PublicKeyCredentialRequestOptions.builder()
                .challenge(Bytes.fromBase64(c.challenge())).rpId(c.rp().id()).allowCredentials(allowed)
                .userVerification(UserVerificationRequirement.REQUIRED).timeout(CEREMONY).build();
        PublicKeyCredentialUserEntity user;
        try {
            user = operations(c.rp()).authenticate(new RelyingPartyAuthenticationRequest(options, answer));
        } catch (RuntimeException refused) {
            throw rejected("assertion", refused);
        }
        // The authenticator names the passkey's user; it must be the one the credential was registered to.
        Bytes claimed = answer.getResponse().getUserHandle();
        if (claimed != null && !claimed.equals(user.getId())) throw new PasskeyProblem.Rejected();
        return store.accountOfHandle(user.getId().toBase64UrlString()).filter(a -> accounts.find(a).isPresent())
                .orElseThrow(PasskeyProblem.Rejected::new);
    }

    private Options remember(Ceremony.Purpose purpose, Optional<AccountId> account, Bytes challenge, RelyingParty rp, Object options) {
        Ceremony ceremony = new Ceremony(random(), purpose, account, challenge.toBase64UrlString(), rp, clock.instant().plus(CEREMONY));
        store.insert(ceremony);
        return new Options(ceremony.id(), json.writeValueAsString(options));
    }

    private Optional<Ceremony> take(String id, Ceremony.Purpose purpose) {
        if (id == null || id.isEmpty() || id.length() > 64) return Optional.empty();
        return store.take(id, clock.instant()).filter(c -> c.purpose() == purpose);
    }

    private <T> T parse(String credential, TypeReference<T> type) {
        if (credential == null || credential.isBlank() || credential.length() > MAX_CREDENTIAL_JSON) throw new PasskeyProblem.Rejected();
        try {
            T parsed = json.readValue(credential, type);
            if (parsed == null) throw new PasskeyProblem.Rejected();
            return parsed;
        } catch (JacksonException | IllegalArgumentException malformed) {
            throw new PasskeyProblem.Rejected();
        }
    }

    private static PasskeyProblem.Rejected rejected(String what, RuntimeException cause) {
        // The reason helps an operator (wrong origin or rp id configured); it holds no secret.
        log.info("Passkey {} refused: {}", what, cause.getClass().getSimpleName() + ": " + printable(cause.getMessage()));
        return new PasskeyProblem.Rejected();
    }

    /**
     * A refusal's message as one log line of at most 300 characters: it may quote what the browser sent (an
     * origin or type from the client data, JSON strings whose escaped line breaks would start a forged line).
     */
    static String printable(String message) {
        if (message == null) return "";
        String line = message.replaceAll("[\\p{Cc}\\p{Zl}\\p{Zp}]", "?");
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    private static String name(String name) {
        String clean = name == null ? "" : name.strip();
        if (clean.isEmpty()) return "Passkey";
        if (clean.length() > MAX_NAME) throw new PasskeyProblem.InvalidInput("name", "Use a name of at most " + MAX_NAME + " characters.");
        dev.lanyard.FreeText.refusal(clean, false).ifPresent(what -> {
            throw new PasskeyProblem.InvalidInput("name", "The name cannot contain " + what + ".");
        });
        return clean;
    }

    private WebAuthnRelyingPartyOperations operations(RelyingParty rp) {
        return operations.get(rp.id() + " " + String.join(" ", rp.origins()), key -> {
            Webauthn4JRelyingPartyOperations ops = new Webauthn4JRelyingPartyOperations(credentials, credentials,
                    rpEntity(rp), new java.util.HashSet<>(rp.origins()));
            ops.setCustomizeCreationOptions(b -> b.authenticatorSelection(SELECTION).timeout(CEREMONY));
            ops.setCustomizeRequestOptions(b -> b.userVerification(UserVerificationRequirement.REQUIRED).timeout(CEREMONY));
            return ops;
        });
    }

    private static PublicKeyCredentialRpEntity rpEntity(RelyingParty rp) {
        return PublicKeyCredentialRpEntity.builder().id(rp.id()).name(rp.name()).build();
    }

    private static UsernamePasswordAuthenticationToken authentication(AccountId account) {
        return UsernamePasswordAuthenticationToken.authenticated(account.value(), null, List.of());
    }

    private static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return BASE64URL.encodeToString(bytes);
    }
}
