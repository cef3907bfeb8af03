package dev.lanyard.passkeys;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.OtherNodes;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Sessions;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.security.web.webauthn.api.CredentialRecord;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialDescriptor;
import org.springframework.security.web.webauthn.api.PublicKeyCredentialRequestOptions;
import org.springframework.security.web.webauthn.management.ImmutablePublicKeyCredentialRequestOptionsRequest;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;
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
 *
 * <p>What every ceremony shares is done by {@link Ceremonies}, adding a passkey by {@link PasskeyRegistrations}; both are
 * built here (no Spring bean of their own), and the latter starts its transactions in its own {@link TransactionTemplate}
 * as before.
 */
@Service
public class Passkeys {
    static final int MAX_NAME = 100;
    static final int MAX_PASSKEYS = 20;
    /** The names each kind of start is counted under on every node ({@link CeremonyStarts}). */
    static final String SIGN_IN_STARTS = "passkey-sign-in-starts";
    static final String CHECK_STARTS = "passkey-check-starts";
    static final String ADDITION_STARTS = "passkey-addition-starts";

    private final PasskeyStore store;
    private final Accounts accounts;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final ObjectProvider<PasskeyFallback> fallback;
    private final Clock clock;
    private final Ceremonies ceremonies;
    private final PasskeyRegistrations registrations;
    /** Passkey sign-ins started, per client address. */
    private final CeremonyStarts signInStarts;
    /** Passkey checks as a second factor started, per member: at a sign-in's second step and to verify a session. */
    private final CeremonyStarts checkStarts;

    Passkeys(PasskeyStore store, LanyardCredentials credentials, Accounts accounts, Sessions sessions, ApplicationEventPublisher events,
             TransactionTemplate transactions, ObjectProvider<PasskeyFallback> fallback, OtherNodes nodes, Clock clock) {
        this.fallback = fallback;
        this.store = store;
        this.accounts = accounts;
        this.events = events;
        this.transactions = transactions;
        this.clock = clock;
        this.ceremonies = new Ceremonies(store, credentials, accounts, clock);
        this.signInStarts = new CeremonyStarts(SIGN_IN_STARTS, clock, nodes, AccountProblem.TooManyAttempts::passkeySignIns);
        this.checkStarts = new CeremonyStarts(CHECK_STARTS, clock, nodes, AccountProblem.TooManyAttempts::passkeyChecks);
        this.registrations = new PasskeyRegistrations(store, credentials, ceremonies, accounts, sessions, events, transactions, fallback,
                new CeremonyStarts(ADDITION_STARTS, clock, nodes, AccountProblem.TooManyAttempts::passkeyAdditions), clock);
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
     * At most {@value #MAX_PASSKEYS} per member. A wrong password counts towards the sign-in throttle. A member starts
     * at most {@value CeremonyStarts#PER_MINUTE} a minute, counted before the password is checked (a start refused for
     * it checks and counts no password).
     *
     * @throws dev.lanyard.account.AccountProblem.InvalidCredentials a wrong password
     * @throws dev.lanyard.account.AccountProblem.TooManyAttempts    too many wrong passwords lately, or too many starts
     */
    public Options startRegistration(CurrentSession by, String password, String address, RelyingParty rp) {
        return registrations.startRegistration(by, password, address, rp);
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
     * under {@code name}. A blank name becomes "Passkey". The session that added it is verified (the password and the new
     * passkey with user verification: a sign-in with both would be). A password sign-in of the member now needs a second factor:
     * a member without an authenticator app or unused recovery codes gets recovery codes ({@link PasskeyFallback}), so
     * that losing the device does not lock them out.
     */
    public Registered register(CurrentSession by, String ceremony, String name, String credential) {
        return registrations.register(by, ceremony, name, credential);
    }

    /**
     * Starts a sign-in without a password: any passkey of this relying party may answer (a discoverable credential).
     * At most {@value CeremonyStarts#PER_MINUTE} a minute from one client {@code address} on all nodes together, keyed as
     * the sign-in throttle keys it ({@link ClientAddresses#subscriber}: an IPv4 address or an IPv6 /64).
     *
     * @throws dev.lanyard.account.AccountProblem.TooManyAttempts the address started as many as it may this minute
     */
    public Options startSignIn(RelyingParty rp, String address) {
        signInStarts.count(ClientAddresses.subscriber(address));
        store.deleteExpired(clock.instant());
        PublicKeyCredentialRequestOptions options = ceremonies.operations(rp).createCredentialRequestOptions(
                new ImmutablePublicKeyCredentialRequestOptionsRequest(null));
        return ceremonies.remember(Ceremony.Purpose.SIGN_IN, Optional.empty(), options.getChallenge(), rp, options);
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
                Ceremony c = ceremonies.take(ceremony, Ceremony.Purpose.SIGN_IN).orElseThrow(PasskeyProblem.Rejected::new);
                return Optional.of(ceremonies.assertion(c, credential, List.of()));
            } catch (PasskeyProblem.Rejected rejected) {
                return Optional.empty();
            }
        }, address).orElseThrow(PasskeyProblem.Rejected::new);
    }

    /**
     * Starts checking a passkey of {@code account} as the second factor after its password: only that account's
     * passkeys may answer; also to verify a session of that account later. Throws {@link PasskeyProblem.NotFound} when
     * it has none. At most {@value CeremonyStarts#PER_MINUTE} a minute for one account on all nodes, both uses together: each needs
     * a right password or a session, which a caller in a loop has as well.
     *
     * @throws dev.lanyard.account.AccountProblem.TooManyAttempts the account started as many as it may this minute
     */
    public Options startVerification(AccountId account, RelyingParty rp) {
        List<CredentialRecord> own = store.credentials(account);
        if (own.isEmpty()) throw new PasskeyProblem.NotFound();
        checkStarts.count(account.value());
        store.deleteExpired(clock.instant());
        PublicKeyCredentialRequestOptions options = ceremonies.operations(rp).createCredentialRequestOptions(
                new ImmutablePublicKeyCredentialRequestOptionsRequest(Ceremonies.authentication(account)));
        return ceremonies.remember(Ceremony.Purpose.VERIFY, Optional.of(account), options.getChallenge(), rp, options);
    }

    /**
     * Finishes a second-factor check started by {@link #startVerification} for the same account: returns
     * normally when one of {@code account}'s passkeys signed the challenge with user verification, else throws
     * {@link PasskeyProblem.Rejected}. The caller counts a failure with its sign-in throttle.
     */
    public void verify(AccountId account, String ceremony, String credential) {
        Ceremony c = ceremonies.take(ceremony, Ceremony.Purpose.VERIFY).filter(x -> x.account().equals(Optional.of(account)))
                .orElseThrow(PasskeyProblem.Rejected::new);
        List<PublicKeyCredentialDescriptor> allowed = store.credentials(account).stream().map(r ->
                PublicKeyCredentialDescriptor.builder().id(r.getCredentialId()).transports(r.getTransports()).build()).toList();
        if (!ceremonies.assertion(c, credential, allowed).equals(account)) throw new PasskeyProblem.Rejected();
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

    /**
     * A passkey's name as kept: stripped, "Passkey" when blank. Its length is counted in characters as a reader sees them
     * ({@link dev.lanyard.FreeText#length}), as a session's and a key's are: counted in UTF-16 units, a name of 51 emoji was
     * too long here and not there (outside review).
     */
    static String name(String name) {
        String clean = name == null ? "" : name.strip();
        if (clean.isEmpty()) return "Passkey";
        if (dev.lanyard.FreeText.length(clean) > MAX_NAME) throw new PasskeyProblem.InvalidInput("name", "Use a name of at most " + MAX_NAME + " characters.");
        dev.lanyard.FreeText.refusal(clean, false).ifPresent(what -> {
            throw new PasskeyProblem.InvalidInput("name", "The name cannot contain " + what + ".");
        });
        return clean;
    }
}
