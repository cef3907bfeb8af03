package dev.lanyard.starter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.lanyard.starter.LogoutTokens.InvalidLogoutToken;
import dev.lanyard.starter.LogoutTokens.Logout;
import dev.lanyard.starter.SecurityEventTokens.SetRejected;

/**
 * The two endpoints Lanyard calls: Shared Signals push delivery (RFC 8935) and OpenID Connect
 * back-channel logout. Both authenticate the caller themselves — the push endpoint by the
 * authorization header the stream was created with, compared in constant time, and the SET's
 * signature; the logout endpoint by the logout token's signature — so they sit outside the app's
 * sign-in (see {@link LanyardAutoConfiguration}).
 */
final class SignalEndpoints {
    private SignalEndpoints() {
    }

    /** {@code POST lanyard.signals.push-path}: one SET in the body, {@code application/secevent+jwt}. */
    @RestController
    static class Push {
        private static final Log log = LogFactory.getLog(Push.class);
        private final SecurityEventTokens tokens;
        private final SessionSignals signals;
        private final byte[] expectedAuthorization;

        Push(SecurityEventTokens tokens, SessionSignals signals, String expectedAuthorization) {
            this.tokens = tokens;
            this.signals = signals;
            this.expectedAuthorization = expectedAuthorization.getBytes(StandardCharsets.UTF_8);
        }

        /** Far above any SET Lanyard sends (a few hundred bytes); the body is read only once the caller is authenticated. */
        static final int MAX_SET_BYTES = 64 * 1024;

        @PostMapping(path = "${lanyard.signals.push-path:/lanyard/ssf/events}", produces = MediaType.APPLICATION_JSON_VALUE)
        ResponseEntity<Map<String, String>> receive(@RequestHeader(name = "Authorization", required = false) String authorization,
                                                    HttpServletRequest request) throws IOException {
            byte[] given = authorization == null ? new byte[0] : authorization.getBytes(StandardCharsets.UTF_8);
            if (!MessageDigest.isEqual(given, expectedAuthorization))
                return refuse(new SetRejected("authentication_failed", "The Authorization header is not the one this stream was created with."));
            byte[] body = request.getInputStream().readNBytes(MAX_SET_BYTES + 1);
            if (body.length > MAX_SET_BYTES) return refuse(new SetRejected("invalid_request", "The request body is too large for a SET."));
            try {
                signals.apply(tokens.verify(new String(body, StandardCharsets.UTF_8)));
                return ResponseEntity.accepted().build();
            } catch (SetRejected e) {
                return refuse(e);
            } catch (SecurityEventTokens.KeysUnavailable e) {
                // Not the SET's fault: 503, which Lanyard retries, and no RFC 8935 error code, which it could take as final.
                log.warn("Could not check a pushed SET now; Lanyard will push it again: " + e.getMessage());
                return ResponseEntity.status(503).header("Retry-After", "5").build();
            }
        }

        private static ResponseEntity<Map<String, String>> refuse(SetRejected e) {
            if (log.isDebugEnabled()) log.debug("Refused a pushed SET: " + e.err() + ": " + e.getMessage());
            return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_JSON).body(Map.of("err", e.err(), "description", e.getMessage()));
        }
    }

    /** {@code POST lanyard.signals.backchannel-logout-path}, form-encoded {@code logout_token}. */
    @RestController
    static class BackChannelLogout {
        private static final Log log = LogFactory.getLog(BackChannelLogout.class);
        private final LogoutTokens tokens;
        private final EndedSessions ended;

        BackChannelLogout(LogoutTokens tokens, EndedSessions ended) {
            this.tokens = tokens;
            this.ended = ended;
        }

        @PostMapping(path = "${lanyard.signals.backchannel-logout-path:/lanyard/backchannel-logout}",
                consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
        ResponseEntity<Map<String, String>> logout(@RequestParam(name = "logout_token", required = false) String token) {
            try {
                Logout logout = tokens.verify(token);
                if (logout.sid() != null) ended.sessionEnded(logout.sid(), logout.issuedAt());
                else ended.everySessionEnded(logout.sub(), logout.issuedAt());
                return ResponseEntity.ok().cacheControl(CacheControl.noStore()).build();
            } catch (InvalidLogoutToken e) {
                if (log.isDebugEnabled()) log.debug("Refused a logout token: " + e.getMessage());
                return ResponseEntity.status(HttpStatus.BAD_REQUEST).cacheControl(CacheControl.noStore())
                        .body(Map.of("error", "invalid_request", "error_description", e.getMessage()));
            }
        }
    }
}
