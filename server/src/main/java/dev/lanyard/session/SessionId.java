package dev.lanyard.session;

import java.util.Objects;

import dev.lanyard.account.Ids;

/** The public id of a session: shown in the UI and the API, unrelated to its secret token. */
public record SessionId(String value) {
    public SessionId {
        Objects.requireNonNull(value, "value");
    }

    static SessionId random() {
        return new SessionId(Ids.random("ses_", 12));
    }

    /** "ses_3fA9…", enough to tell sessions apart on screen. */
    public String shortForm() {
        return value.length() <= 10 ? value : value.substring(0, 10) + "…";
    }

    @Override
    public String toString() {
        return value;
    }
}
