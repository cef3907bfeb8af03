package plain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * What GET /api/v1/sessions/current does, with nothing but Spring Boot webmvc: SHA-256 of the bearer
 * token, a map lookup, a JSON body of the same shape and size (~620 bytes). The tokens come from the
 * file named by plain.tokens (one per line), so wrk sends both servers the same requests.
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

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    PlainApp(@Value("${plain.tokens:}") String tokens) throws IOException {
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

    @GetMapping("/api/v1/sessions/current")
    ResponseEntity<Session> current(@RequestHeader(name = HttpHeaders.AUTHORIZATION, required = false) String authorization) {
        Session session = authorization == null || !authorization.startsWith("Bearer ") ? null
                : sessions.get(sha256(authorization.substring(7).strip()));
        return session == null ? ResponseEntity.status(HttpStatus.UNAUTHORIZED).build() : ResponseEntity.ok(session);
    }

    private static String sha256(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) {
        SpringApplication.run(PlainApp.class, args);
    }
}
