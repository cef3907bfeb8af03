package dev.lanyard.session;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;
import org.springframework.stereotype.Component;

/**
 * The validation cache: token hash → what a check needs of the session and its account, so a
 * check needs no database read, and neither does a request for the current session once it has
 * been shown ({@link CachedSession#now}). Entries are kept small (decision 0031): the hash as 32 bytes,
 * one shared account per member, places shared, the row a page shows only when one is asked for.
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

    private final Cache<TokenHashKey, CachedSession> byHash;
    /**
     * One instance of each account among the cached sessions, so ten sessions of a member hold
     * one account, not ten copies. A newer load that reads a different account (a role changed)
     * replaces it for the entries loaded from then on; older entries are stale by then.
     */
    private final Cache<AccountId, Account> accounts;
    /** Places shared by the entries (a bounded set: past it, an entry keeps its own copy). */
    private final Cache<Object, Object> shared = Caffeine.newBuilder().maximumSize(10_000).build();
    /** The entry of each cached active session, by id, so it can be evicted by id. */
    private final SessionIndex byId = new SessionIndex();
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
    private final Clock clock;
    /** {@link Clock#millis()} when the cache began; entries note their load in seconds since. */
    private final long began;
    /** {@code cache-refresh}, rounded up to whole seconds. */
    private final long refreshSeconds;
    /** The change number of the last {@link #clear}: anything loaded before it is read again. */
    private volatile long cleared = -1;

    SessionCache(SessionSettings settings, Clock clock) {
        this.byHash = Caffeine.newBuilder()
                // No expiry of Caffeine's own (it costs 24 bytes an entry): the refresh is the entry's (stale()).
                .maximumSize(settings.cacheSize())
                .executor(Runnable::run)
                // Only this entry: a reload of the same session may have registered already.
                .removalListener((TokenHashKey key, CachedSession entry, RemovalCause cause) -> {
                    if (entry != null) byId.remove(entry);
                })
                .build();
        this.accounts = Caffeine.newBuilder().maximumSize(settings.cacheSize()).executor(Runnable::run).build();
        this.clock = clock;
        this.began = clock.millis();
        this.refreshSeconds = Math.max(1, (settings.cacheRefresh().toMillis() + 999) / 1000);
    }

    /** Whole seconds since the cache began, by the domain clock (so tests that move it see entries refreshed). */
    private int seconds() {
        return (int) Math.min(Integer.MAX_VALUE, Math.floorDiv(clock.millis() - began, 1000L));
    }

    /**
     * The entry for a token hash, loading it with {@code loader} on a miss. While the cache is not
     * trusted (another node's evictions may have been missed) every call loads.
     */
    Optional<CachedSession> get(String hash, Function<String, CachedSession> loader) {
        Optional<TokenHashKey> key = TokenHashKey.of(hash);
        if (key.isEmpty()) return Optional.empty(); // no stored hash looks like this
        if (!trusted()) return Optional.ofNullable(loader.apply(hash));
        CachedSession entry = byHash.get(key.get(), k -> load(k, hash, loader));
        if (entry != null && stale(entry)) {
            byHash.asMap().remove(key.get(), entry);
            entry = byHash.get(key.get(), k -> load(k, hash, loader));
        }
        return Optional.ofNullable(entry);
    }

    private CachedSession load(TokenHashKey key, String hash, Function<String, CachedSession> loader) {
        long before = changes.get();
        CachedSession loaded = register(loader.apply(hash), key, before);
        // Changed while we were reading: the commit is done, so a second read sees it.
        if (loaded != null && loaded.active() && changedAfter(sessionChanged.getIfPresent(loaded.id), before)) {
            return register(loader.apply(hash), key, before);
        }
        return loaded;
    }

    private CachedSession register(CachedSession loaded, TokenHashKey key, long before) {
        if (loaded == null) return null;
        loaded.key = key;
        loaded.loadedAfter = before;
        loaded.loadedAt = seconds();
        Account read = loaded.account;
        if (!loaded.downgraded) loaded.account = accounts.asMap().compute(read.id(), (id, held) -> read.equals(held) ? held : withSharedTeam(read));
        loaded.shareLocation(this::share);
        if (loaded.active()) byId.put(loaded);
        return loaded;
    }

    /** The account with its team's id shared with the other accounts of the team (each row read makes its own). */
    private Account withSharedTeam(Account account) {
        TeamId team = share(account.team());
        return team == account.team() ? account
                : new Account(account.id(), team, account.email(), account.name(), account.role(), account.createdAt());
    }

    @SuppressWarnings("unchecked")
    private <T> T share(T value) {
        return (T) shared.get(value, v -> v);
    }

    /** Loaded {@code cache-refresh} ago or longer, before the last change of its team, or before the cache was last cleared. */
    private boolean stale(CachedSession entry) {
        return entry.loadedAfter < cleared || seconds() - entry.loadedAt >= refreshSeconds
                || changedAfter(teamChanged.get(entry.account.team()), entry.loadedAfter);
    }

    private static boolean changedAfter(Long change, long loadedAfter) {
        return change != null && change > loadedAfter;
    }

    /** The cached entry of an active session, if this node holds a trustworthy one; never loads. */
    Optional<CachedSession> cached(SessionId id) {
        if (!trusted()) return Optional.empty();
        CachedSession registered = byId.get(id);
        if (registered == null || byHash.getIfPresent(registered.key) != registered || stale(registered)) return Optional.empty();
        return Optional.of(registered);
    }

    /**
     * The session of {@code entry} as this node knows it now ({@link CachedSession#now}); the first call
     * after a load reads the row with {@code read} and keeps it with its device, user agent and
     * place shared with other entries.
     */
    Session now(CachedSession entry, Supplier<Session> read) {
        return entry.now(() -> shared(entry, read.get()));
    }

    private Session shared(CachedSession entry, Session row) {
        AccountId owner = row.account().equals(entry.account.id()) ? entry.account.id() : row.account();
        Session.Activity activity = row.activity();
        return new Session(entry.id.equals(row.id()) ? entry.id : row.id(), owner, share(row.name()), row.appType(),
                row.rememberMe(), row.verified(), row.alerts(), share(row.device()), share(row.userAgent()), row.ip(),
                share(row.location()), row.createdAt(), row.lastActiveAt(), share(row.idleTimeout()), row.expiresAt(),
                new Session.Activity(activity.signIns(), activity.requests(), activity.pages(), share(activity.lastPage())),
                row.ending(), row.apiKey(), row.flags(), row.boundUntil());
    }

    /** Forgets the sessions, so their next request reads the database. Call after the commit. */
    void evict(Collection<SessionId> ids) {
        for (SessionId id : ids) {
            sessionChanged.put(id, changes.incrementAndGet());
            CachedSession registered = byId.get(id);
            if (registered != null) byHash.invalidate(registered.key);
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
        alsoCleared.forEach(Runnable::run);
    }

    /** What else must be dropped whenever this cache is ({@link NodeCaches}): it misses the same notifications. */
    private final java.util.List<Runnable> alsoCleared = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Runs {@code clear} each time this cache is cleared, on the thread that clears it. */
    void alsoClear(Runnable clear) {
        alsoCleared.add(clear);
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
