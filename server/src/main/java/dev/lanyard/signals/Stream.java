package dev.lanyard.signals;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.TeamId;

/**
 * A Shared Signals stream (SSF 1.0): the events one receiver (an app) asked for, how they reach it,
 * and whether Lanyard sends them now.
 *
 * @param pushAuthorization what the receiver asked Lanyard to send as {@code Authorization} with each push
 */
record Stream(String id, String appId, TeamId team, Config config, Optional<String> pushAuthorization, Status status,
              String statusReason, Instant createdAt, Instant updatedAt, Optional<Instant> lastDeliveryAt,
              Optional<String> lastError) {
    Stream {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(config, "config");
        pushAuthorization = Objects.requireNonNullElse(pushAuthorization, Optional.empty());
        Objects.requireNonNull(status, "status");
        statusReason = Objects.requireNonNullElse(statusReason, "");
        lastDeliveryAt = Objects.requireNonNullElse(lastDeliveryAt, Optional.empty());
        lastError = Objects.requireNonNullElse(lastError, Optional.empty());
    }

    static final String PUSH = "urn:ietf:rfc:8935";
    static final String POLL = "urn:ietf:rfc:8936";

    /**
     * What the receiver configured.
     *
     * @param method   {@link #PUSH} or {@link #POLL}
     * @param endpoint where pushes go (push only)
     * @param format   how the member is named in subjects: {@code iss_sub} or {@code email}
     * @param issuer   the issuer as the receiver reached Lanyard when it last configured the stream (the OpenID Connect
     *                 issuer of its request, {@link Transmitter#issuer(Stream)}); empty for a stream configured before
     *                 Lanyard kept it, or through a {@code Host} naming another server
     */
    record Config(String description, Set<String> eventsRequested, String method, Optional<String> endpoint, String format,
                  Optional<String> issuer) {
        Config {
            description = Objects.requireNonNullElse(description, "");
            eventsRequested = Set.copyOf(eventsRequested);
            Objects.requireNonNull(method, "method");
            endpoint = Objects.requireNonNullElse(endpoint, Optional.empty());
            format = Objects.requireNonNullElse(format, "iss_sub");
            issuer = Objects.requireNonNullElse(issuer, Optional.empty());
        }

        /** A new stream's, and what a replacement starts from. */
        static Config defaults() {
            return new Config("", Set.of(), POLL, Optional.empty(), "iss_sub", Optional.empty());
        }

        boolean push() {
            return PUSH.equals(method);
        }

        /** This configuration, configured by a request that reached Lanyard as {@code issuer} (empty: kept as it was). */
        Config reachedAt(Optional<String> issuer) {
            return issuer.isEmpty() ? this : new Config(description, eventsRequested, method, endpoint, format, issuer);
        }
    }

    enum Status {
        ENABLED, PAUSED, DISABLED;

        String code() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Status> of(String code) {
            for (Status s : values()) if (s.code().equals(code)) return Optional.of(s);
            return Optional.empty();
        }
    }

    /** The events Lanyard sends this stream: those it asked for that Lanyard supports. */
    Set<String> eventsDelivered() {
        Set<String> delivered = new java.util.TreeSet<>(config.eventsRequested());
        delivered.retainAll(SecurityEvents.SUPPORTED);
        return delivered;
    }

    Stream with(Config changed, Optional<String> authorization, Instant at) {
        return new Stream(id, appId, team, changed, authorization, status, statusReason, createdAt, at, lastDeliveryAt, lastError);
    }
}
