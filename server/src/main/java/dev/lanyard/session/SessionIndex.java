package dev.lanyard.session;

/**
 * The validation cache's id → entry index, so an ending can evict a session by its id (decision
 * 0031). A hash table chained through the entries themselves ({@link CachedSession#nextById}):
 * an entry costs its 4-byte link and a share of a bucket array (≈ 5 bytes), where a
 * {@code ConcurrentHashMap} took a 32-byte node and ≈ 11 bytes of table.
 *
 * <p>Split into segments, each guarded by its own lock; every operation, reads included, takes
 * the lock of one segment for a few field reads, so nothing is seen half-linked. It is not on the
 * check's path: the check finds its entry by token hash; this serves endings and
 * {@code Sessions.current}.
 *
 * <p>Like {@code ConcurrentHashMap.remove(key, value)} it removes entries by identity: a later
 * entry of the same session (a reload) replaces an earlier one, and the earlier one's removal
 * then leaves the later one in place.
 */
final class SessionIndex {
    private static final int SEGMENTS = 64;
    private final Segment[] segments = new Segment[SEGMENTS];

    SessionIndex() {
        for (int i = 0; i < SEGMENTS; i++) segments[i] = new Segment();
    }

    /** Registers {@code entry} under its id, replacing the entry held for that id, if any. */
    void put(CachedSession entry) {
        int h = spread(entry.id.hashCode());
        segments[h & (SEGMENTS - 1)].put(entry, h >>> 6);
    }

    /** Removes {@code entry} if it is the one held for its id. */
    void remove(CachedSession entry) {
        int h = spread(entry.id.hashCode());
        segments[h & (SEGMENTS - 1)].remove(entry, h >>> 6);
    }

    /** The entry held for {@code id}, or null. */
    CachedSession get(SessionId id) {
        int h = spread(id.hashCode());
        return segments[h & (SEGMENTS - 1)].get(id, h >>> 6);
    }

    /** Entries held, summed over the segments (each read under its lock). */
    int size() {
        int n = 0;
        for (Segment s : segments) n += s.size();
        return n;
    }

    private static int spread(int h) {
        return h ^ h >>> 16;
    }

    private static final class Segment {
        private CachedSession[] buckets = new CachedSession[8];
        private int count;

        synchronized void put(CachedSession entry, int h) {
            int i = h & buckets.length - 1;
            CachedSession previous = null;
            for (CachedSession e = buckets[i]; e != null; previous = e, e = e.nextById) {
                if (e.id.equals(entry.id)) {
                    if (e == entry) return;
                    entry.nextById = e.nextById;
                    if (previous == null) buckets[i] = entry;
                    else previous.nextById = entry;
                    e.nextById = null;
                    return;
                }
            }
            entry.nextById = buckets[i];
            buckets[i] = entry;
            if (++count > buckets.length) grow();
        }

        synchronized void remove(CachedSession entry, int h) {
            int i = h & buckets.length - 1;
            CachedSession previous = null;
            for (CachedSession e = buckets[i]; e != null; previous = e, e = e.nextById) {
                if (e == entry) {
                    if (previous == null) buckets[i] = e.nextById;
                    else previous.nextById = e.nextById;
                    e.nextById = null;
                    count--;
                    return;
                }
            }
        }

        synchronized CachedSession get(SessionId id, int h) {
            for (CachedSession e = buckets[h & buckets.length - 1]; e != null; e = e.nextById) {
                if (e.id.equals(id)) return e;
            }
            return null;
        }

        synchronized int size() {
            return count;
        }

        /** Doubles the buckets once there are more entries than buckets. */
        private void grow() {
            CachedSession[] old = buckets;
            CachedSession[] grown = new CachedSession[old.length * 2];
            for (CachedSession head : old) {
                for (CachedSession e = head, next; e != null; e = next) {
                    next = e.nextById;
                    int i = spread(e.id.hashCode()) >>> 6 & grown.length - 1;
                    e.nextById = grown[i];
                    grown[i] = e;
                }
            }
            buckets = grown;
        }
    }
}
