package dev.lanyard.factors;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.passkeys.PasskeyProblem;
import dev.lanyard.passkeys.Passkeys;
import dev.lanyard.passkeys.RelyingParty;
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
    static final int RECOVERY_CODES = 10;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
    static final String ISSUER = "Lanyard";

    private final FactorStore store;
    private final SeedCipher cipher;
    private final Accounts accounts;
    private final FactorSettings settings;
    private final Passkeys passkeys;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    SecondFactors(FactorStore store, SeedCipher cipher, Accounts accounts, FactorSettings settings, Passkeys passkeys,
                  ApplicationEventPublisher events, Clock clock) {
        this.store = store;
        this.passkeys = passkeys;
        this.cipher = cipher;
        this.accounts = accounts;
        this.settings = settings;
        this.events = events;
        this.clock = clock;
    }

    /** What an enrolling member needs to add Lanyard to an authenticator app; shown only until confirmed. */
    public record Enrolment(String secret, String uri, String qrCode) {
    }

    /**
     * A member's two-factor state.
     *
     * @param pending an enrolment waiting for its first code
     */
    public record Status(boolean enabled, Optional<Instant> since, int recoveryCodesLeft, Optional<Enrolment> pending) {
    }

    public Status status(Account account) {
        Optional<FactorStore.Totp> totp = store.find(account.id());
        if (totp.isEmpty()) return new Status(false, Optional.empty(), 0, Optional.empty());
        if (totp.get().confirmed())
            return new Status(true, totp.get().confirmedAt(), store.unusedRecoveryCodes(account.id()), Optional.empty());
        Optional<Enrolment> pending;
        try {
            pending = Optional.of(enrolment(account, cipher.open(totp.get().sealedSeed(), account.id().value())));
        } catch (FactorProblem.SeedUnreadable unreadable) {
            pending = Optional.empty();
        }
        return new Status(false, Optional.empty(), 0, pending);
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
     */
    public record Methods(boolean totp, boolean passkey) {
        /** Whether the member has a second factor at all: a password sign-in then needs it. */
        public boolean any() {
            return totp || passkey;
        }
    }

    /** The member's second factors. Two indexed reads. */
    public Methods methods(AccountId account) {
        return new Methods(enabled(account), !passkeys.list(account).isEmpty());
    }

    /** Starts (or restarts) enrolment with a new seed. */
    @Transactional
    public Enrolment startEnrolment(Account account) {
        byte[] seed = new byte[20];
        RANDOM.nextBytes(seed);
        if (store.startEnrolment(account.id(), cipher.seal(seed, account.id().value()), clock.instant()) == 0)
            throw new FactorProblem.AlreadyEnabled();
        return enrolment(account, seed);
    }

    /**
     * Confirms enrolment with the member's password and a code from the app: two-factor authentication is on.
     * The password, because whoever turns it on holds the only codes (and the recovery codes), so a copied
     * session cookie must not be enough. Returns the recovery codes, which are shown once and kept only as hashes.
     */
    @Transactional(noRollbackFor = {FactorProblem.WrongCode.class, dev.lanyard.account.AccountProblem.class})
    public List<String> confirm(Account account, String password, String code, String address) {
        FactorStore.Totp totp = store.find(account.id()).filter(t -> !t.confirmed()).orElseThrow(FactorProblem.NotEnabled::new);
        accounts.authenticate(account.email(), password, address);
        byte[] seed = cipher.open(totp.sealedSeed(), account.id().value());
        Instant now = clock.instant();
        OptionalLong[] step = {OptionalLong.empty()};
        boolean ok = accounts.checkThrottled(account, address, () -> {
            step[0] = Totp.matchingStep(seed, digits(code), now);
            return step[0].isPresent();
        });
        if (!ok) throw new FactorProblem.WrongCode();
        if (store.confirm(account.id(), step[0].getAsLong(), now) == 0) throw new FactorProblem.NotEnabled();
        List<String> codes = newRecoveryCodes(account.id(), now);
        events.publishEvent(new FactorEvent.Enabled(account, now));
        return codes;
    }

    /** New recovery codes in place of the old ones, for a member who proves it with a code. */
    @Transactional(noRollbackFor = FactorProblem.WrongCode.class)
    public List<String> regenerateRecoveryCodes(Account account, String code, String address) {
        requireCode(account, code, address);
        Instant now = clock.instant();
        List<String> codes = newRecoveryCodes(account.id(), now);
        events.publishEvent(new FactorEvent.RecoveryCodesRegenerated(account, now));
        return codes;
    }

    /** Turns two-factor authentication off, with the member's password and a code (or a recovery code). */
    @Transactional(noRollbackFor = {FactorProblem.WrongCode.class, dev.lanyard.account.AccountProblem.class})
    public void disable(Account account, String password, String code, String address) {
        if (!enabled(account.id())) throw new FactorProblem.NotEnabled();
        accounts.authenticate(account.email(), password, address);
        requireCode(account, code, address);
        store.delete(account.id());
        events.publishEvent(new FactorEvent.Disabled(account, clock.instant()));
    }

    /** What a sign-in asked for, carried across its second step. */
    public record SignInRequest(boolean rememberMe, String appType, boolean bearer, String returnPath) {
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
                request.bearer(), request.returnPath(), now, expires, 0, Optional.empty()));
        return new Challenge(id, expires);
    }

    /** The sign-in a challenge stands for, while it can still be completed. */
    public Optional<SignInRequest> pending(String challengeId) {
        return live(challengeId).map(c -> new SignInRequest(c.rememberMe(), c.appType(), c.bearer(), c.returnPath()));
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
        boolean ok = accounts.checkThrottled(account, address, () -> {
            Optional<Kind> kind = check(account, code);
            kind.filter(k -> k == Kind.RECOVERY).ifPresent(k -> recovery[0] = Optional.of(store.unusedRecoveryCodes(account.id())));
            return kind.isPresent();
        });
        Instant now = clock.instant();
        if (!ok) throw failed(challenge, account, address, now, new FactorProblem.WrongCode());
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
        return new SignInRequest(challenge.rememberMe(), challenge.appType(), challenge.bearer(), challenge.returnPath());
    }

    private Optional<FactorStore.Challenge> live(String challengeId) {
        if (challengeId == null || challengeId.isEmpty() || challengeId.length() > 100) return Optional.empty();
        Instant now = clock.instant();
        return store.findChallenge(hash(challengeId))
                .filter(c -> c.usedAt().isEmpty() && c.expiresAt().isAfter(now) && c.failures() < settings.maxCodeFailures());
    }

    private void requireCode(Account account, String code, String address) {
        if (!enabled(account.id())) throw new FactorProblem.NotEnabled();
        if (!accounts.checkThrottled(account, address, () -> check(account, code).isPresent()))
            throw new FactorProblem.WrongCode();
    }

    private enum Kind { TOTP, RECOVERY }

    /** Checks and uses up a TOTP code or a recovery code of an enrolled member. */
    private Optional<Kind> check(Account account, String code) {
        String given = code == null ? "" : code.replace(" ", "").replace("-", "").toLowerCase(Locale.ROOT);
        if (given.length() == Totp.DIGITS) {
            FactorStore.Totp totp = store.find(account.id()).filter(FactorStore.Totp::confirmed).orElse(null);
            if (totp == null) return Optional.empty();
            byte[] seed = cipher.open(totp.sealedSeed(), account.id().value());
            OptionalLong step = Totp.matchingStep(seed, given, clock.instant());
            return step.isPresent() && store.useStep(account.id(), step.getAsLong()) == 1 ? Optional.of(Kind.TOTP) : Optional.empty();
        }
        if (given.length() == 12 && given.chars().allMatch(c -> RECOVERY_ALPHABET.indexOf(c) >= 0)) {
            return store.useRecoveryCode(account.id(), hash(given), clock.instant()) == 1 ? Optional.of(Kind.RECOVERY) : Optional.empty();
        }
        return Optional.empty();
    }

    private static String digits(String code) {
        return code == null ? "" : code.replace(" ", "");
    }

    private List<String> newRecoveryCodes(AccountId account, Instant now) {
        List<String> codes = new ArrayList<>(RECOVERY_CODES);
        List<String> hashes = new ArrayList<>(RECOVERY_CODES);
        for (int i = 0; i < RECOVERY_CODES; i++) {
            StringBuilder code = new StringBuilder();
            for (int c = 0; c < 12; c++) code.append(RECOVERY_ALPHABET.charAt(RANDOM.nextInt(RECOVERY_ALPHABET.length())));
            hashes.add(hash(code.toString()));
            codes.add(code.substring(0, 4) + "-" + code.substring(4, 8) + "-" + code.substring(8));
        }
        store.replaceRecoveryCodes(account, hashes, now);
        return codes;
    }

    private Enrolment enrolment(Account account, byte[] seed) {
        String secret = Base32.encode(seed);
        String label = encode(ISSUER) + ":" + encode(account.email());
        String uri = "otpauth://totp/" + label + "?secret=" + secret + "&issuer=" + encode(ISSUER)
                + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP_SECONDS;
        return new Enrolment(Base32.grouped(secret), uri, QrCodes.svgDataUri(uri));
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
}
