package dev.lanyard.session;

import java.util.Objects;
import java.util.Optional;

import dev.lanyard.account.AccountId;

/**
 * What a sign-in knows about the session it starts.
 *
 * @param verification how the sign-in proved who it is: a session passed a second factor, or signed in with one
 *                     that counts as two (a passkey: possession plus user verification), starts verified
 * @param password     for a sign-in with a password, the stamp of the password it checked
 *                     ({@link dev.lanyard.account.Accounts.PasswordChecked}): the session starts only if that is still
 *                     the member's password, so a sign-in under way when the password changes cannot outlive the change
 * @param bearer       whether the sign-in asked for a bearer token ({@code tokenType=bearer}): the session is a program's,
 *                     never the member's browser, however its token is presented later ({@link Sessions#issuedForBearer})
 */
public record NewSession(AccountId account, ClientOrigin origin, AppType appType, boolean rememberMe, Verification verification,
                         Optional<String> password, boolean bearer) {
    public NewSession {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(appType, "appType");
        Objects.requireNonNull(verification, "verification");
        Objects.requireNonNull(password, "password");
    }

    public NewSession(AccountId account, ClientOrigin origin, AppType appType, boolean rememberMe, Verification verification) {
        this(account, origin, appType, rememberMe, verification, Optional.empty(), false);
    }

    /** This sign-in, made with the password whose stamp is {@code stamp}. */
    public NewSession withPassword(String stamp) {
        return new NewSession(account, origin, appType, rememberMe, verification, Optional.of(stamp), bearer);
    }

    /** This sign-in, when {@code bearer}, as one that asked for a bearer token rather than a cookie. */
    public NewSession forBearer(boolean bearer) {
        return new NewSession(account, origin, appType, rememberMe, verification, password, bearer);
    }

    /** A sign-in that proved one factor only (a password): the session starts unverified. */
    public NewSession(AccountId account, ClientOrigin origin, AppType appType, boolean rememberMe) {
        this(account, origin, appType, rememberMe, Verification.NONE);
    }

    /** Whether the session starts verified. */
    public boolean verified() {
        return verification.verified();
    }
}
