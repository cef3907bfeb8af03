package dev.lanyard.factors;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.passkeys.Passkeys;
import dev.lanyard.session.SessionId;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Members' second factors: enrolling an authenticator app (TOTP) with recovery codes, turning it off, new recovery
 * codes, and an admin's reset of them all ({@link Passkeys}; a member's second factors are their authenticator app and
 * their passkeys). Every code checked here goes through the sign-in throttle ({@link Accounts#checkThrottled}); a TOTP
 * code is accepted once (the last accepted time step is kept per member and only moves forward, atomically), a
 * recovery code once. The second step of a sign-in, and a session verified in place, are {@link SecondSteps}'s.
 *
 * <p>The work is done by {@link FactorChanges} and {@link FactorCodes}, which {@link SecondSteps} uses too. Transactions
 * begin here, on the methods marked so, or inside a change that checks a password first.
 */
@Service
public class SecondFactors {
    static final String ISSUER = "Lanyard";

    private final FactorCodes codes;
    private final FactorChanges changes;

    SecondFactors(FactorCodes codes, FactorChanges changes) {
        this.codes = codes;
        this.changes = changes;
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

    // A member's factors and changing them: FactorChanges, FactorCodes.

    /** The member's two-factor state as {@code viewer} may see it. */
    public Status status(Account account, Enroller viewer) {
        return changes.status(account, viewer);
    }

    /** The member's two-factor state without any pending secret (for the data export). */
    public Status status(Account account) {
        return status(account, null);
    }

    /** Whether the member has a confirmed authenticator app (TOTP). One indexed read. */
    public boolean enabled(AccountId account) {
        return codes.enabled(account);
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
        return codes.methods(account);
    }

    /**
     * Recovery codes for a member who just added a passkey and has no authenticator app (docs/decisions/0066): a password
     * sign-in now needs a second factor, and losing the device must not lock them out. Their first passkey always comes
     * with new codes, in place of any left from before (made for a second factor since removed, perhaps by whoever added
     * it with their password); a later one only when none is left unused. In the registration's transaction; the codes
     * are shown once. Empty when nothing was made.
     */
    List<String> recoveryCodesForPasskeys(AccountId account) {
        return changes.recoveryCodesForPasskeys(account);
    }

    /**
     * Removes the recovery codes of a member who has no second factor left (no app, no passkey): they passed for one
     * (a password sign-in with no factor needs none), could not be replaced from the page, and would come back into force
     * with the next passkey. In the caller's transaction.
     */
    void recoveryCodesWithoutFactors(AccountId account) {
        changes.recoveryCodesWithoutFactors(account);
    }

    /**
     * Whether {@link #resetByAdmin} has anything to remove: an authenticator app, a passkey, or an unused recovery code
     * (also one left from a second factor since removed).
     */
    public boolean anyToReset(AccountId account) {
        return changes.anyToReset(account);
    }

    /**
     * Starts (or restarts) enrolment with a new seed for {@code session}, replacing a pending enrolment whoever
     * started it. Needs no password: its secret is shown only to this session in this browser, whose key is
     * returned (to be kept in a cookie), and turning it on needs the password
     * (docs/decisions/0022-two-factor.md, addendum of 2026-12-04).
     */
    @Transactional
    public Enroller startEnrolment(Account account, SessionId session) {
        return changes.startEnrolment(account, session);
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
     * shown its secret) may confirm it, and only the seed whose code was checked is turned on. The session that
     * confirmed it passed the password and a code there, so it becomes verified ({@code Sessions.verifyIfSignedIn}), as
     * "Verify this session" would make it. Returns the recovery codes, which are shown once and kept only as keyed hashes.
     */
    public List<String> confirm(Account account, Confirmation confirmation, String address) {
        return changes.confirm(account, confirmation, address);
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
        return changes.regenerateRecoveryCodes(account, from, password, code, address);
    }

    /**
     * As {@link #regenerateRecoveryCodes(Account, SessionId, String, String, String)}, and gives the new codes to
     * {@code keep} inside the same transaction (the page's handover): codes that could not be kept for the member to
     * see are not made either, and their old ones keep working.
     */
    public List<String> regenerateRecoveryCodes(Account account, SessionId from, String password, String code, String address,
                                                Consumer<List<String>> keep) {
        return changes.regenerateRecoveryCodes(account, from, password, code, address, keep);
    }

    /**
     * Turns the authenticator app off, with the member's password and a code (or a recovery code). Its recovery codes
     * go with it, unless the member has passkeys: then they stay, the way back in if the passkeys are lost.
     */
    public void disable(Account account, SessionId from, String password, String code, String address) {
        changes.disable(account, from, password, code, address);
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
        return changes.resetByAdmin(member, admin, adminSession, reason);
    }

    static String hash(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
