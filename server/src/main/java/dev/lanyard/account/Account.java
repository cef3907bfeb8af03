package dev.lanyard.account;

import java.time.Instant;
import java.util.Objects;

/** A person who can sign in. The password hash never leaves the account module. */
public record Account(AccountId id, TeamId team, String email, String name, Role role, Instant createdAt) {
    public Account {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** Whether {@code text} could be an account's email as accounts store it (lower case, shaped as an address). */
    public static boolean storedEmailShape(String text) {
        return EmailRule.asStored(text);
    }
}
