package dev.lanyard.risk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@link SeenStore} in SQL that reads the same on SQLite and PostgreSQL. The lookup is one statement:
 * point reads on the primary key (account, kind, value) and the latest place through
 * {@code risk_seen_latest}; the record is one multi-row upsert.
 */
@Repository
class JdbcSeenStore implements SeenStore {
    static final String LOOKUP = """
            SELECT kind, value, seen_at FROM risk_seen
            WHERE account_id = :account AND ((kind = 'account' AND value = '') OR (kind = 'device' AND value = :device)
                  OR (kind = 'country' AND value = :country) OR (kind = 'address' AND value = :address))
            UNION ALL
            SELECT kind, value, seen_at FROM (
                SELECT kind, value, seen_at FROM risk_seen WHERE account_id = :account AND kind = 'place'
                ORDER BY seen_at DESC LIMIT 1) latest""";

    private final JdbcClient jdbc;

    JdbcSeenStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Seen lookup(AccountId account, Sighting now) {
        record Row(String kind, String value, long at) {
        }
        List<Row> rows = jdbc.sql(LOOKUP)
                .param("account", account.value())
                .param("device", now.device())
                .param("country", now.country())
                .param("address", now.address())
                .query((rs, n) -> new Row(rs.getString("kind"), rs.getString("value"), rs.getLong("seen_at")))
                .list();
        boolean assessed = false, device = false, country = false, address = false;
        Optional<LastPlace> place = Optional.empty();
        for (Row r : rows) {
            switch (r.kind()) {
                case "account" -> assessed = true;
                case "device" -> device = !now.device().isEmpty();
                case "country" -> country = !now.country().isEmpty();
                case "address" -> address = !now.address().isEmpty();
                case "place" -> place = Sighting.Place.parse(r.value()).map(p -> new LastPlace(p, Instant.ofEpochMilli(r.at())));
                default -> {
                }
            }
        }
        return new Seen(assessed, device, country, address, place);
    }

    @Override
    public void record(AccountId account, Sighting now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"account", ""});
        if (!now.device().isEmpty()) rows.add(new String[] {"device", now.device()});
        if (!now.country().isEmpty()) rows.add(new String[] {"country", now.country()});
        if (!now.address().isEmpty()) rows.add(new String[] {"address", now.address()});
        now.place().ifPresent(p -> rows.add(new String[] {"place", p.key()}));
        StringBuilder sql = new StringBuilder("INSERT INTO risk_seen (account_id, kind, value, seen_at) VALUES ");
        for (int i = 0; i < rows.size(); i++) {
            if (i > 0) sql.append(", ");
            sql.append("(:account, :kind").append(i).append(", :value").append(i).append(", :at)");
        }
        sql.append(" ON CONFLICT (account_id, kind, value) DO UPDATE SET seen_at = CASE WHEN excluded.seen_at > risk_seen.seen_at"
                + " THEN excluded.seen_at ELSE risk_seen.seen_at END");
        var spec = jdbc.sql(sql.toString()).param("account", account.value()).param("at", now.at().toEpochMilli());
        for (int i = 0; i < rows.size(); i++) {
            spec = spec.param("kind" + i, rows.get(i)[0]).param("value" + i, rows.get(i)[1]);
        }
        spec.update();
    }

    @Override
    public List<Remembered> remembered(AccountId account, Optional<Remembered> after, int limit) {
        // By the primary key (account_id, kind, value): each page starts where the last ended.
        return jdbc.sql("""
                        SELECT kind, value, seen_at FROM risk_seen
                        WHERE account_id = :account AND (kind > :kind OR (kind = :kind AND value > :value))
                        ORDER BY kind, value LIMIT :limit""")
                .param("account", account.value())
                .param("kind", after.map(Remembered::kind).orElse(""))
                .param("value", after.map(Remembered::value).orElse(""))
                .param("limit", limit)
                .query((rs, n) -> new Remembered(rs.getString("kind"), rs.getString("value"), Instant.ofEpochMilli(rs.getLong("seen_at"))))
                .list();
    }

    @Override
    public int forgetAddresses(Instant before, int limit) {
        // In batches: the first run after an upgrade may find every address an account ever used, and
        // SQLite holds its one write lock for as long as a statement runs.
        return jdbc.sql("""
                        DELETE FROM risk_seen WHERE kind = 'address' AND (account_id, value) IN (
                            SELECT account_id, value FROM risk_seen WHERE kind = 'address' AND seen_at < :before LIMIT :limit)""")
                .param("before", before.toEpochMilli())
                .param("limit", limit)
                .update();
    }

    @Override
    public int forget(AccountId account) {
        return jdbc.sql("DELETE FROM risk_seen WHERE account_id = :account").param("account", account.value()).update();
    }
}
