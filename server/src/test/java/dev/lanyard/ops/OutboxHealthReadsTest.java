package dev.lanyard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.dao.DataAccessResourceFailureException;

/** After a failed read the outboxes' health does not wait for the database again for a while (outside QA). */
class OutboxHealthReadsTest {

    @Test
    void aFailedReadIsNotTriedAgainForAWhileAndAWorkingOneIsReadEachTime() {
        OutboxHealthReads reads = new OutboxHealthReads();
        AtomicInteger tries = new AtomicInteger();
        Health first = reads.health(() -> {
            tries.incrementAndGet();
            throw new DataAccessResourceFailureException("the database went away");
        });
        Health second = reads.health(() -> {
            tries.incrementAndGet();
            return Health.up().build();
        });
        assertThat(first.getStatus()).isEqualTo(Status.UNKNOWN);
        assertThat(second.getStatus()).as("not tried: the read failed a moment ago").isEqualTo(Status.UNKNOWN);
        assertThat(tries).hasValue(1);

        OutboxHealthReads working = new OutboxHealthReads();
        assertThat(working.health(() -> Health.up().build()).getStatus()).isEqualTo(Status.UP);
        assertThat(working.health(() -> Health.up().withDetail("pending", 2).build()).getDetails()).containsEntry("pending", 2);
    }
}
