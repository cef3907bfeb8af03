package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionSettingsTest {
    private static SessionSettings withBatch(int sweepBatch) {
        return new SessionSettings(null, null, null, 0, null, null, sweepBatch, null);
    }

    @Test
    void unsetBatchIsFiveHundredOnSqliteAndTwoThousandOnPostgres() {
        assertThat(withBatch(0).batch(false)).isEqualTo(500);
        assertThat(withBatch(0).batch(true)).isEqualTo(2000);
    }

    @Test
    void aBatchThatIsSetHoldsOnEitherDatabase() {
        assertThat(withBatch(2).batch(true)).isEqualTo(2);
        assertThat(withBatch(750).batch(false)).isEqualTo(750);
    }

    @Test
    void aNegativeBatchCountsAsUnset() {
        assertThat(withBatch(-5).batch(true)).isEqualTo(2000);
    }
}
