package dev.lanyard.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.lanyard.session.SessionFlag;
import org.junit.jupiter.api.Test;

/** The first sentence of a sign-in alert fits the reasons it is sent for. */
class SignInAlertOpeningTest {
    private static SessionFlag flag(String code) {
        return new SessionFlag(code, SessionFlag.Level.MEDIUM, code);
    }

    @Test
    void anAlertForImpossibleTravelAloneDoesNotSpeakOfANewDeviceOrPlace() {
        assertThat(SignInAlerts.opening(List.of(flag(RiskRules.IMPOSSIBLE_TRAVEL))))
                .doesNotContain("not been used from before").contains("too far from where it was last used");
    }

    @Test
    void anAlertForANewDeviceSaysADeviceAndForBothSaysBoth() {
        assertThat(SignInAlerts.opening(List.of(flag(RiskRules.NEW_DEVICE))))
                .isEqualTo("Your Lanyard account was just signed in to from a device it has not been used from before.");
        assertThat(SignInAlerts.opening(List.of(flag(RiskRules.NEW_DEVICE), flag(RiskRules.NEW_COUNTRY))))
                .contains("from a device and a country it has not been used from before");
        assertThat(SignInAlerts.opening(List.of(flag(RiskRules.NEW_COUNTRY), flag(RiskRules.IMPOSSIBLE_TRAVEL))))
                .contains("from a country it has not been used from before").contains("too far");
    }
}
