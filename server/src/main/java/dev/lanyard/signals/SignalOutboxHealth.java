package dev.lanyard.signals;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Health component {@code signalOutbox}: how many pushes and logout tokens wait, and since when.
 * Always UP: a receiver that cannot be reached delays its signals but breaks nothing this node
 * serves, so it must not take the node out of a load balancer. Operators alert on {@code oldest}.
 */
@Component("signalOutboxHealthIndicator")
class SignalOutboxHealth implements HealthIndicator {
    private final SignalOutboxStore outbox;

    SignalOutboxHealth(SignalOutboxStore outbox) {
        this.outbox = outbox;
    }

    @Override
    public Health health() {
        SignalOutboxStore.Backlog backlog;
        try {
            backlog = outbox.backlog();
        } catch (org.springframework.dao.DataAccessException unreachable) {
            // The db component says DOWN; this one cannot tell, and must not turn /actuator/health into an error.
            return Health.unknown().withDetail("reason", "the database cannot be read").build();
        }
        Health.Builder health = Health.up().withDetail("pending", backlog.pending());
        backlog.oldest().ifPresent(at -> health.withDetail("oldest", at.toString()));
        return health.build();
    }
}
