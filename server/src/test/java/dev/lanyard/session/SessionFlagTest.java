package dev.lanyard.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SessionFlagTest {
    private static SessionFlag flag(SessionFlag.Level level) {
        return new SessionFlag("code-" + level.name(), level, "why");
    }

    @Test
    void theConcernIsTheHighestLevelWhateverTheOrder() {
        assertThat(SessionFlag.highest(List.of())).isEmpty();
        assertThat(SessionFlag.highest(List.of(flag(SessionFlag.Level.MEDIUM)))).contains(SessionFlag.Level.MEDIUM);
        assertThat(SessionFlag.highest(List.of(flag(SessionFlag.Level.LOW), flag(SessionFlag.Level.HIGH), flag(SessionFlag.Level.MEDIUM))))
                .contains(SessionFlag.Level.HIGH);
        assertThat(SessionFlag.highest(List.of(flag(SessionFlag.Level.HIGH), flag(SessionFlag.Level.LOW)))).contains(SessionFlag.Level.HIGH);
        assertThat(SessionFlag.highest(List.of(flag(SessionFlag.Level.LOW), flag(SessionFlag.Level.LOW)))).contains(SessionFlag.Level.LOW);
    }
}
