package dev.lanyard.session;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.lanyard.account.Account;
import dev.lanyard.account.Role;
import dev.lanyard.geo.GeoLocation;

/**
 * A cached session, cut to what a check needs (decision 0031): its id, the account it acts as
 * (one shared instance per account), its end if it has ended, its lifetimes, last activity,
 * the address it was last seen from, and an API key's scopes ({@link Key}): 80 bytes, under 300
 * with the cache's own bookkeeping ({@code bench/cache-memory.sh}), where the whole row and a copy
 * of the account took 2,008.
 *
 * <p>What a page shows of the session ({@link #now}) is read from the database the first time
 * it is asked for after a load, and kept on the entry from then on with this node's requests
 * counted on top, so an entry costs that only for sessions whose holder asks.
 */
class CachedSession {
    private static final VarHandle LAST_ACTIVE;
    private static final VarHandle MOVED;
    private static final VarHandle DISPLAY;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            LAST_ACTIVE = lookup.findVarHandle(CachedSession.class, "lastActive", long.class);
            MOVED = lookup.findVarHandle(CachedSession.class, "moved", AddressChanges.Address.class);
            DISPLAY = lookup.findVarHandle(CachedSession.class, "display", Display.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final AppType[] APP_TYPES = AppType.values();
    private static final EndReason[] END_REASONS = EndReason.values();

    /** The session's id, in its compact form ({@link SessionId}). */
    final SessionId id;
    /** {@link AppType#ordinal()}. */
    private final byte appType;
    /** {@link EndReason#ordinal()} of why the session ended, or -1 while it is active. */
    final byte ended;
    /** Whether {@link #account} is a key's view of its admin owner as a member, rather than the owner's account. */
    final boolean downgraded;
    /** Epoch milliseconds. */
    private final long expiresAt;
    /** A device-bound session's cookie is refused from this epoch millisecond on (PRODUCT.md V6); 0: not bound. */
    private final long boundUntil;
    /** The idle timeout: whole seconds when {@code >= 0} (0: none), else minus its milliseconds ({@link #idleMillis}). */
    private final int idle;
    /** Epoch milliseconds of the last request known here; only moves forward. */
    private volatile long lastActive;
    /** The address as loaded, packed, when it is a dotted IPv4 address; else {@link PackedIpv4#NONE} and {@link #moved} holds it. */
    private final int loadedIpv4;
    /** The place of the loaded address (shared by the cache), when {@link #loadedIpv4} holds it. */
    private GeoLocation loadedLocation;
    /**
     * The address last seen with the session once it differs from the loaded packed one; from the
     * start, the loaded address when it could not be packed (IPv6, empty). Null until then.
     */
    private volatile AddressChanges.Address moved;
    /** What pages show, once asked for ({@link #now}). */
    private volatile Display display;
    /**
     * The account as the request acts: an admin's key without the {@code admin} scope acts as a member.
     * Replaced once by the cache, before the entry is published, with the instance it shares.
     */
    Account account;
    /**
     * Written once by the cache, before the entry is published: its key, the change counter when the
     * load began, and when it was loaded (seconds since the cache began).
     */
    TokenHashKey key;
    long loadedAfter;
    int loadedAt;
    /** The next entry in the same bucket of the cache's id index ({@link SessionIndex}); only under its lock. */
    CachedSession nextById;

    /** A session of a sign-in or an app. */
    CachedSession(Session session, Account account) {
        this(session, account, false);
    }

    private CachedSession(Session session, Account account, boolean downgraded) {
        this.id = session.id();
        this.appType = (byte) session.appType().ordinal();
        this.ended = (byte) session.ending().map(e -> e.reason().ordinal()).orElse(-1).intValue();
        this.expiresAt = session.expiresAt().toEpochMilli();
        this.boundUntil = session.boundUntil().map(Instant::toEpochMilli).orElse(0L);
        this.idle = idle(session.idleTimeout().toMillis());
        this.lastActive = session.lastActiveAt().toEpochMilli();
        int packed = PackedIpv4.pack(session.ip());
        this.loadedIpv4 = packed;
        this.loadedLocation = session.location();
        this.moved = packed == PackedIpv4.NONE ? new AddressChanges.Address(session.ip(), session.location()) : null;
        this.downgraded = downgraded;
        this.account = downgraded
                ? new Account(account.id(), account.team(), account.email(), account.name(), Role.MEMBER, account.createdAt())
                : account;
    }

    /** The entry of a session: an API key's when {@code keyScopes} is present. */
    static CachedSession of(Session session, Account account, Optional<Set<String>> keyScopes) {
        return keyScopes.isPresent() ? new Key(session, account, keyScopes.get()) : new CachedSession(session, account);
    }

    /** An API key's session: also its scopes (only keys pay for the field). */
    private static final class Key extends CachedSession {
        private final Optional<Set<String>> scopes;

        Key(Session session, Account account, Set<String> scopes) {
            super(session, account, account.role() == Role.ADMIN && !scopes.contains(SessionCache.ADMIN_SCOPE));
            this.scopes = Optional.of(Set.copyOf(scopes));
        }

        @Override
        Optional<Set<String>> keyScopes() {
            return scopes;
        }
    }

    /**
     * Whether this entry's token is a device-bound session's cookie past its time: the browser that
     * holds the session's key has a newer one (or renews it before its next request), so whoever
     * presents this one does not hold the key.
     */
    boolean boundCookieStale(long now) {
        return boundUntil != 0 && now >= boundUntil;
    }

    /** Present for an API key: its scopes. */
    Optional<Set<String>> keyScopes() {
        return Optional.empty();
    }

    /**
     * The idle timeout held in an int: whole seconds when it is (every team policy's is), else its
     * milliseconds negated; one of more than 24 days that is not whole seconds (none is made) is
     * cut to whole seconds, which ends the session earlier, never later.
     */
    private static int idle(long millis) {
        if (millis % 1000 == 0 && millis / 1000 <= Integer.MAX_VALUE) return (int) (millis / 1000);
        if (millis <= Integer.MAX_VALUE) return (int) -millis;
        return (int) Math.min(Integer.MAX_VALUE, millis / 1000);
    }

    private long idleMillis() {
        return idle >= 0 ? idle * 1000L : -(long) idle;
    }

    /** Shares the loaded address's place through {@code share}; by the cache, before it publishes the entry. */
    void shareLocation(java.util.function.UnaryOperator<GeoLocation> share) {
        loadedLocation = share.apply(loadedLocation);
        AddressChanges.Address at = moved;
        if (at != null) moved = new AddressChanges.Address(at.ip(), share.apply(at.location()));
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
        if (idle != 0 && now >= lastActive + idleMillis()) return Optional.of(EndReason.IDLE_EXPIRED);
        return Optional.empty();
    }

    /** When the session expired for {@code reason}, as {@link Session#expiredAt} says, from the last request known here. */
    Instant expiredAt(EndReason reason) {
        return Session.expiredAt(reason, Instant.ofEpochMilli(lastActive), java.time.Duration.ofMillis(idleMillis()),
                Instant.ofEpochMilli(expiresAt));
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
        return PackedIpv4.is(ip, loadedIpv4);
    }

    /** The address the session was last seen from, and its place. */
    AddressChanges.Address seen() {
        AddressChanges.Address at = moved;
        return at != null ? at : new AddressChanges.Address(PackedIpv4.format(loadedIpv4), loadedLocation);
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
}
