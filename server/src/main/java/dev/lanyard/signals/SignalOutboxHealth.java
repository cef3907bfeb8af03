package dev.lanyard.signals;

import dev.lanyard.ops.OutboxHealthReads;
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
    private final OutboxHealthReads reads;

    SignalOutboxHealth(SignalOutboxStore outbox, OutboxHealthReads reads) {
        this.outbox = outbox;
        this.reads = reads;
    }

    @Override
    public Health health() {
        return reads.health(() -> {
            SignalOutboxStore.Backlog backlog = outbox.backlog();
            Health.Builder health = Health.up().withDetail("pending", backlog.pending());
            backlog.oldest().ifPresent(at -> health.withDetail("oldest", at.toString()));
            return health.build();
        });
    }
}
