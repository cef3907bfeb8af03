package dev.lanyard.session;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code sessionBroadcast}: whether this node hears the other nodes' endings.
 * DOWN while it does not (the LISTEN connection is down, or not up yet): the node still refuses
 * every ended session, because it then reads each check from the database, but it no longer
 * serves checks from memory and says so.
 */
@Component("sessionBroadcastHealthIndicator")
class SessionBroadcastHealth implements HealthIndicator {
    private final SessionBroadcast broadcast;
    private final SessionCache cache;

    SessionBroadcastHealth(SessionBroadcast broadcast, SessionCache cache) {
        this.broadcast = broadcast;
        this.cache = cache;
    }

    @Override
    public Health health() {
        SessionBroadcast.State state = broadcast.state();
        Health.Builder health = state.listening() ? Health.up() : Health.down();
        health.withDetail("mode", broadcast.clustered() ? "PostgreSQL LISTEN/NOTIFY" : "single node")
                .withDetail("listening", state.listening())
                .withDetail("cache", cache.trusted() ? "trusted" : "not trusted: every check reads the database")
                .withDetail("failures", state.failures());
        state.lastFailure().ifPresent(f -> health.withDetail("lastFailure", f));
        state.lastFailureAt().ifPresent(at -> health.withDetail("lastFailureAt", at.toString()));
        return health.build();
    }
}
