package dev.lanyard.account;

import java.time.Duration;
import java.util.List;

/**
 * A team's session policy (PRODUCT.md L2, L3, L5).
 *
 * @param idleTimeout      sign out sessions inactive this long; {@link Duration#ZERO} means never
 * @param allowRememberMe  whether "Remember me" may extend a session
 * @param rememberedDays   lifetime of a remembered session, in days
 * @param lifetimeDays     lifetime of any other session, in days
 * @param requireSecondFactor whether every member must have a second factor: a member without one can
 *                         do nothing but enrol one or sign out (PRODUCT.md V1)
 * @param sessionLimit     how many sessions a member may have signed in at once; 0: no limit. API keys and
 *                         apps' grants are not sign-ins and do not count (decision 48)
 * @param refuseAtLimit    at the limit, refuse the new sign-in rather than end the member's oldest session
 */
public record TeamPolicy(Duration idleTimeout, boolean allowRememberMe, int rememberedDays, int lifetimeDays,
                         boolean requireSecondFactor, int sessionLimit, boolean refuseAtLimit) {
    /** The choices offered for the idle timeout; zero is "Never (not recommended)". */
    public static final List<Duration> IDLE_CHOICES = List.of(Duration.ofDays(1), Duration.ofDays(7), Duration.ofDays(30), Duration.ZERO);
    public static final int MAX_DAYS = 365;
    /** PRODUCT.md L3: a session that is not remembered lasts at most 7 days. */
    public static final int MAX_LIFETIME_DAYS = 7;
    /** The highest session limit an admin can set. */
    public static final int MAX_SESSION_LIMIT = 100;
    public static final TeamPolicy DEFAULT = new TeamPolicy(Duration.ofDays(7), true, 30, 7);

    /** A policy that does not require a second factor. */
    public TeamPolicy(Duration idleTimeout, boolean allowRememberMe, int rememberedDays, int lifetimeDays) {
        this(idleTimeout, allowRememberMe, rememberedDays, lifetimeDays, false, 0, false);
    }

    /** This policy with a session limit (0: none), ending the oldest session or refusing the new sign-in at it. */
    public TeamPolicy withSessionLimit(int limit, boolean refuse) {
        return new TeamPolicy(idleTimeout, allowRememberMe, rememberedDays, lifetimeDays, requireSecondFactor, limit, refuse);
    }

    /** This policy with "Remember me" not allowed (a high-security account, PRODUCT.md L3). */
    public TeamPolicy withoutRememberMe() {
        return new TeamPolicy(idleTimeout, false, rememberedDays, lifetimeDays, requireSecondFactor, sessionLimit, refuseAtLimit);
    }

    /** This policy, requiring a second factor or not. */
    public TeamPolicy withSecondFactor(boolean required) {
        return new TeamPolicy(idleTimeout, allowRememberMe, rememberedDays, lifetimeDays, required, sessionLimit, refuseAtLimit);
    }

    /** Every value checked, each one at fault named at once ({@link dev.lanyard.InputErrors}), in the form's order. */
    public TeamPolicy {
        dev.lanyard.InputErrors<AccountProblem.InvalidInput> errors = new dev.lanyard.InputErrors<>(AccountProblem.InvalidInput.class);
        errors.check(() -> validIdleTimeout(idleTimeout));
        boolean remembered = errors.check(() -> validRememberedDays(rememberedDays));
        boolean lifetime = errors.check(() -> validLifetimeDays(lifetimeDays));
        if (remembered && lifetime) errors.check(() -> checkRememberedNotShorter(rememberedDays, lifetimeDays));
        errors.check(() -> validSessionLimit(sessionLimit));
        errors.throwIfAny(AccountProblem.InvalidInput::of);
    }

    /**
     * The rules of each value, one by one, for a form that reads its fields itself and names every one at fault at once
     * ({@link dev.lanyard.InputErrors#read}): each returns its value or refuses it ({@link AccountProblem.InvalidInput}).
     */
    public static Duration validIdleTimeout(Duration idleTimeout) {
        if (idleTimeout == null || !IDLE_CHOICES.contains(idleTimeout))
            throw new AccountProblem.InvalidInput("idleTimeout", "Choose 1 day, 7 days, 30 days or never.");
        return idleTimeout;
    }

    public static int validRememberedDays(int days) {
        if (days < 1 || days > MAX_DAYS)
            throw new AccountProblem.InvalidInput("rememberedDays", "Remembered sessions last between 1 and " + MAX_DAYS + " days.");
        return days;
    }

    public static int validLifetimeDays(int days) {
        if (days < 1 || days > MAX_LIFETIME_DAYS)
            throw new AccountProblem.InvalidInput("lifetimeDays", "Sessions that are not remembered last between 1 and " + MAX_LIFETIME_DAYS + " days.");
        return days;
    }

    /** Of two day counts that each keep their own rule. */
    public static void checkRememberedNotShorter(int rememberedDays, int lifetimeDays) {
        if (rememberedDays < lifetimeDays)
            throw new AccountProblem.InvalidInput("rememberedDays", "Remembered sessions cannot be shorter than other sessions.");
    }

    public static int validSessionLimit(int limit) {
        if (limit < 0 || limit > MAX_SESSION_LIMIT)
            throw new AccountProblem.InvalidInput("sessionLimit", "The session limit is between 1 and " + MAX_SESSION_LIMIT + ", or 0 for none.");
        return limit;
    }

    /** The absolute lifetime of a new session, given whether "Remember me" was ticked. */
    public Duration lifetime(boolean rememberMe) {
        return Duration.ofDays(rememberMe && allowRememberMe ? rememberedDays : lifetimeDays);
    }

    /**
     * A short text that changes whenever any of the policy's values does: what a settings page was loaded with, or an
     * API client's {@code ETag}, so that a save made on a stale copy is refused instead of undoing another admin's change.
     */
    public String version() {
        String values = idleTimeout.toSeconds() + "|" + allowRememberMe + "|" + rememberedDays + "|" + lifetimeDays + "|"
                + requireSecondFactor + "|" + sessionLimit + "|" + refuseAtLimit;
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(values.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a session created with {@code rememberMe} counts as remembered under this policy. */
    public boolean remembers(boolean rememberMe) {
        return rememberMe && allowRememberMe;
    }
}
