package dev.lanyard.starter;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * An access token for the app itself (OAuth client credentials, scope {@code ssf}) from Lanyard's
 * token endpoint, authenticated with {@code client_secret_basic}; kept until 30 seconds before it
 * expires. Used for Shared Signals stream management and polling, never on a person's request. A
 * refused grant (400, 401, 403) is not asked again for 1 s, doubling to 1 min, until one succeeds.
 */
class ClientCredentials {
    static final String SCOPE = "ssf";

    private final LanyardEndpoints endpoints;
    private final LanyardProperties properties;
    private final Clock clock;
    private volatile String token;
    private volatile Instant expiresAt = Instant.EPOCH;
    private static final Duration FIRST_WAIT = Duration.ofSeconds(1);
    private static final Duration LONGEST_WAIT = Duration.ofMinutes(1);
    /** Lanyard's last refusal of the grant, thrown again until {@link #askAgainAt}; null after a success. */
    private Refused refused;
    private Instant askAgainAt = Instant.EPOCH;
    private Duration wait = FIRST_WAIT;

    ClientCredentials(LanyardEndpoints endpoints, LanyardProperties properties, Clock clock) {
        this.endpoints = endpoints;
        this.properties = properties;
        this.clock = clock;
    }

    synchronized String token() {
        if (token != null && clock.instant().isBefore(expiresAt)) return token;
        if (refused != null && clock.instant().isBefore(askAgainAt)) throw refused;
        try {
            String fresh = ask();
            refused = null;
            wait = FIRST_WAIT;
            return fresh;
        } catch (LanyardEndpoints.LanyardUnavailable e) {
            if (e instanceof Refused r) {
                // Asked again only after a wait (1 s doubling to 1 min): while the app's Shared Signals are off, Lanyard
                // refuses every grant, and polls and stream set-up would otherwise ask it every few seconds forever.
                refused = new Refused(r.getMessage() + " (not asked again for " + wait.toSeconds() + " s)");
                askAgainAt = clock.instant().plus(wait);
                wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
            }
            throw e;
        }
    }

    private String ask() {
        String basic = Base64.getEncoder().encodeToString((form(properties.clientId()) + ":" + form(properties.clientSecret())).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(endpoints.openidEndpoint("token_endpoint")).timeout(LanyardEndpoints.TIMEOUT)
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=" + SCOPE)).build();
        HttpResponse<String> response = endpoints.send(request);
        if (response.statusCode() == 401)
            throw new Refused("Lanyard refused the app's client (401): check lanyard.client-id and "
                    + "lanyard.client-secret");
        if (response.statusCode() == 400 || response.statusCode() == 403)
            throw new Refused("Lanyard refused the client credentials grant (" + response.statusCode()
                    + "): is the app's client allowed scope " + SCOPE + " and Shared Signals?");
        if (response.statusCode() != 200)
            throw new LanyardEndpoints.LanyardUnavailable("Lanyard's token endpoint answered " + response.statusCode());
        Map<String, Object> body = LanyardEndpoints.parseObject(response.body(), request.uri());
        if (!(body.get("access_token") instanceof String accessToken)) throw new LanyardEndpoints.LanyardUnavailable("Lanyard's token response has no access_token");
        long seconds = body.get("expires_in") instanceof Number n ? n.longValue() : 300;
        token = accessToken;
        expiresAt = clock.instant().plusSeconds(Math.max(0, seconds - 30));
        return accessToken;
    }

    /** Drops the kept token (Lanyard answered 401 with it). */
    synchronized void forget() {
        token = null;
    }

    /** Lanyard refused the grant (the client's credentials, or its scope or Shared Signals), not merely unreachable. */
    static class Refused extends LanyardEndpoints.LanyardUnavailable {
        Refused(String message) {
            super(message);
        }
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
