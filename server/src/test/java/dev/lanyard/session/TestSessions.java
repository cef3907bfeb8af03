package dev.lanyard.session;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import dev.lanyard.account.AccountId;
import dev.lanyard.device.Device;
import dev.lanyard.device.DeviceType;
import dev.lanyard.geo.GeoLocation;

/** Sessions and client origins for tests: sensible defaults, change what the test is about. */
final class TestSessions {
    static final Instant T0 = Instant.parse("2026-01-10T09:15:00.250Z");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private TestSessions() {
    }

    /** An active session of {@code owner}, created and last active at {@link #T0}. */
    static Builder of(AccountId owner) {
        return new Builder(owner);
    }

    /** A hash as the store keeps it, for a token nobody knows. */
    static String tokenHash() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Chrome on macOS in Madrid, as the web layer would describe it. */
    static ClientOrigin madrid() {
        return new ClientOrigin(new Device("Chrome", "131", "macOS", "14", DeviceType.DESKTOP, ""),
                "Mozilla/5.0 (Macintosh) Chrome/131.0", "83.45.123.78",
                new GeoLocation("Madrid", "Madrid", "Spain", "ES", "Telefonica", Optional.of(40.4165), Optional.of(-3.7026), false));
    }

    static final class Builder {
        private final AccountId owner;
        private String id = "ses_test" + SEQUENCE.incrementAndGet() + "_" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
        private String name = "";
        private AppType appType = AppType.WEB;
        private boolean rememberMe;
        private boolean verified;
        private boolean alerts = true;
        private Device device = new Device("Firefox", "133", "Ubuntu", "", DeviceType.DESKTOP, "");
        private GeoLocation location = GeoLocation.local();
        private Instant createdAt = T0;
        private Instant lastActiveAt = T0;
        private Duration idleTimeout = Duration.ofDays(7);
        private Optional<Session.Ending> ending = Optional.empty();
        private Duration lifetime = Duration.ofDays(7);
        private Session.Activity activity = Session.Activity.NONE;

        private String ip = "192.168.1.20";

        private Builder(AccountId owner) {
            this.owner = owner;
        }

        Builder id(String id) {
            this.id = id;
            return this;
        }

        Builder name(String name) {
            this.name = name;
            return this;
        }

        Builder appType(AppType appType) {
            this.appType = appType;
            return this;
        }

        Builder rememberMe(boolean rememberMe) {
            this.rememberMe = rememberMe;
            return this;
        }

        Builder verified(boolean verified) {
            this.verified = verified;
            return this;
        }

        Builder alerts(boolean alerts) {
            this.alerts = alerts;
            return this;
        }

        Builder device(Device device) {
            this.device = device;
            return this;
        }

        Builder location(GeoLocation location) {
            this.location = location;
            return this;
        }

        Builder createdAt(Instant createdAt) {
            this.createdAt = createdAt;
            return this;
        }

        Builder ip(String ip) {
            this.ip = ip;
            return this;
        }

        Builder lastActiveAt(Instant lastActiveAt) {
            this.lastActiveAt = lastActiveAt;
            return this;
        }

        Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        Builder lifetime(Duration lifetime) {
            this.lifetime = lifetime;
            return this;
        }

        Builder activity(Session.Activity activity) {
            this.activity = activity;
            return this;
        }

        /** Ended for {@code reason}, by no one, when it was last active; empty: active. */
        Builder ended(Optional<EndReason> reason) {
            this.ending = reason.map(r -> Session.Ending.expired(r, lastActiveAt));
            return this;
        }

        Session build() {
            return new Session(new SessionId(id), owner, name, appType, rememberMe, verified, alerts, device,
                    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64) Firefox/133.0", ip, location, createdAt,
                    lastActiveAt, idleTimeout, createdAt.plus(lifetime), activity, ending);
        }
    }
}
