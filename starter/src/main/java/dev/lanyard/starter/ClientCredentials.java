package dev.lanyard.starter;

import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * An access token for the app itself (OAuth client credentials, scope {@code ssf}) from Lanyard's
 * token endpoint, authenticated with {@code client_secret_basic}; kept until 30 seconds before it
 * expires. Used for Shared Signals stream management and polling, never on a person's request.
 */
class ClientCredentials {
    static final String SCOPE = "ssf";

    private final LanyardEndpoints endpoints;
    private final LanyardProperties properties;
    private final Clock clock;
    private volatile String token;
    private volatile Instant expiresAt = Instant.EPOCH;

    ClientCredentials(LanyardEndpoints endpoints, LanyardProperties properties, Clock clock) {
        this.endpoints = endpoints;
        this.properties = properties;
        this.clock = clock;
    }

    synchronized String token() {
        if (token != null && clock.instant().isBefore(expiresAt)) return token;
        String basic = Base64.getEncoder().encodeToString((form(properties.clientId()) + ":" + form(properties.clientSecret())).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(endpoints.openidEndpoint("token_endpoint")).timeout(LanyardEndpoints.TIMEOUT)
                .header("Authorization", "Basic " + basic).header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=" + SCOPE)).build();
        HttpResponse<String> response = endpoints.send(request);
        if (response.statusCode() == 401)
            throw new LanyardEndpoints.LanyardUnavailable("Lanyard refused the app's client (401): check lanyard.client-id and "
                    + "lanyard.client-secret");
        if (response.statusCode() != 200)
            throw new LanyardEndpoints.LanyardUnavailable("Lanyard refused the client credentials grant (" + response.statusCode()
                    + "): is the app's client allowed scope " + SCOPE + " and Shared Signals?");
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

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
