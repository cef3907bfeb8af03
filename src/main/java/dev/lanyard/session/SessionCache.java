package dev.lanyard.session;

import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.account.Account;
import org.springframework.stereotype.Component;

/**
 * The validation cache: token hash → session and account, so a check needs no database read.
 *
 * <p>Ending a session evicts it after the commit. A load that read the row just before the
 * commit could otherwise put the stale, still-active row back; to close that window a load
 * registers the session's id before it checks the list of recently ended ids, and eviction adds
 * to that list before it looks the id up ({@link #evict}).
 */
@Component
class SessionCache {

    /** A cached session. {@code lastActive} moves forward with every request, before any flush. */
    static final class Entry {
        final Session session;
        final Account account;
        final AtomicLong lastActive;
        /** The client address last seen with this session. */
        final java.util.concurrent.atomic.AtomicReference<String> ip;

        Entry(Session session, Account account) {
            this.session = session;
            this.account = account;
            this.lastActive = new AtomicLong(session.lastActiveAt().toEpochMilli());
            this.ip = new java.util.concurrent.atomic.AtomicReference<>(session.ip());
        }
    }

    private final Cache<String, Entry> byHash;
    private final ConcurrentHashMap<SessionId, String> hashes = new ConcurrentHashMap<>();
    private final Cache<SessionId, Boolean> recentlyEnded = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(5)).maximumSize(1_000_000).build();
    private volatile boolean trusted = true;

    SessionCache(SessionSettings settings) {
        this.byHash = Caffeine.newBuilder()
                .maximumSize(settings.cacheSize())
                .expireAfterAccess(Duration.ofMinutes(30))
                .executor(Runnable::run)
                .removalListener((String hash, Entry entry, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                    if (entry != null) hashes.remove(entry.session.id(), hash);
                })
                .build();
    }

    /**
     * The entry for a token hash, loading it with {@code loader} on a miss. While the cache is not
     * trusted (another node's evictions may have been missed) every call loads.
     */
    Optional<Entry> get(String hash, Function<String, Entry> loader) {
        if (!trusted) return Optional.ofNullable(loader.apply(hash));
        return Optional.ofNullable(byHash.get(hash, h -> {
            Entry loaded = loader.apply(h);
            if (loaded == null || !loaded.session.active()) return loaded;
            hashes.put(loaded.session.id(), h);
            // Ended while we were reading: the commit is done, so a second read sees it.
            if (recentlyEnded.getIfPresent(loaded.session.id()) != null) return loader.apply(h);
            return loaded;
        }));
    }

    /** Forgets the sessions, so their next request reads the database. Call after the commit. */
    void evict(Collection<SessionId> ids) {
        for (SessionId id : ids) {
            recentlyEnded.put(id, Boolean.TRUE);
            String hash = hashes.get(id);
            if (hash != null) byHash.invalidate(hash);
        }
    }

    /** Forgets every cached session of the team, so the next check reads its new lifetimes. */
    void evictTeam(dev.lanyard.account.TeamId team) {
        byHash.asMap().entrySet().removeIf(e -> e.getValue().account.team().equals(team));
    }

    /** Drops everything; used when invalidations from other nodes may have been missed. */
    void clear() {
        byHash.invalidateAll();
    }

    /** While untrusted, every check reads the database. */
    void trust(boolean trusted) {
        if (trusted && !this.trusted) clear();
        this.trusted = trusted;
    }

    long size() {
        return byHash.estimatedSize();
    }
}
