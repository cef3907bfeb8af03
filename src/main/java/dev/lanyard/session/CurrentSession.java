package dev.lanyard.session;

import java.util.Objects;

import dev.lanyard.account.Account;

/** The session a request is made with, and the account holding it: the principal of every request. */
public record CurrentSession(SessionId id, Account account, AppType appType) {
    public CurrentSession {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(appType, "appType");
    }
}
