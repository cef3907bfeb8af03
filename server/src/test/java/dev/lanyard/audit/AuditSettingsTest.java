package dev.lanyard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;

import dev.lanyard.geo.PrivacySettings;
import org.junit.jupiter.api.Test;

class AuditSettingsTest {

    @Test
    void unsetKeepsEveryEntryAndARetentionUnderThirtyDaysStopsStartUp() {
        assertThat(new AuditSettings(null).kept()).isEmpty();
        assertThat(new AuditSettings(Duration.ofDays(365)).kept()).contains(Duration.ofDays(365));
        assertThatIllegalArgumentException().isThrownBy(() -> new AuditSettings(Duration.ofDays(29)))
                .withMessageContaining("lanyard.audit.retention");
    }

    @Test
    void addressesAreKeptNinetyDaysByDefaultAndAtLeastADay() {
        assertThat(new PrivacySettings(null).ipRetention()).isEqualTo(Duration.ofDays(90));
        assertThatIllegalArgumentException().isThrownBy(() -> new PrivacySettings(Duration.ofHours(23)))
                .withMessageContaining("lanyard.privacy.ip-retention");
    }
}
