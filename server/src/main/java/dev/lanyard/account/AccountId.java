package dev.lanyard.account;

import java.util.Objects;

/** The public id of an account. */
public record AccountId(String value) {
    public AccountId {
        Objects.requireNonNull(value, "value");
    }

    static AccountId random() {
        return new AccountId(Ids.random("acc_", 12));
    }

    @Override
    public String toString() {
        return value;
    }
}
