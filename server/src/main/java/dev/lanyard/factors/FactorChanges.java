package dev.lanyard.factors;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.factors.SecondFactors.Confirmation;
import dev.lanyard.factors.SecondFactors.Enroller;
import dev.lanyard.factors.SecondFactors.Enrolment;
import dev.lanyard.factors.SecondFactors.Reset;
import dev.lanyard.factors.SecondFactors.Status;
import dev.lanyard.passkeys.Passkeys;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.Sessions;
import dev.lanyard.session.Verification;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Changing a member's second factors: enrolling an authenticator app (TOTP) and turning it on with its recovery codes,
 * new recovery codes, turning the app off, the recovery codes that come with passkeys, and an admin's reset of them all.
 * A change that needs the member's password checks it before its transaction: an Argon2 hash must not hold the
 * database's writer.
 */
@Component
class FactorChanges {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FactorStore store;
    private final FactorCodes factorCodes;
    private final SeedCipher cipher;
    private final Accounts accounts;
    private final Passkeys passkeys;
    private final Sessions sessions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final TransactionTemplate transactions;

    FactorChanges(FactorStore store, FactorCodes factorCodes, SeedCipher cipher, Accounts accounts, Passkeys passkeys,
                  Sessions sessions, ApplicationEventPublisher events, Clock clock, TransactionTemplate transactions) {
        this.store = store;
        this.factorCodes = factorCodes;
        this.cipher = cipher;
        this.accounts = accounts;
        this.passkeys = passkeys;
        this.sessions = sessions;
        this.events = events;
        this.clock = clock;
        this.transactions = transactions;
    }

    Status status(Account account, Enroller viewer) {
        Optional<FactorStore.Totp> totp = store.find(account.id());
        if (totp.isEmpty()) return new Status(false, Optional.empty(), store.unusedRecoveryCodes(account.id()), Optional.empty(), false);
        if (totp.get().confirmed())
            return new Status(true, totp.get().confirmedAt(), store.unusedRecoveryCodes(account.id()), Optional.empty(), false);
        // Begun before enrolments had an owner (V24): shown as nothing begun, not as someone else's, which would alarm.
        if (totp.get().startedBy().isEmpty()) return new Status(false, Optional.empty(), 0, Optional.empty(), false);
        if (viewer == null || !viewer.started(totp.get())) return new Status(false, Optional.empty(), 0, Optional.empty(), true);
        Optional<Enrolment> pending;
        try {
            pending = Optional.of(enrolment(account, totp.get().sealedSeed(), cipher.open(totp.get().sealedSeed(), account.id().value())));
        } catch (FactorProblem.SeedUnreadable unreadable) {
            pending = Optional.empty();
        }
        return new Status(false, Optional.empty(), 0, pending, false);
    }

    List<String> recoveryCodesForPasskeys(AccountId account) {
        if (factorCodes.enabled(account)) return List.of();
        boolean first = passkeys.list(account).size() <= 1;
        if (!first && store.unusedRecoveryCodes(account) > 0) return List.of();
        return factorCodes.newRecoveryCodes(account, clock.instant());
    }

    void recoveryCodesWithoutFactors(AccountId account) {
        if (factorCodes.enabled(account) || !passkeys.list(account).isEmpty()) return;
        store.replaceRecoveryCodes(account, List.of(), clock.instant());
    }

    boolean anyToReset(AccountId account) {
        return factorCodes.enabled(account) || !passkeys.list(account).isEmpty() || store.unusedRecoveryCodes(account) > 0;
    }

    Enroller startEnrolment(Account account, SessionId session) {
        byte[] seed = new byte[20];
        RANDOM.nextBytes(seed);
        Enroller enroller = new Enroller(session, dev.lanyard.account.Ids.random("enr_", 32));
        FactorStore.Starter starter = new FactorStore.Starter(session, SecondFactors.hash(enroller.key()));
        if (store.startEnrolment(account.id(), cipher.seal(seed, account.id().value()), starter, clock.instant()) == 0)
            throw new FactorProblem.AlreadyEnabled();
        return enroller;
    }

    List<String> confirm(Account account, Confirmation confirmation, String address) {
        FactorStore.Totp totp = store.find(account.id()).filter(t -> !t.confirmed()).orElseThrow(FactorProblem.NoEnrolment::new);
        if (!confirmation.by().started(totp)) throw new FactorProblem.EnrolmentElsewhere();
        if (!confirmation.enrolment().isEmpty() && !confirmation.enrolment().equals(enrolmentId(totp.sealedSeed())))
            throw new FactorProblem.EnrolmentChanged();
        // The password and the code before the transaction: an Argon2 hash must not hold the database's writer (SQLite's
        // only one), and a wrong password or code stays counted by the throttle.
        passwordOf(account, confirmation.by().session(), "turn on two-factor authentication", confirmation.password(), address);
        byte[] seed = cipher.open(totp.sealedSeed(), account.id().value());
        Instant now = clock.instant();
        OptionalLong[] step = {OptionalLong.empty()};
        boolean ok = accounts.checkThrottled(account, address, () -> {
            step[0] = Totp.matchingStep(seed, digits(confirmation.code()), now);
            return step[0].isPresent();
        });
        if (!ok) throw new FactorProblem.WrongCode();
        return transactions.execute(tx -> {
            // Started again since the read above: the code was of a seed that is no longer pending.
            if (store.confirm(account.id(), totp.sealedSeed(), step[0].getAsLong(), now) == 0) throw new FactorProblem.EnrolmentChanged();
            List<String> codes = factorCodes.newRecoveryCodes(account.id(), now);
            events.publishEvent(new FactorEvent.Enabled(account, confirmation.by().session(), address, now));
            // The session passed the password and a code of the app right here: verified, as "Verify this session" would
            // make it with the next code (decision 0025, addendum of 2026-12-06).
            sessions.verifyIfSignedIn(confirmation.by().session(), account.id(), Verification.PASSWORD_AND_CODE);
            return codes;
        });
    }

    List<String> regenerateRecoveryCodes(Account account, SessionId from, String password, String code, String address) {
        return regenerateRecoveryCodes(account, from, password, code, address, codes -> { });
    }

    List<String> regenerateRecoveryCodes(Account account, SessionId from, String password, String code, String address,
                                                Consumer<List<String>> keep) {
        boolean app = factorCodes.enabled(account.id());
        if (!app && passkeys.list(account.id()).isEmpty()) throw new FactorProblem.NotEnabled();
        // Both checks before the transaction: an Argon2 hash must not hold the database's writer (SQLite's only one),
        // and a wrong password or code stays counted by the throttle.
        passwordOf(account, from, "regenerate the recovery codes", password, address);
        if (app) factorCodes.requireCode(account, code, address);
        return transactions.execute(tx -> {
            // The last passkey removed meanwhile: codes without a second factor would be no way back to anything.
            if (!app && !factorCodes.enabled(account.id()) && passkeys.list(account.id()).isEmpty()) throw new FactorProblem.NotEnabled();
            Instant now = clock.instant();
            List<String> codes = factorCodes.newRecoveryCodes(account.id(), now);
            events.publishEvent(new FactorEvent.RecoveryCodesRegenerated(account, from, address, now, app));
            keep.accept(codes);
            return codes;
        });
    }

    void disable(Account account, SessionId from, String password, String code, String address) {
        if (!factorCodes.enabled(account.id())) throw new FactorProblem.NotEnabled();
        // The password before the transaction (an Argon2 hash must not hold the database's writer); the code inside it,
        // so that using it up and turning two-factor authentication off are one change.
        passwordOf(account, from, "turn off two-factor authentication", password, address);
        transactions.executeWithoutResult(tx -> {
            factorCodes.requireCode(account, code, address);
            // With passkeys left, the recovery codes stay theirs: a password sign-in still needs a second factor.
            if (passkeys.list(account.id()).isEmpty()) store.delete(account.id());
            else store.deleteApp(account.id());
            events.publishEvent(new FactorEvent.Disabled(account, from, address, clock.instant()));
        });
    }

    Reset resetByAdmin(Account member, AccountId admin, SessionId adminSession, String reason) {
        if (member.id().equals(admin)) throw new FactorProblem.OwnFactors();
        Optional<FactorStore.Totp> totp = store.find(member.id());
        int codes = store.unusedRecoveryCodes(member.id());
        boolean app = totp.map(FactorStore.Totp::confirmed).orElse(false);
        List<String> removed = passkeys.removeAll(member.id()).stream().map(dev.lanyard.passkeys.Passkey::name).toList();
        if (!app && codes == 0 && removed.isEmpty()) throw new FactorProblem.NoSecondFactor();
        store.delete(member.id());
        Reset reset = new Reset(app, codes, removed);
        events.publishEvent(new FactorEvent.ResetByAdmin(member, admin, adminSession, reason, app, codes, removed, clock.instant()));
        return reset;
    }

    private static String digits(String code) {
        return code == null ? "" : code.replace(" ", "");
    }

    private Enrolment enrolment(Account account, String sealedSeed, byte[] seed) {
        String secret = Base32.encode(seed);
        String label = encode(SecondFactors.ISSUER) + ":" + encode(account.email());
        String uri = "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + encode(SecondFactors.ISSUER)
                + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
        return new Enrolment(enrolmentId(sealedSeed), Base32.grouped(secret), uri, QrCodes.svgDataUri(uri));
    }

    /**
     * Names a pending seed by its sealed form: the first 16 hex of its SHA-256. Sealed with a key, that is a
     * hash of a random nonce and ciphertext; without one, of 160 random bits: either way it tells nothing of the seed.
     */
    private static String enrolmentId(String sealedSeed) {
        return SecondFactors.hash(sealedSeed).substring(0, 16);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * The member's password, asked again before a change of their second factor. Left empty it is asked for, not
     * counted as a wrong one by the sign-in throttle (outside QA: an empty form said "That password is not right").
     */
    private void passwordOf(Account account, SessionId from, String purpose, String password, String address) {
        if (password == null || password.isEmpty()) throw new AccountProblem.InvalidInput("password", "Enter your password.");
        accounts.reauthenticate(account, from.value(), purpose, password, address);
    }
}
