package dev.lanyard.session;

import java.util.Objects;

import dev.lanyard.account.AccountId;

/**
 * What a sign-in knows about the session it starts.
 *
 * @param verification how the sign-in proved who it is: a session passed a second factor, or signed in with one
 *                     that counts as two (a passkey: possession plus user verification), starts verified
 */
public record NewSession(AccountId account, ClientOrigin origin, AppType appType, boolean rememberMe, Verification verification) {
    public NewSession {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(appType, "appType");
        Objects.requireNonNull(verification, "verification");
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
