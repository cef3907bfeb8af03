package dev.lanyard.audit;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/** Reading the audit log for {@link AuditLog#page} and {@link AuditLog#export}: entries that match a query, by seq range. */
class AuditReads {
    private final AuditStore store;

    AuditReads(AuditStore store) {
        this.store = store;
    }

    /** Entries that match the query, newest first, {@code limit} (1 to {@link AuditLog#MAX_PAGE}) at a time, older than the cursor. */
    AuditLog.Page page(AuditQuery query, int limit, Optional<Long> cursor) {
        int size = Math.max(1, Math.min(limit, AuditLog.MAX_PAGE));
        AuditStore.SeqRange range = range(query);
        if (cursor.isPresent()) range = new AuditStore.SeqRange(range.low(), Math.min(range.high(), cursor.get() - 1));
        List<AuditEntry> rows = store.find(query, range, true, size + 1);
        Optional<Long> next = rows.size() > size ? Optional.of(rows.get(size - 1).seq()) : Optional.empty();
        return new AuditLog.Page(List.copyOf(rows.subList(0, Math.min(size, rows.size()))), next);
    }

    /**
     * Hands every entry that matches the query to {@code sink}, oldest first, reading {@link AuditLog#BATCH}
     * rows per query and holding no connection while the sink writes. Entries appended meanwhile
     * are left out: the export ends at the head as it was when it began.
     */
    void export(AuditQuery query, Consumer<AuditEntry> sink) {
        long head = store.head(query.team()).map(AuditStore.Head::seq).orElse(0L);
        AuditStore.SeqRange range = range(query);
        long low = range.low();
        long high = Math.min(range.high(), head);
        List<AuditEntry> batch;
        do {
            batch = store.find(query, new AuditStore.SeqRange(low, high), false, AuditLog.BATCH);
            batch.forEach(sink);
            if (!batch.isEmpty()) low = batch.get(batch.size() - 1).seq() + 1;
        } while (batch.size() == AuditLog.BATCH);
    }

    /** The seq range that a query's time range covers: one index probe at each end. */
    private AuditStore.SeqRange range(AuditQuery query) {
        long low = 1;
        long high = Long.MAX_VALUE;
        if (query.from().isPresent()) {
            OptionalLong first = store.firstSeqFrom(query.team(), query.from().get());
            if (first.isEmpty()) return new AuditStore.SeqRange(1, 0);
            low = first.getAsLong();
        }
        if (query.to().isPresent()) {
            OptionalLong last = store.lastSeqBefore(query.team(), query.to().get());
            if (last.isEmpty()) return new AuditStore.SeqRange(1, 0);
            high = last.getAsLong();
        }
        return new AuditStore.SeqRange(low, high);
    }
}
