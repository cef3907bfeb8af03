package dev.lanyard.factors;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.passkeys.PasskeyProblem;
import dev.lanyard.passkeys.Passkeys;
import dev.lanyard.passkeys.RelyingParty;
import dev.lanyard.session.NewSession;
import dev.lanyard.session.SessionId;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Members' second factors: enrolling an authenticator app (TOTP) with recovery codes, turning it off, and
 * the second step of a sign-in, passed with a code, a recovery code or one of the member's passkeys
 * ({@link Passkeys}; a member's second factors are their authenticator app and their passkeys). Every code
 * and passkey assertion checked here goes through the sign-in throttle ({@link Accounts#checkThrottled}); a
 * TOTP code is accepted once (the last accepted time step is kept per member and only moves forward,
 * atomically), a recovery code once.
 */
@Service
public class SecondFactors {
    private static final SecureRandom RANDOM = new SecureRandom();
    static final String ISSUER = "Lanyard";

    private final FactorStore store;
    private final org.springframework.transaction.support.TransactionTemplate transactions;
    private final SeedCipher cipher;
    private final RecoveryCodes recoveryCodes;
    private final Accounts accounts;
    private final FactorSettings settings;
    private final Passkeys passkeys;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    SecondFactors(FactorStore store, SeedCipher cipher, RecoveryCodes recoveryCodes, Accounts accounts, FactorSettings settings,
                  Passkeys passkeys, ApplicationEventPublisher events, Clock clock,
                  org.springframework.transaction.support.TransactionTemplate transactions) {
        this.transactions = transactions;
        this.store = store;
        this.recoveryCodes = recoveryCodes;
        this.passkeys = passkeys;
        this.cipher = cipher;
        this.accounts = accounts;
        this.settings = settings;
        this.events = events;
        this.clock = clock;
    }

    /**
     * What an enrolling member needs to add Lanyard to an authenticator app; shown only until confirmed, and only
     * to the session and browser that started the enrolment.
     *
     * @param id names this secret (not derivable into it), so that a confirmation says which secret it answers
     */
    public record Enrolment(String id, String secret, String uri, String qrCode) {
    }

    /**
     * Who is asking about an enrolment: their session, and the key their browser was given when it started one
     * (empty when it has none). A pending enrolment is shown to, and confirmed by, only the session and browser
     * that started it: a copy of the session cookie made before then lacks the key, and a session of the
     * member on another device has neither.
     */
    public record Enroller(SessionId session, String key) {
        public Enroller {
            java.util.Objects.requireNonNull(session, "session");
            key = key == null ? "" : key;
        }

        boolean started(FactorStore.Totp totp) {
            return !key.isEmpty() && totp.startedBy().filter(s -> s.session().equals(session)
                    && MessageDigest.isEqual(s.keyHash().getBytes(StandardCharsets.US_ASCII), hash(key).getBytes(StandardCharsets.US_ASCII))).isPresent();
        }
    }

    /**
     * A member's two-factor state.
     *
     * @param pending          an enrolment waiting for its first code, started by whoever asked
     * @param pendingElsewhere an enrolment waiting for its first code that another session or browser started
     *                         (its secret is not shown here)
     */
    public record Status(boolean enabled, Optional<Instant> since, int recoveryCodesLeft, Optional<Enrolment> pending,
                         boolean pendingElsewhere) {
    }

    /** The member's two-factor state as {@code viewer} may see it. */
    public Status status(Account account, Enroller viewer) {
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

    /** The member's two-factor state without any pending secret (for the data export). */
    public Status status(Account account) {
        return status(account, null);
    }

    /** Whether the member has a confirmed authenticator app (TOTP). One indexed read. */
    public boolean enabled(AccountId account) {
        return store.find(account).map(FactorStore.Totp::confirmed).orElse(false);
    }

    /**
     * Which second factors a member has: a confirmed authenticator app, at least one passkey.
     *
     * @param totp    an authenticator app; its recovery codes come with it
     * @param passkey at least one passkey
     * @param recoveryCodes unused recovery codes may complete the second step: always with an app (they come with it);
     *                      without one, when the member has unused codes (given with their first passkey)
     */
    public record Methods(boolean totp, boolean passkey, boolean recoveryCodes) {
        public Methods(boolean totp, boolean passkey) {
            this(totp, passkey, totp);
        }

        /** Whether the member has a second factor at all: a password sign-in then needs it. */
        public boolean any() {
            return totp || passkey;
        }
    }

    /** The member's second factors. Two indexed reads, three for a member with passkeys and no app. */
    public Methods methods(AccountId account) {
        boolean totp = enabled(account);
        boolean passkey = !passkeys.list(account).isEmpty();
        return new Methods(totp, passkey, totp || passkey && store.unusedRecoveryCodes(account) > 0);
    }

    /**
     * Recovery codes for a member who just added a passkey and has no authenticator app (docs/decisions/0066): a password
     * sign-in now needs a second factor, and losing the device must not lock them out. Their first passkey always comes
     * with new codes, in place of any left from before (made for a second factor since removed, perhaps by whoever added
     * it with their password); a later one only when none is left unused. In the registration's transaction; the codes
     * are shown once. Empty when nothing was made.
     */
    List<String> recoveryCodesForPasskeys(AccountId account) {
        if (enabled(account)) return List.of();
        boolean first = passkeys.list(account).size() <= 1;
        if (!first && store.unusedRecoveryCodes(account) > 0) return List.of();
        return newRecoveryCodes(account, clock.instant());
    }

    /**
     * Removes the recovery codes of a member who has no second factor left (no app, no passkey): they passed for one
     * (a password sign-in with no factor needs none), could not be replaced from the page, and would come back into force
     * with the next passkey. In the caller's transaction.
     */
    void recoveryCodesWithoutFactors(AccountId account) {
        if (enabled(account) || !passkeys.list(account).isEmpty()) return;
        store.replaceRecoveryCodes(account, List.of(), clock.instant());
    }

    /**
     * Whether {@link #resetByAdmin} has anything to remove: an authenticator app, a passkey, or an unused recovery code
     * (also one left from a second factor since removed).
     */
    public boolean anyToReset(AccountId account) {
        return enabled(account) || !passkeys.list(account).isEmpty() || store.unusedRecoveryCodes(account) > 0;
    }

    /**
     * Starts (or restarts) enrolment with a new seed for {@code session}, replacing a pending enrolment whoever
     * started it. Needs no password: its secret is shown only to this session in this browser, whose key is
     * returned (to be kept in a cookie), and turning it on needs the password
     * (docs/decisions/0022-two-factor.md, addendum of 2026-12-04).
     */
    @Transactional
    public Enroller startEnrolment(Account account, SessionId session) {
        byte[] seed = new byte[20];
        RANDOM.nextBytes(seed);
        Enroller enroller = new Enroller(session, dev.lanyard.account.Ids.random("enr_", 32));
        FactorStore.Starter starter = new FactorStore.Starter(session, hash(enroller.key()));
        if (store.startEnrolment(account.id(), cipher.seal(seed, account.id().value()), starter, clock.instant()) == 0)
            throw new FactorProblem.AlreadyEnabled();
        return enroller;
    }

    /**
     * A member turning on an authenticator app.
     *
     * @param by        who confirms: only whoever started the enrolment may
     * @param enrolment the {@link Enrolment#id()} of the secret they were shown; blank skips this check (the code
     *                  must still be one of the pending secret)
     */
    public record Confirmation(Enroller by, String enrolment, String password, String code) {
        public Confirmation {
            java.util.Objects.requireNonNull(by, "by");
            enrolment = enrolment == null ? "" : enrolment.strip();
        }
    }

    /**
     * Confirms enrolment with the member's password and a code from the app: two-factor authentication is on.
     * The password, because whoever turns it on holds the only codes (and the recovery codes), so a copied
     * session cookie must not be enough; only the session and browser that started the enrolment (and were
     * shown its secret) may confirm it, and only the seed whose code was checked is turned on. Returns the
     * recovery codes, which are shown once and kept only as keyed hashes.
     */
    public List<String> confirm(Account account, Confirmation confirmation, String address) {
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
            List<String> codes = newRecoveryCodes(account.id(), now);
            events.publishEvent(new FactorEvent.Enabled(account, confirmation.by().session(), address, now));
            return codes;
        });
    }

    /**
     * New recovery codes in place of the old ones (or the first ones), for a member who proves it with their password and,
     * with an authenticator app, a code of it or a recovery code (the password, because the new codes are a way in: a
     * copied session cookie with a glimpse of the app must not be enough). A member whose second factors are passkeys
     * alone confirms with the password only, as adding a passkey does (docs/decisions/0066, addendum): a code from a
     * passkey is not typed, and whoever holds the session and the password could add a passkey of their own anyway.
     * Their {@code code} is not read. The member is told by email ({@link RecoveryCodesMail}).
     *
     * @throws FactorProblem.NotEnabled the member has neither an authenticator app nor a passkey
     */
    public List<String> regenerateRecoveryCodes(Account account, SessionId from, String password, String code, String address) {
        return regenerateRecoveryCodes(account, from, password, code, address, codes -> { });
    }

    /**
     * As {@link #regenerateRecoveryCodes(Account, SessionId, String, String, String)}, and gives the new codes to
     * {@code keep} inside the same transaction (the page's handover): codes that could not be kept for the member to
     * see are not made either, and their old ones keep working.
     */
    public List<String> regenerateRecoveryCodes(Account account, SessionId from, String password, String code, String address,
                                                Consumer<List<String>> keep) {
        boolean app = enabled(account.id());
        if (!app && passkeys.list(account.id()).isEmpty()) throw new FactorProblem.NotEnabled();
        // Both checks before the transaction: an Argon2 hash must not hold the database's writer (SQLite's only one),
        // and a wrong password or code stays counted by the throttle.
        passwordOf(account, from, "regenerate the recovery codes", password, address);
        if (app) requireCode(account, code, address);
        return transactions.execute(tx -> {
            // The last passkey removed meanwhile: codes without a second factor would be no way back to anything.
            if (!app && !enabled(account.id()) && passkeys.list(account.id()).isEmpty()) throw new FactorProblem.NotEnabled();
            Instant now = clock.instant();
            List<String> codes = newRecoveryCodes(account.id(), now);
            events.publishEvent(new FactorEvent.RecoveryCodesRegenerated(account, from, address, now, app));
            keep.accept(codes);
            return codes;
        });
    }

    /**
     * Turns the authenticator app off, with the member's password and a code (or a recovery code). Its recovery codes
     * go with it, unless the member has passkeys: then they stay, the way back in if the passkeys are lost.
     */
    public void disable(Account account, SessionId from, String password, String code, String address) {
        if (!enabled(account.id())) throw new FactorProblem.NotEnabled();
        // The password before the transaction (an Argon2 hash must not hold the database's writer); the code inside it,
        // so that using it up and turning two-factor authentication off are one change.
        passwordOf(account, from, "turn off two-factor authentication", password, address);
        transactions.executeWithoutResult(tx -> {
            requireCode(account, code, address);
            // With passkeys left, the recovery codes stay theirs: a password sign-in still needs a second factor.
            if (passkeys.list(account.id()).isEmpty()) store.delete(account.id());
            else store.deleteApp(account.id());
            events.publishEvent(new FactorEvent.Disabled(account, from, address, clock.instant()));
        });
    }

    /** What an admin's reset removed: an authenticator app, how many unused recovery codes, which passkeys. */
    public record Reset(boolean app, int recoveryCodes, List<String> passkeys) {
    }

    /**
     * Removes every second factor of {@code member} for an admin of their team (docs/decisions/0066): the authenticator
     * app (confirmed or waiting), the recovery codes and the passkeys, in the caller's transaction, and tells the member
     * by email. Who may do it (an admin of the same team, not on themselves) is the caller's to check; ending the member's
     * sessions too. Throws {@link FactorProblem.NoSecondFactor} when there is nothing to remove.
     */
    @Transactional
    public Reset resetByAdmin(Account member, AccountId admin, SessionId adminSession, String reason) {
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

    /** What a sign-in asked for, carried across its second step. */
    /**
     * What a sign-in asked for, kept with its challenge; {@code passwordStamp} is the stamp of the password its first step
     * checked ({@code Accounts.PasswordChecked}), which the session it starts must still match.
     */
    public record SignInRequest(boolean rememberMe, String appType, boolean bearer, String returnPath, String passwordStamp) {
        /** {@code session} bound to the password this sign-in's first step checked, when it checked one. */
        public NewSession withPassword(NewSession session) {
            return passwordStamp == null || passwordStamp.isEmpty() ? session : session.withPassword(passwordStamp);
        }
    }

    /** A sign-in waiting for its second factor: the challenge id (given to the client, stored hashed). */
    public record Challenge(String id, Instant expiresAt) {
    }

    /** Starts the second step of a sign-in whose password was right. */
    @Transactional
    public Challenge challenge(Account account, SignInRequest request) {
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        store.deleteExpired(now);
        String id = dev.lanyard.account.Ids.random("chl_", 32);
        Instant expires = now.plus(settings.challengeTtl());
        store.insert(new FactorStore.Challenge(hash(id), account.id(), request.rememberMe(), request.appType(),
                request.bearer(), request.returnPath(), now, expires, 0, Optional.empty(),
                request.passwordStamp()));
        return new Challenge(id, expires);
    }

    /** The sign-in a challenge stands for, while it can still be completed. */
    public Optional<SignInRequest> pending(String challengeId) {
        return live(challengeId).map(c -> new SignInRequest(c.rememberMe(), c.appType(), c.bearer(), c.returnPath(), c.passwordStamp()));
    }

    /** The second factors a live challenge's member can pass it with, for the page that asks. */
    public Optional<Methods> methodsFor(String challengeId) {
        return live(challengeId).map(c -> methods(c.account()));
    }

    /**
     * A completed second step: who signed in and what they asked for.
     *
     * @param recoveryCodesLeft present when a recovery code was used: how many are left
     */
    public record Passed(Account account, SignInRequest request, Optional<Integer> recoveryCodesLeft) {
    }

    /**
     * Completes a sign-in's second step with a TOTP code or a recovery code. A wrong code counts towards the
     * sign-in throttle and the challenge; after {@code maxCodeFailures} the challenge is dead.
     */
    public Passed verify(String challengeId, String code, String address) {
        FactorStore.Challenge challenge = live(challengeId).orElseThrow(FactorProblem.ChallengeUnusable::new);
        Account account = accounts.find(challenge.account()).orElseThrow(FactorProblem.ChallengeUnusable::new);
        Optional<Integer>[] recovery = new Optional[]{Optional.empty()};
        Outcome[] outcome = {Outcome.WRONG};
        boolean ok = accounts.checkThrottled(account, address, () -> {
            outcome[0] = check(account, code);
            if (outcome[0] == Outcome.RECOVERY) recovery[0] = Optional.of(store.unusedRecoveryCodes(account.id()));
            return outcome[0].passed();
        });
        Instant now = clock.instant();
        if (!ok) throw failed(challenge, account, address, now, outcome[0] == Outcome.WRONG && !enabled(account.id())
                ? FactorProblem.WrongCode.recoveryCodeOnly() : outcome[0].refusal());
        if (store.consume(challenge.idHash(), now, settings.maxCodeFailures()) == 0) throw new FactorProblem.ChallengeUnusable();
        recovery[0].ifPresent(left -> events.publishEvent(new FactorEvent.RecoveryCodeUsed(account, left, address, now)));
        return new Passed(account, request(challenge), recovery[0]);
    }

    /**
     * Starts checking a passkey as a sign-in's second step: the options for {@code navigator.credentials.get()},
     * which only the passkeys of the challenge's member can answer. Throws
     * {@link FactorProblem.ChallengeUnusable} for a dead challenge and {@link FactorProblem.NoPasskey} when the
     * member has no passkey.
     */
    public Passkeys.Options startPasskey(String challengeId, RelyingParty rp) {
        FactorStore.Challenge challenge = live(challengeId).orElseThrow(FactorProblem.ChallengeUnusable::new);
        try {
            return passkeys.startVerification(challenge.account(), rp);
        } catch (PasskeyProblem.NotFound none) {
            throw new FactorProblem.NoPasskey();
        }
    }

    /**
     * Completes a sign-in's second step with a passkey assertion ({@code credential}, WebAuthn's JSON) for the
     * ceremony {@link #startPasskey} began. Only a passkey of the challenge's member passes; anything else
     * counts towards the sign-in throttle and the challenge's failures, like a wrong code.
     */
    public Passed verifyPasskey(String challengeId, String ceremony, String credential, String address) {
        FactorStore.Challenge challenge = live(challengeId).orElseThrow(FactorProblem.ChallengeUnusable::new);
        Account account = accounts.find(challenge.account()).orElseThrow(FactorProblem.ChallengeUnusable::new);
        boolean ok = accounts.checkThrottled(account, address, () -> {
            try {
                passkeys.verify(account.id(), ceremony, credential);
                return true;
            } catch (PasskeyProblem.Rejected rejected) {
                return false;
            }
        });
        Instant now = clock.instant();
        if (!ok) throw failed(challenge, account, address, now, new FactorProblem.PasskeyRejected());
        if (store.consume(challenge.idHash(), now, settings.maxCodeFailures()) == 0) throw new FactorProblem.ChallengeUnusable();
        return new Passed(account, request(challenge), Optional.empty());
    }

    /** Counts a failed second step on its challenge; the challenge is dead after {@code maxCodeFailures}. */
    private FactorProblem failed(FactorStore.Challenge challenge, Account account, String address, Instant now, FactorProblem wrong) {
        int failures = store.fail(challenge.idHash());
        events.publishEvent(new FactorEvent.SecondFactorFailed(account, address, now, wrong instanceof FactorProblem.PasskeyRejected));
        return failures >= settings.maxCodeFailures() ? new FactorProblem.ChallengeUnusable() : wrong;
    }

    private static SignInRequest request(FactorStore.Challenge challenge) {
        return new SignInRequest(challenge.rememberMe(), challenge.appType(), challenge.bearer(), challenge.returnPath(),
                challenge.passwordStamp());
    }

    private Optional<FactorStore.Challenge> live(String challengeId) {
        if (challengeId == null || challengeId.isEmpty() || challengeId.length() > 100) return Optional.empty();
        Instant now = clock.instant();
        return store.findChallenge(hash(challengeId))
                .filter(c -> c.usedAt().isEmpty() && c.expiresAt().isAfter(now) && c.failures() < settings.maxCodeFailures());
    }

    private void requireCode(Account account, String code, String address) {
        if (!enabled(account.id())) throw new FactorProblem.NotEnabled();
        Outcome[] outcome = {Outcome.WRONG};
        if (!accounts.checkThrottled(account, address, () -> (outcome[0] = check(account, code)).passed()))
            throw outcome[0].refusal();
    }

    /**
     * What checking a code found: passed with an authenticator code or a recovery code, or refused as wrong, or as a right
     * code already used. Either refusal counts as a failure for the throttle and the challenge alike.
     */
    private enum Outcome {
        TOTP, RECOVERY, WRONG, TOTP_USED, RECOVERY_USED;

        boolean passed() {
            return this == TOTP || this == RECOVERY;
        }

        FactorProblem.WrongCode refusal() {
            return switch (this) {
                case TOTP_USED -> FactorProblem.WrongCode.alreadyUsed();
                case RECOVERY_USED -> FactorProblem.WrongCode.recoveryCodeUsed();
                case TOTP, RECOVERY, WRONG -> new FactorProblem.WrongCode();
            };
        }
    }

    /**
     * Checks and uses up a TOTP code or a recovery code of an enrolled member. A code refused only because it was used
     * says so: that is known only to whoever gives a right code (of the member's seed within a step of now, or one of the
     * member's recovery codes), who would have passed had it not been used, so it tells a guesser nothing.
     */
    private Outcome check(Account account, String code) {
        String given = code == null ? "" : code.replace(" ", "").replace("-", "");
        if (given.length() == Totp.DIGITS) {
            FactorStore.Totp totp = store.find(account.id()).filter(FactorStore.Totp::confirmed).orElse(null);
            if (totp == null) return Outcome.WRONG;
            byte[] seed = cipher.open(totp.sealedSeed(), account.id().value());
            OptionalLong step = Totp.matchingStep(seed, given, clock.instant());
            if (step.isEmpty()) return Outcome.WRONG;
            // 0 rows: a code of this step or a later one was accepted before (decision 22: one code works once).
            return store.useStep(account.id(), step.getAsLong()) == 1 ? Outcome.TOTP : Outcome.TOTP_USED;
        }
        Optional<String> recovery = RecoveryCodes.normalize(code);
        if (recovery.isEmpty()) return Outcome.WRONG;
        java.util.Set<String> forms = recoveryCodes.forms(account.id(), recovery.get());
        if (store.useRecoveryCode(account.id(), forms, clock.instant()) > 0) return Outcome.RECOVERY;
        return store.recoveryCodeUsed(account.id(), forms) ? Outcome.RECOVERY_USED : Outcome.WRONG;
    }

    private static String digits(String code) {
        return code == null ? "" : code.replace(" ", "");
    }

    private List<String> newRecoveryCodes(AccountId account, Instant now) {
        RecoveryCodes.Made made = recoveryCodes.make(account);
        store.replaceRecoveryCodes(account, made.kept(), now);
        return made.shown();
    }

    private Enrolment enrolment(Account account, String sealedSeed, byte[] seed) {
        String secret = Base32.encode(seed);
        String label = encode(ISSUER) + ":" + encode(account.email());
        String uri = "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + encode(ISSUER)
                + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
        return new Enrolment(enrolmentId(sealedSeed), Base32.grouped(secret), uri, QrCodes.svgDataUri(uri));
    }

    /**
     * Names a pending seed by its sealed form: the first 16 hex of its SHA-256. Sealed with a key, that is a
     * hash of a random nonce and ciphertext; without one, of 160 random bits: either way it tells nothing of the seed.
     */
    private static String enrolmentId(String sealedSeed) {
        return hash(sealedSeed).substring(0, 16);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String hash(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
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
