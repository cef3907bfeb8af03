package dev.lanyard.session;

import java.util.List;

import dev.lanyard.account.AccountId;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Changes to a session's row in SQL, for {@link JdbcSessionStore}: its name, its approval, its flags and its sign-in
 * alerts. Each returns the rows it changed, 1 or 0, and is safe to repeat.
 */
class JdbcSessionChanges {
    private final JdbcClient jdbc;

    JdbcSessionChanges(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    int rename(SessionId id, AccountId owner, String name) {
        return jdbc.sql("UPDATE sessions SET name = :name WHERE id = :id AND account_id = :owner AND ended_at IS NULL")
                .param("name", name)
                .param("id", id.value())
                .param("owner", owner.value())
                .update();
    }

    int approve(SessionId id, AccountId owner) {
        return jdbc.sql("""
                        UPDATE sessions SET verified = :yes
                        WHERE id = :id AND account_id = :owner AND ended_at IS NULL AND verified = :no AND api_key = :no""")
                .param("yes", true)
                .param("no", false)
                .param("id", id.value())
                .param("owner", owner.value())
                .update();
    }

    int setFlags(SessionId id, AccountId owner, List<SessionFlag> flags) {
        return jdbc.sql("UPDATE sessions SET flags = :flags, concern = :concern WHERE id = :id AND account_id = :owner")
                .param("flags", SessionFlag.encode(flags))
                .param("concern", SessionFlag.highest(flags).map(SessionFlag.Level::rank).orElse(0))
                .param("id", id.value())
                .param("owner", owner.value())
                .update();
    }

    int setAlerts(SessionId id, AccountId owner, boolean alerts) {
        return jdbc.sql("UPDATE sessions SET alerts = :alerts WHERE id = :id AND account_id = :owner AND ended_at IS NULL")
                .param("alerts", alerts)
                .param("id", id.value())
                .param("owner", owner.value())
                .update();
    }
}
