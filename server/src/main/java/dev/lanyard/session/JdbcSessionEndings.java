package dev.lanyard.session;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import org.springframework.jdbc.core.simple.JdbcClient;

import static dev.lanyard.session.JdbcSessionRows.END;
import static dev.lanyard.session.JdbcSessionRows.ending;

/**
 * Ending sessions in SQL, for {@link JdbcSessionStore}: one or several of an owner's, all of them but one, their
 * sign-ins only, and the sweep's batch whoever owns it, each when it expired. Only active rows change, so repeating an ending is safe and an
 * ended session keeps its first ending.
 */
class JdbcSessionEndings {
    private final JdbcClient jdbc;

    JdbcSessionEndings(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    int end(SessionId id, AccountId owner, Session.Ending ending) {
        return jdbc.sql("UPDATE sessions SET " + END + " WHERE id = :id AND account_id = :owner AND ended_at IS NULL")
                .paramSource(ending(ending).addValue("id", id.value()).addValue("owner", owner.value()))
                .update();
    }

    List<SessionId> end(Collection<SessionId> ids, AccountId owner, Session.Ending ending) {
        if (ids.isEmpty()) return List.of();
        return jdbc.sql("UPDATE sessions SET " + END
                        + " WHERE id IN (:ids) AND account_id = :owner AND ended_at IS NULL RETURNING id")
                .paramSource(ending(ending).addValue("ids", ids.stream().map(SessionId::value).toList())
                        .addValue("owner", owner.value()))
                .query((rs, n) -> new SessionId(rs.getString(1)))
                .list();
    }

    List<SessionId> endAll(AccountId owner, Optional<SessionId> keep, Session.Ending ending) {
        return jdbc.sql("UPDATE sessions SET " + END
                        + " WHERE account_id = :owner AND ended_at IS NULL AND id <> :keep RETURNING id")
                .paramSource(ending(ending).addValue("owner", owner.value())
                        .addValue("keep", keep.map(SessionId::value).orElse("")))
                .query((rs, n) -> new SessionId(rs.getString(1)))
                .list();
    }

    List<SessionId> endSignIns(AccountId owner, Optional<SessionId> keep, Session.Ending ending) {
        return jdbc.sql("UPDATE sessions SET " + END
                        + " WHERE account_id = :owner AND ended_at IS NULL AND id <> :keep AND api_key = :no RETURNING id")
                .paramSource(ending(ending).addValue("owner", owner.value()).addValue("no", false)
                        .addValue("keep", keep.map(SessionId::value).orElse("")))
                .query((rs, n) -> new SessionId(rs.getString(1)))
                .list();
    }

    /** The moment a session expired, as {@link Session#expiredAt} reads it from the row, for each way of expiring. */
    private static final String LIFETIME_END = "CASE WHEN expires_at < last_active_at THEN last_active_at ELSE expires_at END";
    private static final String IDLE_END = "last_active_at + idle_timeout_ms";

    List<SessionId> endExpired(Collection<SessionId> ids, EndReason reason) {
        if (ids.isEmpty()) return List.of();
        String at = switch (reason) {
            case LIFETIME_EXPIRED -> LIFETIME_END;
            case IDLE_EXPIRED -> IDLE_END;
            default -> throw new IllegalArgumentException("Not a way of expiring: " + reason);
        };
        return jdbc.sql("UPDATE sessions SET ended_at = " + at + ", end_reason = :reason, ended_by = NULL,"
                        + " ended_by_session = NULL, end_note = NULL WHERE id IN (:ids) AND ended_at IS NULL RETURNING id")
                .param("reason", reason.name())
                .param("ids", ids.stream().map(SessionId::value).toList())
                .query((rs, n) -> new SessionId(rs.getString(1)))
                .list();
    }
}
