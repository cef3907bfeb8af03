package dev.lanyard.bench;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The baseline of {@code bench/http.sh}: an API endpoint that does no work. It is added to the
 * packaged jar's classpath by the benchmark only (never built into Lanyard), at a path that the
 * security chain lets everyone reach and that only has a {@code POST} handler in Lanyard, so a
 * request to it goes through exactly the filters, handler mapping and JSON converter that
 * {@code GET /api/v1/sessions/current} goes through, and nothing else.
 */
@RestController
class BareEndpoint {
    record Bare(boolean ok) {
    }

    private static final Bare BARE = new Bare(true);

    @GetMapping("/api/v1/login")
    Bare bare() {
        return BARE;
    }
}
