package plain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * What GET /api/v1/sessions/current does, with nothing but Spring Boot webmvc: SHA-256 of the bearer
 * token, a map lookup, a JSON body of the same shape and size (~620 bytes). The tokens come from the
 * file named by plain.tokens (one per line), so wrk sends both servers the same requests.
 *
 * <p>And what POST /oauth2/introspect does (RFC 7662, client secret basic): the client's secret checked
 * against its SHA-256 hash in constant time, the form's token hashed and looked up, a JSON body of the
 * same claims. The file named by plain.introspection holds one line: client id, client secret, access token.
 */
@SpringBootApplication
@RestController
public class PlainApp {

    record Device(String description, String browser, String browserVersion, String os, String osVersion, String type, String model) {}
    record Location(String label, String city, String region, String country, String countryCode, String isp, boolean localNetwork) {}
    record Activity(long signIns, long requests, long pages, String lastPage) {}
    record Session(String id, boolean current, String name, Device device, String appType, Location location, String ip,
                   Instant createdAt, Instant lastActiveAt, Instant expiresAt, boolean verified, boolean alerts, boolean activeNow,
                   Activity activity, Instant endedAt, String endReason, String endedBy, String endNote) {}

    record Introspection(boolean active, String sub, List<String> aud, long nbf, String scope, String iss, long exp, long iat,
                         String jti, String sid, @JsonProperty("client_id") String clientId, @JsonProperty("token_type") String tokenType) {}

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Introspection> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, byte[]> clientSecrets = new ConcurrentHashMap<>();
    /** The introspection file's client id, client secret and access token; empty without one. */
    final List<String> introspection;

    PlainApp(@Value("${plain.tokens:}") String tokens, @Value("${plain.introspection:}") String introspection) throws IOException {
        this.introspection = introspection.isEmpty() ? List.of() : List.of(Files.readString(Path.of(introspection)).strip().split(" "));
        if (!this.introspection.isEmpty()) {
            String client = this.introspection.get(0);
            long now = Instant.now().getEpochSecond();
            clientSecrets.put(client, digest(this.introspection.get(1)));
            accessTokens.put(sha256(this.introspection.get(2)), new Introspection(true, "acc_plain01234567890", List.of(client), now, "openid email",
                    "http://127.0.0.1", now + 300, now, "0f5c7c3e-4a7b-4b8e-9d43-1f0c2b5d9e11", "ses_plain0123456789", client, "Bearer"));
        }
        if (tokens.isEmpty()) return;
        int n = 0;
        for (String token : Files.readAllLines(Path.of(tokens))) {
            if (token.isBlank()) continue;
            Instant now = Instant.now();
            sessions.put(sha256(token.strip()), new Session("ses_plain" + n++, true, "",
                    new Device("Unknown device", "", "", "", "", "bot", ""), "api",
                    new Location("Local network", "", "", "", "", "", true), "127.0.0.1",
                    now, now, now.plusSeconds(7 * 24 * 3600), false, true, true, new Activity(1, 1, 0, ""), null, null, null, null));
        }
    }

    /** The request attribute where the secure build's bearer filter leaves the session it found. */
    static final String SESSION = "plain.session";

    @GetMapping("/api/v1/sessions/current")
    ResponseEntity<Session> current(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                    @RequestAttribute(name = SESSION, required = false) Session authenticated) {
        Session session = authenticated != null ? authenticated : find(authorization);
        return session == null ? ResponseEntity.status(HttpStatus.UNAUTHORIZED).build() : ResponseEntity.ok(session);
    }

    /** The session of an {@code Authorization: Bearer} header, or null. */
    Session find(String authorization) {
        return authorization == null || !authorization.startsWith("Bearer ") ? null : sessions.get(sha256(authorization.substring(7).strip()));
    }

    @PostMapping("/oauth2/introspect")
    ResponseEntity<Object> introspect(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization,
                                      @RequestParam(name = "token", required = false) String token) {
        if (authorization == null || !authorization.startsWith("Basic ")) return ResponseEntity.status(HttpStatus.UNAUTHORIZED).build();
        String[] credentials = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8).split(":", 2);
        byte[] secret = credentials.length == 2 ? clientSecrets.get(credentials[0]) : null;
        if (secret == null || !MessageDigest.isEqual(secret, digest(credentials[1]))) return ResponseEntity.status(HttpStatus.UNAUTHORIZED).build();
        Introspection found = token == null ? null : accessTokens.get(sha256(token));
        return ResponseEntity.ok(found != null ? found : Map.of("active", false));
    }

    private static String sha256(String token) {
        return HexFormat.of().formatHex(digest(token));
    }

    static byte[] digest(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) {
        SpringApplication.run(PlainApp.class, args);
    }
}
