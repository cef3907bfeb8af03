package dev.lanyard.session;

import java.time.Instant;
import java.util.List;

/** Each session's own timeline (PRODUCT.md S3): signed in, new address, new place, renamed, ended. */
interface TimelineStore {

    /** Appends an entry; a detail longer than {@link #MAX_DETAIL} characters is cut. Each call adds one. */
    void add(SessionId id, Instant at, String kind, String detail);

    int MAX_DETAIL = 300;

    /**
     * Appends one entry of {@code kind} and {@code detail} at {@code at} to each of the sessions, in
     * one statement with an array of ids on PostgreSQL, a few on SQLite (one per {@link #ADD_CHUNK}
     * sessions), never one per session. Each call adds one entry per session.
     */
    void addToEach(List<SessionId> ids, Instant at, String kind, String detail);

    /** Entries per statement of {@link #addToEach}. */
    int ADD_CHUNK = 250;

    /** The session's newest {@code limit} entries, oldest first. */
    List<Entry> latest(SessionId id, int limit);

    record Entry(Instant at, String kind, String detail) {
    }
}
