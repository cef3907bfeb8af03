package dev.lanyard.session;

import java.util.Objects;

import dev.lanyard.account.AccountId;

/**
 * What a sign-in knows about the session it starts.
 *
 * @param verified whether the sign-in passed a second factor or was made with one that counts as two
 *                 (a passkey: possession plus user verification); the session starts verified
 */
public record NewSession(AccountId account, ClientOrigin origin, AppType appType, boolean rememberMe, boolean verified) {
    public NewSession {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(appType, "appType");
    }

    /** A sign-in that proved one factor only (a password): the session starts unverified. */
    public NewSession(AccountId account, ClientOrigin origin, AppType appType, boolean rememberMe) {
        this(account, origin, appType, rememberMe, false);
    }
}
