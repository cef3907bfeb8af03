package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SessionSettingsTest {
    private static SessionSettings withBatch(Integer sweepBatch) {
        return new SessionSettings(null, null, null, null, null, null, sweepBatch, null);
    }

    @Test
    void unsetBatchIsFiveHundredOnSqliteAndTwoThousandOnPostgres() {
        assertThat(withBatch(null).batch(false)).isEqualTo(500);
        assertThat(withBatch(null).batch(true)).isEqualTo(2000);
        assertThat(withBatch(0).batch(true)).as("0, as documented, picks the database's own").isEqualTo(2000);
    }

    @Test
    void aBatchThatIsSetHoldsOnEitherDatabase() {
        assertThat(withBatch(2).batch(true)).isEqualTo(2);
        assertThat(withBatch(750).batch(false)).isEqualTo(750);
    }

    @Test
    void aNegativeBatchIsRefused() {
        assertThatThrownBy(() -> withBatch(-5)).hasMessageContaining("lanyard.session.sweep-batch");
    }
}
