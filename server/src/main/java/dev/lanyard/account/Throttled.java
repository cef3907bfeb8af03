package dev.lanyard.account;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.json.JsonMapper;

/** The status a page answers a refused form with: 429 and {@code Retry-After} when the throttle refused it, else the page's own. */
public final class Throttled {
    private Throttled() {
    }

    /** Sets 429 with {@code Retry-After} for {@link AccountProblem.TooManyAttempts}, else {@code otherwise}. */
    public static void status(HttpServletResponse response, RuntimeException problem, HttpStatus otherwise) {
        if (problem instanceof AccountProblem.TooManyAttempts tooMany) {
            response.setStatus(HttpStatus.TOO_MANY_REQUESTS.value());
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(tooMany.retryAfterSeconds()));
        } else {
            response.setStatus(otherwise.value());
        }
    }

    /**
     * 429 with {@code Retry-After} and {@code {"error": ...}}: the refusal of an endpoint a page's script calls for JSON
     * (static/js/passkeys.js shows the error beside its button).
     */
    public static ResponseEntity<String> json(AccountProblem.TooManyAttempts tooMany) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS).contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(tooMany.retryAfterSeconds()))
                .body("{\"error\":" + JsonMapper.shared().writeValueAsString(tooMany.getMessage()) + "}");
    }
}
