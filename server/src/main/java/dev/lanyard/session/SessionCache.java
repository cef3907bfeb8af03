package dev.lanyard.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Role;
import dev.lanyard.account.TeamId;
import dev.lanyard.geo.GeoLocation;
import org.springframework.stereotype.Component;

/**
 * The validation cache: token hash → what a check needs of the session and its account, so a
 * check needs no database read, and neither does a request for the current session once it has
 * been shown ({@link Entry#now}). Entries are kept small (decision 0031): the hash as 32 bytes,
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

    /**
     * A cached session, cut to what a check needs (decision 0031): its id, the account it acts as
     * (one shared instance per account), its end if it has ended, its lifetimes, last activity,
     * the address it was last seen from, and an API key's scopes. About 300 bytes with the cache's
     * own bookkeeping, where the whole row and a copy of the account took 2,000.
     *
     * <p>What a page shows of the session ({@link #now}) is read from the database the first time
     * it is asked for after a load, and kept on the entry from then on with this node's requests
     * counted on top, so an entry costs that only for sessions whose holder asks.
     */
    static final class Entry {
        private static final VarHandle LAST_ACTIVE;
        private static final VarHandle MOVED;
        private static final VarHandle DISPLAY;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                LAST_ACTIVE = lookup.findVarHandle(Entry.class, "lastActive", long.class);
                MOVED = lookup.findVarHandle(Entry.class, "moved", AddressChanges.Address.class);
                DISPLAY = lookup.findVarHandle(Entry.class, "display", Display.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private static final AppType[] APP_TYPES = AppType.values();
        private static final EndReason[] END_REASONS = EndReason.values();

        final SessionId id;
        /** Present for an API key: its scopes. */
        final Optional<Set<String>> keyScopes;
        /** {@link AppType#ordinal()}. */
        private final byte appType;
        /** {@link EndReason#ordinal()} of why the session ended, or -1 while it is active. */
        private final byte ended;
        /** Whether {@link #account} is a key's view of its admin owner as a member, rather than the owner's account. */
        private final boolean downgraded;
        /** Epoch milliseconds. */
        private final long expiresAt;
        /** Milliseconds; 0: no idle timeout. */
        private final long idleTimeout;
        /** Epoch milliseconds of the last request known here; only moves forward. */
        private volatile long lastActive;
        /** The address as loaded: packed into {@link #loadedIpv4} when it is a dotted IPv4 address, else here. */
        private final String loadedIp;
        private final int loadedIpv4;
        private GeoLocation loadedLocation;
        /** The address last seen with the session once it differs from the loaded one; null until then. */
        private volatile AddressChanges.Address moved;
        /** What pages show, once asked for ({@link #now}). */
        private volatile Display display;
        /**
         * The account as the request acts: an admin's key without the {@code admin} scope acts as a member.
         * Replaced once by the cache, before the entry is published, with the instance it shares.
         */
        private Account account;
        /**
         * Written once by the cache, before the entry is published: its key, the change counter when the
         * load began, and when it was loaded (seconds since the cache began).
         */
        private Key key;
        private long loadedAfter;
        private int loadedAt;

        Entry(Session session, Account account) {
            this(session, account, Optional.empty());
        }

        Entry(Session session, Account account, Optional<Set<String>> keyScopes) {
            this.id = session.id();
            this.appType = (byte) session.appType().ordinal();
            this.keyScopes = keyScopes.map(Set::copyOf);
            this.ended = (byte) session.ending().map(e -> e.reason().ordinal()).orElse(-1).intValue();
            this.expiresAt = session.expiresAt().toEpochMilli();
            this.idleTimeout = session.idleTimeout().toMillis();
            this.lastActive = session.lastActiveAt().toEpochMilli();
            int packed = Ipv4.pack(session.ip());
            this.loadedIpv4 = packed;
            this.loadedIp = packed == Ipv4.NONE ? (session.ip().isEmpty() ? "" : session.ip()) : null;
            this.loadedLocation = session.location();
            this.downgraded = this.keyScopes.isPresent() && account.role() == Role.ADMIN
                    && !this.keyScopes.get().contains(ADMIN_SCOPE);
            this.account = downgraded
                    ? new Account(account.id(), account.team(), account.email(), account.name(), Role.MEMBER, account.createdAt())
                    : account;
        }

        /** The account as the request acts (see {@link CurrentSession}). */
        Account account() {
            return account;
        }

        AppType appType() {
            return APP_TYPES[appType];
        }

        /** Why the session had ended when it was loaded, if it had. */
        Optional<EndReason> ended() {
            return ended < 0 ? Optional.empty() : Optional.of(END_REASONS[ended]);
        }

        boolean active() {
            return ended < 0;
        }

        /** Why the session is no longer usable at {@code now} (epoch ms), as {@link Session#expiry(Instant)} says. */
        Optional<EndReason> expiry(long now) {
            if (now >= expiresAt) return Optional.of(EndReason.LIFETIME_EXPIRED);
            if (idleTimeout != 0 && now >= lastActive + idleTimeout) return Optional.of(EndReason.IDLE_EXPIRED);
            return Optional.empty();
        }

        Instant lastActive() {
            return Instant.ofEpochMilli(lastActive);
        }

        /** Counts one request made at {@code at}; {@code page} is the path of a page view. */
        void used(Instant at, Optional<String> page) {
            long millis = at.toEpochMilli();
            for (long seen = lastActive; millis > seen; seen = lastActive) {
                if (LAST_ACTIVE.compareAndSet(this, seen, millis)) break;
            }
            Display shown = display;
            if (shown != null) shown.used(page);
        }

        /** Whether {@code ip} is the address the session was last seen from. */
        boolean seenFrom(String ip) {
            AddressChanges.Address at = moved;
            if (at != null) return at.ip().equals(ip);
            return loadedIp != null ? loadedIp.equals(ip) : Ipv4.is(ip, loadedIpv4);
        }

        /** The address the session was last seen from, and its place. */
        AddressChanges.Address seen() {
            AddressChanges.Address at = moved;
            return at != null ? at : new AddressChanges.Address(loadedIp != null ? loadedIp : Ipv4.format(loadedIpv4), loadedLocation);
        }

        /**
         * Records that the session is now used from {@code to}, if it was still last seen from
         * {@code from} (as {@link #seen} returned it); returns whether this call made the move.
         */
        boolean move(AddressChanges.Address from, AddressChanges.Address to) {
            AddressChanges.Address at = moved;
            if (at == null ? !from.equals(seen()) : at != from) return false;
            return MOVED.compareAndSet(this, at, to);
        }

        /**
         * The session as this node knows it now. The first call after a load reads the row with
         * {@code read} (its unwritten activity included) and keeps it; later calls add this node's
         * requests since to it, and the latest activity and address, without reading.
         */
        Session now(Supplier<Session> read) {
            Display shown = display;
            if (shown == null) {
                Session row = read.get();
                if (!row.active()) return row;
                shown = new Display(row);
                if (!DISPLAY.compareAndSet(this, null, shown)) shown = display;
            }
            return shown.now(Math.max(lastActive, shown.row.lastActiveAt().toEpochMilli()), seen());
        }

        /** Whether {@link #now} would read. */
        boolean shown() {
            return display != null;
        }
    }

    /** The row a page shows, as read once for an entry, and this node's requests since. */
    private static final class Display {
        private static final VarHandle REQUESTS;
        private static final VarHandle PAGES;

        static {
            try {
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                REQUESTS = lookup.findVarHandle(Display.class, "requests", long.class);
                PAGES = lookup.findVarHandle(Display.class, "pages", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final Session row;
        private volatile long requests;
        private volatile long pages;
        private volatile String lastPage = "";

        Display(Session row) {
            this.row = row;
        }

        void used(Optional<String> page) {
            REQUESTS.getAndAdd(this, 1L);
            if (page.isPresent()) {
                PAGES.getAndAdd(this, 1L);
                lastPage = page.get();
            }
        }

        Session now(long lastActive, AddressChanges.Address at) {
            Session.Activity read = row.activity();
            String page = lastPage;
            return row.movedTo(at.ip(), at.location()).withActivity(Instant.ofEpochMilli(lastActive),
                    new Session.Activity(read.signIns(), read.requests() + requests, read.pages() + pages,
                            page.isEmpty() ? read.lastPage() : page));
        }
    }

    /** A token hash, the 32 bytes of a SHA-256 held as four longs: 48 bytes where its hex string takes 104. */
    record Key(long a, long b, long c, long d) {
        /** The key of a hash in lower-case hex, as {@link SessionToken#hash} writes it; empty for anything else. */
        static Optional<Key> of(String hex) {
            if (hex == null || hex.length() != 64) return Optional.empty();
            for (int i = 0; i < 64; i++) {
                char c = hex.charAt(i);
                if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) return Optional.empty();
            }
            return Optional.of(new Key(HexFormat.fromHexDigitsToLong(hex, 0, 16), HexFormat.fromHexDigitsToLong(hex, 16, 32),
                    HexFormat.fromHexDigitsToLong(hex, 32, 48), HexFormat.fromHexDigitsToLong(hex, 48, 64)));
        }
    }

    /** Dotted IPv4 addresses packed into an int; anything else (IPv6, empty) is not packed. */
    static final class Ipv4 {
        /** Not packed; 0.0.0.0 is never a client's address, so it cannot be confused with one. */
        static final int NONE = 0;

        private Ipv4() {
        }

        /** The address packed, or {@link #NONE} when {@code ip} is not written as four decimal octets without leading zeros. */
        static int pack(String ip) {
            int n = ip.length();
            if (n < 7 || n > 15) return NONE;
            int packed = 0, octet = 0, digits = 0, dots = 0;
            for (int i = 0; i < n; i++) {
                char c = ip.charAt(i);
                if (c == '.') {
                    if (digits == 0 || ++dots > 3) return NONE;
                    packed = packed << 8 | octet;
                    octet = 0;
                    digits = 0;
                } else if (c >= '0' && c <= '9') {
                    if (digits > 0 && octet == 0) return NONE; // a leading zero: "01" would not read back the same
                    octet = octet * 10 + (c - '0');
                    if (++digits > 3 || octet > 255) return NONE;
                } else {
                    return NONE;
                }
            }
            if (dots != 3 || digits == 0) return NONE;
            packed = packed << 8 | octet;
            return packed == NONE ? NONE : packed;
        }

        /** Whether {@code ip} is written exactly as {@link #format} writes {@code packed}. */
        static boolean is(String ip, int packed) {
            return packed != NONE && pack(ip) == packed;
        }

        static String format(int packed) {
            return (packed >>> 24) + "." + (packed >>> 16 & 255) + "." + (packed >>> 8 & 255) + "." + (packed & 255);
        }
    }

    private final Cache<Key, Entry> byHash;
    /**
     * One instance of each account among the cached sessions, so ten sessions of a member hold
     * one account, not ten copies. A newer load that reads a different account (a role changed)
     * replaces it for the entries loaded from then on; older entries are stale by then.
     */
    private final Cache<AccountId, Account> accounts;
    /** Places shared by the entries (a bounded set: past it, an entry keeps its own copy). */
    private final Cache<Object, Object> shared = Caffeine.newBuilder().maximumSize(10_000).build();
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
                .removalListener((Key key, Entry entry, RemovalCause cause) -> {
                    if (entry != null) byId.remove(entry.id, entry);
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
    Optional<Entry> get(String hash, Function<String, Entry> loader) {
        Optional<Key> key = Key.of(hash);
        if (key.isEmpty()) return Optional.empty(); // no stored hash looks like this
        if (!trusted()) return Optional.ofNullable(loader.apply(hash));
        Entry entry = byHash.get(key.get(), k -> load(k, hash, loader));
        if (entry != null && stale(entry)) {
            byHash.asMap().remove(key.get(), entry);
            entry = byHash.get(key.get(), k -> load(k, hash, loader));
        }
        return Optional.ofNullable(entry);
    }

    private Entry load(Key key, String hash, Function<String, Entry> loader) {
        long before = changes.get();
        Entry loaded = register(loader.apply(hash), key, before);
        // Changed while we were reading: the commit is done, so a second read sees it.
        if (loaded != null && loaded.active() && changedAfter(sessionChanged.getIfPresent(loaded.id), before)) {
            return register(loader.apply(hash), key, before);
        }
        return loaded;
    }

    private Entry register(Entry loaded, Key key, long before) {
        if (loaded == null) return null;
        loaded.key = key;
        loaded.loadedAfter = before;
        loaded.loadedAt = seconds();
        Account read = loaded.account;
        if (!loaded.downgraded) loaded.account = accounts.asMap().compute(read.id(), (id, held) -> read.equals(held) ? held : read);
        loaded.loadedLocation = share(loaded.loadedLocation);
        if (loaded.active()) byId.put(loaded.id, loaded);
        return loaded;
    }

    @SuppressWarnings("unchecked")
    private <T> T share(T value) {
        return (T) shared.get(value, v -> v);
    }

    /** Loaded {@code cache-refresh} ago or longer, before the last change of its team, or before the cache was last cleared. */
    private boolean stale(Entry entry) {
        return entry.loadedAfter < cleared || seconds() - entry.loadedAt >= refreshSeconds
                || changedAfter(teamChanged.get(entry.account.team()), entry.loadedAfter);
    }

    private static boolean changedAfter(Long change, long loadedAfter) {
        return change != null && change > loadedAfter;
    }

    /** The cached entry of an active session, if this node holds a trustworthy one; never loads. */
    Optional<Entry> cached(SessionId id) {
        if (!trusted()) return Optional.empty();
        Entry registered = byId.get(id);
        if (registered == null || byHash.getIfPresent(registered.key) != registered || stale(registered)) return Optional.empty();
        return Optional.of(registered);
    }

    /**
     * The session of {@code entry} as this node knows it now ({@link Entry#now}); the first call
     * after a load reads the row with {@code read} and keeps it with its device, user agent and
     * place shared with other entries.
     */
    Session now(Entry entry, Supplier<Session> read) {
        return entry.now(() -> shared(entry, read.get()));
    }

    private Session shared(Entry entry, Session row) {
        AccountId owner = row.account().equals(entry.account.id()) ? entry.account.id() : row.account();
        Session.Activity activity = row.activity();
        return new Session(entry.id.equals(row.id()) ? entry.id : row.id(), owner, share(row.name()), row.appType(),
                row.rememberMe(), row.verified(), row.alerts(), share(row.device()), share(row.userAgent()), row.ip(),
                share(row.location()), row.createdAt(), row.lastActiveAt(), share(row.idleTimeout()), row.expiresAt(),
                new Session.Activity(activity.signIns(), activity.requests(), activity.pages(), share(activity.lastPage())),
                row.ending(), row.apiKey(), row.flags());
    }

    /** Forgets the sessions, so their next request reads the database. Call after the commit. */
    void evict(Collection<SessionId> ids) {
        for (SessionId id : ids) {
            sessionChanged.put(id, changes.incrementAndGet());
            Entry registered = byId.get(id);
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
