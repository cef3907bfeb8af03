package dev.lanyard.session;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Each session's own timeline (PRODUCT.md S3): signed in, new address, new place, verified, renamed.
 * How a session ended is on its own row, not here ({@link Timeline}).
 */
interface TimelineStore {

    /** Appends an entry; a detail longer than {@link #MAX_DETAIL} characters is cut. Each call adds one. */
    void add(SessionId id, Instant at, String kind, String detail);

    int MAX_DETAIL = 300;

    /** The session's newest {@code limit} entries, oldest first. */
    List<Entry> latest(SessionId id, int limit);

    /**
     * Every entry of each of these sessions, oldest first, read in one query (the data export reads a page of
     * sessions at a time); a session without entries is not in the map.
     */
    Map<SessionId, List<Entry>> all(Collection<SessionId> ids);

    record Entry(Instant at, String kind, String detail) {
    }
}
