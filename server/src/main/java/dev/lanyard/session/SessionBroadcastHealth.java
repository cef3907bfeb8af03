package dev.lanyard.session;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code sessionBroadcast}: whether this node hears the other nodes' endings.
 * DOWN while it does not: the LISTEN connection is down or not up yet, or (PostgreSQL) this node's
 * own lease in {@code session_nodes} is not current, which is what the other nodes go by (a
 * listening connection that hangs renews no lease, and the others stop waiting for this node). The
 * node still refuses every ended session, because it then reads each check from the database, but
 * it no longer serves checks from memory and says so. On SQLite (one node) the cache's trust does
 * not lapse.
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
        // A current lease is what the cache's trust stands for (decision 0021): it lapses with the lease.
        boolean leased = cache.trusted();
        Health.Builder health = state.listening() && leased ? Health.up() : Health.down();
        health.withDetail("mode", broadcast.clustered() ? "PostgreSQL LISTEN/NOTIFY" : "single node")
                .withDetail("listening", state.listening());
        if (broadcast.clustered()) health.withDetail("lease", leased ? "current" : "not current: the other nodes do not wait for this one");
        health.withDetail("cache", leased ? "trusted" : "not trusted: every check reads the database")
                .withDetail("failures", state.failures());
        state.lastFailure().ifPresent(f -> health.withDetail("lastFailure", f));
        state.lastFailureAt().ifPresent(at -> health.withDetail("lastFailureAt", at.toString()));
        return health.build();
    }
}
