package dev.lanyard.keys;

import java.time.Instant;
import java.util.List;

import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.session.Session;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;

/**
 * An API key in the API: never its secret, only {@code prefix} ({@code lyk_} and 8 characters).
 * {@code lastUsed} is null until the key is first used; its {@code ip} is masked unless the owner asks.
 */
record ApiKeyJson(String id, String name, String prefix,
                  @ArraySchema(schema = @Schema(allowableValues = {"sessions:read", "sessions:write", "admin"})) List<String> scopes,
                  Instant createdAt,
                  @Schema(nullable = true) Instant expiresAt, @Schema(nullable = true) LastUsed lastUsed,
                  long requestsLast24Hours, long requests, boolean active,
                  @Schema(nullable = true, description = "When the key ended, revoked or expired (the name is kept for the "
                          + "clients that read it). An expired key's is its expiresAt, before and after the server ends it; "
                          + "null while it is active") Instant revokedAt,
                  @Schema(nullable = true, description = "Why the key ended: revoked (by you), admin-revoked, lifetime-expired, "
                          + "removed, ...; null while it is active") String endReason) {

    record LastUsed(Instant at, String ip, @Schema(example = "Springfield, Illinois, United States", description = "Where "
                            + "it was last used from, named as a session's location.label") String location, String countryCode) {
    }

    static ApiKeyJson of(ApiKeys.Listed listed, boolean fullIp) {
        ApiKey k = listed.key();
        Session s = listed.session();
        LastUsed last = listed.used()
                ? new LastUsed(s.lastActiveAt(), fullIp ? ClientAddresses.shown(s.ip()) : ClientAddresses.mask(s.ip()), s.location().label(), s.location().countryCode())
                : null;
        return new ApiKeyJson(k.id().value(), k.name(), k.shown(), k.scopes().stream().map(KeyScope::code).sorted().toList(),
                k.createdAt(), k.expiresAt().orElse(null), last, listed.requestsToday(), s.activity().requests(), s.active(),
                s.ending().map(Session.Ending::at).orElse(null), s.ending().map(e -> e.reason().code()).orElse(null));
    }
}
