package dev.lanyard.session;

import java.util.Objects;

import dev.lanyard.account.AccountId;

/** What a sign-in knows about the session it starts. */
public record NewSession(AccountId account, ClientOrigin origin, AppType appType, boolean rememberMe) {
    public NewSession {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(appType, "appType");
    }
}
