package dev.lanyard.ops;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The SQL that the mail outbox and the signal outbox share: a table of rows to send, each claimed
 * by one node for a while, then finished (sent or given up) or failed (tried again later).
 *
 * <p>A claim is one atomic {@code UPDATE} whose outer {@code WHERE} repeats the conditions of its
 * sub-select: on PostgreSQL a concurrent claimer that picked the same rows waits for the first one's
 * row locks and then re-checks those conditions on the claimed rows, so it skips them; on SQLite
 * writers are serialized anyway. Every later change of a row names the claim it was given under, so
 * a node whose claim ran out cannot finish a row another node has claimed since.
 */
public final class OutboxTable {
    private final JdbcClient jdbc;
    private final String table;
    private final String unfinished;
    private final String claimable;
    private final String order;
    private final Optional<Turns> turns;

    /**
     * @param table           the table's name
     * @param doneColumn      the column set when a row was sent ({@code given_up_at} is the other end)
     * @param claimableAlso   further conditions a row must meet to be claimed, or empty
     * @param order           the order rows are claimed in ({@code next_attempt_at, id}: the longest due first)
     */
    public OutboxTable(JdbcClient jdbc, String table, String doneColumn, String claimableAlso, String order) {
        this(jdbc, table, doneColumn, claimableAlso, order, Optional.empty());
    }

    /**
     * An outbox whose claims take turns among the owners of its rows, as {@code turns} says: a claim takes each owner's
     * first due row, by id, before any owner's second, and so on. An owner with thousands of rows due cannot fill every
     * claim ahead of another's first (an outside review); the owner's own rows keep their order.
     */
    public OutboxTable(JdbcClient jdbc, String table, String doneColumn, String claimableAlso, Turns turns) {
        this(jdbc, table, doneColumn, claimableAlso, "id", Optional.of(turns));
    }

    private OutboxTable(JdbcClient jdbc, String table, String doneColumn, String claimableAlso, String order, Optional<Turns> turns) {
        this.jdbc = jdbc;
        this.table = table;
        this.unfinished = doneColumn + " IS NULL AND given_up_at IS NULL";
        this.claimable = unfinished + claimableAlso + " AND next_attempt_at <= :now AND (claimed_until IS NULL OR claimed_until <= :now)";
        this.order = order;
        this.turns = turns;
    }

    /**
     * How claims take turns among the owners of an outbox's rows.
     *
     * @param owner   the column naming a row's owner (a team)
     * @param indexed the condition, beyond being unfinished, of the rows an index of ({@code owner}, id) holds, which
     *                includes every row a claim may take
     * @param lateral whether the database takes {@code LATERAL} joins (PostgreSQL; SQLite reads each owner's rows in a
     *                correlated sub-select instead)
     * @param taken   a sub-select counting the turns the row's {@code owner} has taken already (its rows still being sent),
     *                which its rows' turns come after, or {@code 0}
     */
    public record Turns(String owner, String indexed, boolean lateral, String taken) {
    }

    /**
     * The owners with unfinished rows, in order, for taking turns: found one after another from the index of
     * ({@code owner}, id), one short read each, however many rows each has; the last is {@code NULL}.
     */
    private String owners(Turns turns) {
        String next = "SELECT " + turns.owner() + " FROM " + table + " WHERE " + unfinished + " AND " + turns.indexed();
        return "owners (owner) AS (SELECT (" + next + " ORDER BY " + turns.owner() + " LIMIT 1)"
                + " UNION ALL SELECT (" + next + " AND " + turns.owner() + " > owners.owner ORDER BY " + turns.owner() + " LIMIT 1)"
                + " FROM owners WHERE owner IS NOT NULL)";
    }

    /**
     * The ids of the rows to claim: the first {@code :limit} claimable ones in the table's order, or, taking turns, the
     * first {@code :limit} claimable ones of each owner, by id, ranked by their turn among the owner's (after the turns it
     * has {@linkplain Turns#taken() taken}) and then by id.
     * Each owner's are read from the index of ({@code owner}, id), stepping over only those of its rows that cannot be
     * claimed now, so a claim reads a few rows per owner, not every claimable row (an outside review: ranking them all
     * cost 18.8 ms a claim at 10,000 due). The owner is matched with {@code BETWEEN}, not {@code =}: with {@code =},
     * PostgreSQL may walk the primary key in id order instead, past every other owner's rows, not knowing how few an owner
     * has. The last owner, {@code NULL}, matches nothing.
     */
    private String pick() {
        if (turns.isEmpty()) return "SELECT id FROM " + table + " WHERE " + claimable + " ORDER BY " + order + " LIMIT :limit";
        String owner = turns.get().owner();
        String theirs = "SELECT id FROM " + table + " WHERE " + owner + " BETWEEN owners.owner AND owners.owner AND " + claimable
                + " ORDER BY " + owner + ", id LIMIT :limit";
        String owned = turns.get().lateral()
                ? "SELECT theirs.id, owners.owner FROM owners CROSS JOIN LATERAL (" + theirs + ") theirs"
                : "SELECT theirs.id, owners.owner FROM owners JOIN " + table + " theirs ON theirs.id IN (" + theirs + ")";
        return "SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY owner ORDER BY id) + " + turns.get().taken() + " AS turn"
                + " FROM (" + owned + ") owned) turns ORDER BY turn, id LIMIT :limit";
    }

    /** The condition of a row neither sent nor given up, for the callers' own queries. */
    public String unfinished() {
        return unfinished;
    }

    /**
     * Claims up to {@code limit} rows due at {@code now}, in the table's order, and reads their {@code columns} (which
     * name {@code id}), oldest first. The rows are picked once, in a materialized CTE: under {@code IN}, PostgreSQL may
     * run the picking sub-select again for each unfinished row (a nested-loop semi-join, chosen while the table's
     * statistics still say it is nearly empty, as during a burst of thousands of new rows), which made each claim cost
     * the whole backlog; and they are read as they are claimed, where a second query by {@code claim}, which no index
     * holds, read the whole table (decision 84, addendum).
     */
    public <T> List<T> claim(String claim, Instant now, Instant claimedUntil, int limit, String columns, RowMapper<T> rows) {
        return claim("", Map.of(), claim, now, claimedUntil, limit, columns, rows);
    }

    /**
     * {@link #claim(String, Instant, Instant, int, String, RowMapper)} with common table expressions ({@code name AS (...)},
     * separated by commas) that the conditions given to the constructor name, and the named parameters they take:
     * evaluated once, before the rows are picked.
     */
    public <T> List<T> claim(String with, Map<String, ?> params, String claim, Instant now, Instant claimedUntil, int limit,
                             String columns, RowMapper<T> rows) {
        String ctes = turns.map(t -> "RECURSIVE " + owners(t) + ", ").orElse("") + (with.isEmpty() ? "" : with + ", ");
        List<Map.Entry<Long, T>> claimed = jdbc.sql("WITH " + ctes + "picked AS MATERIALIZED (" + pick() + ")"
                        + " UPDATE " + table + " SET claim = :claim, claimed_until = :until, attempts = attempts + 1"
                        + " WHERE id IN (SELECT id FROM picked) AND " + claimable + " RETURNING " + columns)
                .params(params).param("claim", claim).param("until", claimedUntil.toEpochMilli()).param("now", now.toEpochMilli())
                .param("limit", limit).query((rs, n) -> Map.entry(rs.getLong("id"), rows.mapRow(rs, n))).list();
        // RETURNING follows no order.
        return claimed.stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList();
    }

    /**
     * Ends a claimed, unfinished row: sets {@code assignments} (named parameters in {@code params}) and
     * gives the claim up. Returns 0 when the row is no longer this claim's.
     */
    public int release(long id, String claim, String assignments, Map<String, ?> params) {
        return jdbc.sql("UPDATE " + table + " SET " + assignments + ", claim = NULL, claimed_until = NULL"
                        + " WHERE id = :id AND claim = :claim AND " + unfinished)
                .params(params).param("id", id).param("claim", claim).update();
    }

    /** A claimed row could not be sent this time: {@code error} is kept and it is due again at {@code nextAttempt}. */
    public int failed(long id, String claim, String error, Instant nextAttempt) {
        Map<String, Object> params = new HashMap<>();
        params.put("error", error);
        params.put("next", nextAttempt.toEpochMilli());
        return release(id, claim, "last_error = :error, next_attempt_at = :next", params);
    }

    /**
     * A claimed row will not be sent: {@code error} is kept, and {@code content} (the column holding what
     * was to be sent) is emptied.
     */
    public int gaveUp(long id, String claim, String error, Instant at, String content) {
        Map<String, Object> params = new HashMap<>();
        params.put("error", error);
        params.put("at", at.toEpochMilli());
        return release(id, claim, "last_error = :error, given_up_at = :at, " + content + " = ''", params);
    }
}
