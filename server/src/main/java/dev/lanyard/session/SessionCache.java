package dev.lanyard.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.lanyard.account.Account;
import dev.lanyard.account.TeamId;
import org.springframework.stereotype.Component;

/**
 * The validation cache: token hash → session and account, so a check needs no database read,
 * and neither does a request for the current session ({@link Entry#now()}).
 *
 * <p>Ending or changing a session, or changing its team (policy, a role), evicts after the
 * commit. A load that read the row just before the commit could otherwise put the stale row
 * back. To close that window every change takes a number from one counter, and every load notes
 * the counter before it reads: a load older than the last change of its session re-reads (a
 * session's change also looks the id up and evicts, which covers a load that has not checked
 * yet), and an entry older than the last change of its team is read again on its next use.
 *
 * <p>A new cache is not trusted: every check reads the database until {@link SessionBroadcast}
 * is listening for the other nodes' endings ({@link #trust}).
 *
 * <p>An entry is read again after {@code cache-refresh} in any case, so activity recorded on
 * other nodes shows here within that time.
 */
@Component
class SessionCache {
    /** The scope that lets an admin's API key act as an admin. */
    static final String ADMIN_SCOPE = "admin";

    /**
     * A cached session: the row as loaded, and what this node's requests did to it since. Every
     * counter only moves forward, before any flush.
     */
    static final class Entry {
        final Session session;
        final Account account;
        final AtomicLong lastActive;
        /** The client address last seen with this session, and its place. */
        final AtomicReference<AddressChanges.Address> address;
        private final AtomicLong requests = new AtomicLong();
        private final AtomicLong pages = new AtomicLong();
        private volatile String lastPage = "";
        /** Written once by the cache, before the entry is published: its key, and the change counter when the load began. */
        private String hash;
        private long loadedAfter;

        /** Present for an API key: its scopes. */
        final java.util.Optional<java.util.Set<String>> keyScopes;
        /** The account as the request acts: an admin's key without the {@code admin} scope acts as a member. */
        final Account acting;

        Entry(Session session, Account account) {
            this(session, account, java.util.Optional.empty());
        }

        Entry(Session session, Account account, java.util.Optional<java.util.Set<String>> keyScopes) {
            this.session = session;
            this.account = account;
            this.keyScopes = keyScopes.map(java.util.Set::copyOf);
            this.acting = keyScopes.isPresent() && account.role() == dev.lanyard.account.Role.ADMIN
                    && !keyScopes.get().contains(ADMIN_SCOPE)
                    ? new Account(account.id(), account.team(), account.email(), account.name(),
                    dev.lanyard.account.Role.MEMBER, account.createdAt())
                    : account;
            this.lastActive = new AtomicLong(session.lastActiveAt().toEpochMilli());
            this.address = new AtomicReference<>(new AddressChanges.Address(session.ip(), session.location()));
        }

        /** Counts one request made at {@code at}; {@code page} is the path of a page view. */
        void used(Instant at, Optional<String> page) {
            lastActive.accumulateAndGet(at.toEpochMilli(), Math::max);
            requests.incrementAndGet();
            if (page.isPresent()) {
                pages.incrementAndGet();
                lastPage = page.get();
            }
        }

        /** The session as this node knows it now: the loaded row with every request and move seen since. */
        Session now() {
            AddressChanges.Address at = address.get();
            Session.Activity loaded = session.activity();
            String page = lastPage;
            return session.movedTo(at.ip(), at.location()).withActivity(Instant.ofEpochMilli(lastActive.get()),
                    new Session.Activity(loaded.signIns(), loaded.requests() + requests.get(),
                            loaded.pages() + pages.get(), page.isEmpty() ? loaded.lastPage() : page));
        }
    }

    private final Cache<String, Entry> byHash;
    /** The entry of each cached active session, by id, so it can be evicted by id. */
    private final ConcurrentHashMap<SessionId, Entry> byId = new ConcurrentHashMap<>();
    /** Counts changes; each changed session (for a while) and each changed team keeps the number of its last one. */
    private final AtomicLong changes = new AtomicLong();
    private final Cache<SessionId, Long> sessionChanged = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofMinutes(5)).maximumSize(1_000_000).build();
    private final ConcurrentHashMap<TeamId, Long> teamChanged = new ConcurrentHashMap<>();
    /** Not until {@link SessionBroadcast} says this node hears the others (or is alone). */
    private volatile boolean trusted = false;
    /**
     * Until when ({@link System#nanoTime()}) the trust holds: the lease {@link SessionBroadcast}
     * renews while it listens. Other nodes wait for this node's acknowledgement of an ending only
     * while its lease lasts, so past it this node must not serve from the cache.
     */
    private volatile long trustedUntil = System.nanoTime();
    /** The change number of the last {@link #clear}: anything loaded before it is read again. */
    private volatile long cleared = -1;

    SessionCache(SessionSettings settings, Clock clock) {
        this.byHash = Caffeine.newBuilder()
                .maximumSize(settings.cacheSize())
                .expireAfterAccess(Duration.ofMinutes(30))
                .expireAfterWrite(settings.cacheRefresh())
                // Domain time, so that tests which move the clock see entries expire as production does.
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .executor(Runnable::run)
                // Only this entry: a reload of the same session may have registered already.
                .removalListener((String hash, Entry entry, RemovalCause cause) -> {
                    if (entry != null) byId.remove(entry.session.id(), entry);
                })
                .build();
    }

    /**
     * The entry for a token hash, loading it with {@code loader} on a miss. While the cache is not
     * trusted (another node's evictions may have been missed) every call loads.
     */
    Optional<Entry> get(String hash, Function<String, Entry> loader) {
        if (!trusted()) return Optional.ofNullable(loader.apply(hash));
        Entry entry = byHash.get(hash, h -> load(h, loader));
        if (entry != null && stale(entry)) {
            byHash.asMap().remove(hash, entry);
            entry = byHash.get(hash, h -> load(h, loader));
        }
        return Optional.ofNullable(entry);
    }

    private Entry load(String hash, Function<String, Entry> loader) {
        long before = changes.get();
        Entry loaded = register(loader.apply(hash), hash, before);
        // Changed while we were reading: the commit is done, so a second read sees it.
        if (loaded != null && loaded.session.active() && changedAfter(sessionChanged.getIfPresent(loaded.session.id()), before)) {
            return register(loader.apply(hash), hash, before);
        }
        return loaded;
    }

    private Entry register(Entry loaded, String hash, long before) {
        if (loaded == null) return null;
        loaded.hash = hash;
        loaded.loadedAfter = before;
        if (loaded.session.active()) byId.put(loaded.session.id(), loaded);
        return loaded;
    }

    /** Loaded before the last change of its team, or before the cache was last cleared. */
    private boolean stale(Entry entry) {
        return entry.loadedAfter < cleared || changedAfter(teamChanged.get(entry.account.team()), entry.loadedAfter);
    }

    private static boolean changedAfter(Long change, long loadedAfter) {
        return change != null && change > loadedAfter;
    }

    /** The cached entry of an active session, if this node holds a trustworthy one; never loads. */
    Optional<Entry> cached(SessionId id) {
        if (!trusted()) return Optional.empty();
        Entry registered = byId.get(id);
        if (registered == null || byHash.getIfPresent(registered.hash) != registered || stale(registered)) return Optional.empty();
        return Optional.of(registered);
    }

    /** Forgets the sessions, so their next request reads the database. Call after the commit. */
    void evict(Collection<SessionId> ids) {
        for (SessionId id : ids) {
            sessionChanged.put(id, changes.incrementAndGet());
            Entry registered = byId.get(id);
            if (registered != null) byHash.invalidate(registered.hash);
        }
    }

    /** Makes every cached session of the team stale, so its next check reads new lifetimes and roles. Call after the commit. */
    void evictTeam(TeamId team) {
        teamChanged.put(team, changes.incrementAndGet());
    }

    /**
     * Drops everything; used when invalidations from other nodes may have been missed. A load
     * that began before and ends after is not kept either: its entry counts as stale.
     */
    void clear() {
        cleared = changes.incrementAndGet();
        byHash.invalidateAll();
    }

    /** While untrusted, every check reads the database. Trust given this way does not lapse (one node, or tests). */
    void trust(boolean trusted) {
        if (trusted) trustUntil(System.nanoTime() + FOREVER);
        else this.trusted = false;
    }

    /** About a century: a lease that does not run out. */
    private static final long FOREVER = Long.MAX_VALUE / 2;

    /**
     * Trusts the cache until {@code deadline} ({@link System#nanoTime()}); clears it first when it
     * was not trusted a moment ago (untrusted, or its last lease ran out), since endings may have
     * been missed meanwhile.
     */
    void trustUntil(long deadline) {
        if (!trusted()) clear();
        trustedUntil = deadline;
        trusted = true;
    }

    boolean trusted() {
        return trusted && System.nanoTime() - trustedUntil < 0;
    }

    long size() {
        return byHash.estimatedSize();
    }
}
