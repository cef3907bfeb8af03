package dev.lanyard.session;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.device.Device;
import dev.lanyard.geo.GeoLocation;

/**
 * A session as stored: who holds it, from what device and place, its lifetimes, its activity
 * and, once ended, when, why and by whom. Active means {@link #ending()} is empty.
 *
 * @param apiKey     whether the session is an API key (decision 0018): lists link it to the key's
 *                   page, and "sign out others" and "log out all devices" leave it
 * @param boundUntil for a device-bound session (PRODUCT.md V6, decision 0050), when its current
 *                   cookie stops being accepted unless the browser renews it with the session's key
 */
public record Session(SessionId id, AccountId account, String name, AppType appType, boolean rememberMe,
                      boolean verified, boolean alerts, Device device, String userAgent, String ip,
                      GeoLocation location, Instant createdAt, Instant lastActiveAt, Duration idleTimeout,
                      Instant expiresAt, Activity activity, Optional<Ending> ending, boolean apiKey,
                      List<SessionFlag> flags, Optional<Instant> boundUntil) {

    /** A session bound to no device key. */
    public Session(SessionId id, AccountId account, String name, AppType appType, boolean rememberMe,
                   boolean verified, boolean alerts, Device device, String userAgent, String ip,
                   GeoLocation location, Instant createdAt, Instant lastActiveAt, Duration idleTimeout,
                   Instant expiresAt, Activity activity, Optional<Ending> ending, boolean apiKey,
                   List<SessionFlag> flags) {
        this(id, account, name, appType, rememberMe, verified, alerts, device, userAgent, ip, location, createdAt,
                lastActiveAt, idleTimeout, expiresAt, activity, ending, apiKey, flags, Optional.empty());
    }

    /** A session without flags. */
    public Session(SessionId id, AccountId account, String name, AppType appType, boolean rememberMe,
                   boolean verified, boolean alerts, Device device, String userAgent, String ip,
                   GeoLocation location, Instant createdAt, Instant lastActiveAt, Duration idleTimeout,
                   Instant expiresAt, Activity activity, Optional<Ending> ending, boolean apiKey) {
        this(id, account, name, appType, rememberMe, verified, alerts, device, userAgent, ip, location, createdAt,
                lastActiveAt, idleTimeout, expiresAt, activity, ending, apiKey, List.of());
    }

    /** A session of a sign-in (not an API key). */
    public Session(SessionId id, AccountId account, String name, AppType appType, boolean rememberMe,
                   boolean verified, boolean alerts, Device device, String userAgent, String ip,
                   GeoLocation location, Instant createdAt, Instant lastActiveAt, Duration idleTimeout,
                   Instant expiresAt, Activity activity, Optional<Ending> ending) {
        this(id, account, name, appType, rememberMe, verified, alerts, device, userAgent, ip, location, createdAt,
                lastActiveAt, idleTimeout, expiresAt, activity, ending, false);
    }

    public Session {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(appType, "appType");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastActiveAt, "lastActiveAt");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(expiresAt, "expiresAt");
        name = Objects.requireNonNullElse(name, "");
        userAgent = Objects.requireNonNullElse(userAgent, "");
        ip = Objects.requireNonNullElse(ip, "");
        activity = Objects.requireNonNullElse(activity, Activity.NONE);
        ending = Objects.requireNonNullElse(ending, Optional.empty());
        flags = List.copyOf(Objects.requireNonNullElse(flags, List.of()));
        boundUntil = Objects.requireNonNullElse(boundUntil, Optional.empty());
    }

    /** Whether the session is bound to a key its browser keeps (PRODUCT.md V6). */
    public boolean deviceBound() {
        return boundUntil.isPresent();
    }

    /** Whether the risk assessment flagged the session (PRODUCT.md V3). */
    public boolean flagged() {
        return !flags.isEmpty();
    }

    /** The highest concern among its flags, if it has any. */
    public Optional<SessionFlag.Level> concern() {
        return SessionFlag.highest(flags);
    }

    /** Counters of what the session did. */
    public record Activity(int signIns, long requests, long pages, String lastPage) {
        public static final Activity NONE = new Activity(1, 0, 0, "");
    }

    /** How a session ended: by whom (account and, if from a session, which one), and an admin's note. */
    public record Ending(Instant at, EndReason reason, Optional<AccountId> by, Optional<SessionId> fromSession,
                         Optional<String> note) {
        public Ending {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(reason, "reason");
            by = Objects.requireNonNullElse(by, Optional.empty());
            fromSession = Objects.requireNonNullElse(fromSession, Optional.empty());
            note = Objects.requireNonNullElse(note, Optional.empty());
        }

        /** How it ended, with an admin's reason where one was given: "Signed out by an admin: Laptop stolen". */
        public String labelWithReason() {
            return reason == EndReason.ADMIN_REVOKED && note.isPresent() ? reason.label() + ": " + note.get() : reason.label();
        }

        static Ending by(EndReason reason, Instant at, AccountId by, SessionId from) {
            return new Ending(at, reason, Optional.of(by), Optional.ofNullable(from), Optional.empty());
        }

        static Ending expired(EndReason reason, Instant at) {
            return new Ending(at, reason, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    public boolean active() {
        return ending.isEmpty();
    }

    /** The user's name for the session, or its device description. */
    public String displayName() {
        return name.isBlank() ? device.description() : name;
    }

    /**
     * When an open session ends if it is not used before then: its last activity plus its own idle timeout (the one
     * {@link #expiry} checks, which a team's policy change writes to its open sessions), or its expiry if that comes
     * first. Empty for an API key, a session without an idle timeout, and one that has ended.
     */
    public Optional<Instant> idleExpiresAt() {
        if (apiKey || !active() || idleTimeout.isZero() || idleTimeout.isNegative()) return Optional.empty();
        Instant unused = lastActiveAt.plus(idleTimeout);
        return Optional.of(unused.isBefore(expiresAt) ? unused : expiresAt);
    }

    /** Why the session is no longer usable at {@code now}, if it is not. */
    public Optional<EndReason> expiry(Instant now) {
        return expiry(lastActiveAt, idleTimeout, expiresAt, now);
    }

    /**
     * The session as it stands at {@code now}: one past its lifetime or idle timeout that the sweep has not ended yet
     * reads as ended, expired when it expired ({@link #expiredAt}: its lifetime's end, or its last activity plus the idle
     * timeout), so a page or answer does not call it active for up to a sweep interval. An ended or unexpired session is
     * as it is.
     */
    public Session endedIfExpired(Instant now) {
        if (ending.isPresent()) return this;
        return expiry(now).map(reason -> {
            Instant at = expiredAt(reason, lastActiveAt, idleTimeout, expiresAt);
            return new Session(id, account, name, appType, rememberMe, verified, alerts, device, userAgent, ip, location,
                    createdAt, lastActiveAt, idleTimeout, expiresAt, activity, Optional.of(Ending.expired(reason, at)), apiKey,
                    flags, boundUntil);
        }).orElse(this);
    }

    /**
     * The moment a session expired for {@code reason}: its lifetime's end, or its last activity plus its idle timeout. A
     * session ended by its expiry (the sweep, a check that found it expired) records this moment, not when the ending
     * was done, so that its end reads the same before and after; the sweep's statement says it in SQL
     * ({@link SessionStore#endExpired}). A lifetime that a policy change cut to before the session's last use ends at
     * that use, never before it: the session was in use until then.
     */
    static Instant expiredAt(EndReason reason, Instant lastActive, Duration idleTimeout, Instant expiresAt) {
        if (reason == EndReason.LIFETIME_EXPIRED) return expiresAt.isBefore(lastActive) ? lastActive : expiresAt;
        return lastActive.plus(idleTimeout);
    }

    static Optional<EndReason> expiry(Instant lastActive, Duration idleTimeout, Instant expiresAt, Instant now) {
        if (!now.isBefore(expiresAt)) return Optional.of(EndReason.LIFETIME_EXPIRED);
        if (!idleTimeout.isZero() && !now.isBefore(lastActive.plus(idleTimeout))) return Optional.of(EndReason.IDLE_EXPIRED);
        return Optional.empty();
    }

    /** The session as used from another client address, at that address's place. */
    Session movedTo(String ip, GeoLocation location) {
        if (ip.equals(this.ip) && location.equals(this.location)) return this;
        return new Session(id, account, name, appType, rememberMe, verified, alerts, device, userAgent, ip, location,
                createdAt, lastActiveAt, idleTimeout, expiresAt, activity, ending, apiKey, flags, boundUntil);
    }

    Session withActivity(Instant lastActive, Activity activity) {
        return new Session(id, account, name, appType, rememberMe, verified, alerts, device, userAgent, ip, location,
                createdAt, lastActive, idleTimeout, expiresAt, activity, ending, apiKey, flags, boundUntil);
    }
}
