package dev.lanyard.account;

import java.util.Objects;

/** The public id of a team. */
public record TeamId(String value) {
    public TeamId {
        Objects.requireNonNull(value, "value");
    }

    static TeamId random() {
        return new TeamId(Ids.random("team_", 12));
    }

    @Override
    public String toString() {
        return value;
    }
}
