package dev.lanyard.signals;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Role;
import dev.lanyard.account.TeamId;
import dev.lanyard.session.EndReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.Verification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SecurityEventsTest {
    private static final Instant AT = Instant.parse("2026-03-01T10:00:00Z");
    private static final Account ADA = new Account(new AccountId("acc_ada"), new TeamId("team_1"), "ada@example.com", "Ada", Role.MEMBER, AT);

    private static Session.Ending ending(EndReason reason, Optional<String> note) {
        return new Session.Ending(AT, reason, Optional.empty(), Optional.empty(), note);
    }

    @ParameterizedTest
    // OTHER is only read from rows a newer build wrote (decision 74): no session ends for it here.
    @EnumSource(value = EndReason.class, mode = EnumSource.Mode.EXCLUDE, names = "OTHER")
    void everyWaySessionEndsIsASessionRevokedEventWithReasons(EndReason reason) {
        SecurityEvents.Signal signal = SecurityEvents.sessionRevoked(ADA, new SessionId("ses_1"), ending(reason, Optional.empty()));
        assertThat(signal.type()).isEqualTo(SecurityEvents.SESSION_REVOKED);
        assertThat(signal.payload().get("event_timestamp")).isEqualTo(AT.getEpochSecond());
        // CAEP 1.0's four: an app's own revocation and replay detection are neither the member, an admin nor a policy.
        assertThat(signal.payload().get("initiating_entity")).isIn("user", "admin", "policy", "system");
        if (java.util.Set.of(EndReason.APP_REVOKED, EndReason.APP_SIGNED_OUT, EndReason.TOKEN_REUSED).contains(reason)) {
            assertThat(signal.payload().get("initiating_entity")).isEqualTo("system");
        }
        assertThat(signal.payload().get("reason_user")).isEqualTo(Map.of("en", reason.notice()));
        assertThat(signal.payload().get("reason_admin")).isEqualTo(Map.of("en", reason.label()));
    }

    @Test
    void adminForceOutCarriesTheAdminsReason() {
        var signal = SecurityEvents.sessionRevoked(ADA, new SessionId("ses_1"), ending(EndReason.ADMIN_REVOKED, Optional.of("Laptop stolen")));
        assertThat(signal.payload().get("initiating_entity")).isEqualTo("admin");
        assertThat(signal.payload().get("reason_admin")).isEqualTo(Map.of("en", "Signed out by an admin: Laptop stolen"));
    }

    @Test
    void expiryIsInitiatedByPolicy() {
        assertThat(SecurityEvents.sessionRevoked(ADA, new SessionId("s"), ending(EndReason.IDLE_EXPIRED, Optional.empty()))
                .payload().get("initiating_entity")).isEqualTo("policy");
        assertThat(SecurityEvents.sessionRevoked(ADA, new SessionId("s"), ending(EndReason.LIFETIME_EXPIRED, Optional.empty()))
                .payload().get("initiating_entity")).isEqualTo("policy");
    }

    @Test
    void sessionEventHasAComplexSubjectOfMemberAndSession() {
        var signal = SecurityEvents.sessionRevoked(ADA, new SessionId("ses_1"), ending(EndReason.REVOKED, Optional.empty()));
        Map<String, Object> set = SecurityEvents.set(signal, "https://lanyard.example", "lc_app", "jti-1", "txn-1", "iss_sub");
        assertThat(set.get("sub_id")).isEqualTo(Map.of("format", "complex",
                "user", Map.of("format", "iss_sub", "iss", "https://lanyard.example", "sub", "acc_ada"),
                "session", Map.of("format", "opaque", "id", "ses_1")));
        assertThat(set).containsEntry("iss", "https://lanyard.example").containsEntry("aud", "lc_app").containsEntry("jti", "jti-1")
                .containsEntry("txn", "txn-1").containsEntry("iat", AT.getEpochSecond());
    }

    /**
     * A session or key that expired ended then, before the check or sweep that ended it issues the SET: the event says
     * when it ended, {@code iat} when it was issued.
     */
    @Test
    void anExpiryAnnouncedLaterSaysWhenItHappenedAndIsIssuedWhenAnnounced() {
        Instant expired = AT.minusSeconds(50);
        var session = SecurityEvents.sessionRevoked(ADA, new SessionId("ses_1"), ending(EndReason.IDLE_EXPIRED, Optional.empty()), expired);
        var key = SecurityEvents.credentialChange(ADA, "api-key", "revoke", "CI", expired, AT, "policy");
        for (var signal : java.util.List.of(session, key)) {
            assertThat(signal.payload()).as(signal.type()).containsEntry("event_timestamp", expired.getEpochSecond());
            assertThat(SecurityEvents.set(signal, "https://lanyard.example", "lc_app", "jti-1", "txn-1", "iss_sub"))
                    .as(signal.type()).containsEntry("iat", AT.getEpochSecond());
        }
    }

    /** An API key ended by an admin's sign-out or by its expiry is no revocation of its owner's. */
    @Test
    void anApiKeyEndedByAnAdminOrByPolicySaysSo() {
        for (var ended : java.util.Map.of(EndReason.ADMIN_REVOKED, "admin", EndReason.LIFETIME_EXPIRED, "policy", EndReason.REVOKED, "user").entrySet()) {
            var signal = SecurityEvents.credentialChange(ADA, "api-key", "revoke", "CI", AT,
                    SecurityEvents.initiatingEntity(ending(ended.getKey(), Optional.empty())));
            assertThat(signal.payload()).as(ended.getKey().name()).containsEntry("initiating_entity", ended.getValue())
                    .containsEntry("credential_type", "api-key").containsEntry("change_type", "revoke");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Verification.class, names = {"PASSWORD_AND_CODE", "PASSWORD_AND_PASSKEY"})
    void secondFactorRaisesTheSessionFromUnverifiedToVerified(Verification how) {
        var signal = SecurityEvents.assuranceLevelChange(ADA, new SessionId("ses_1"), how, AT);
        assertThat(signal.type()).isEqualTo(SecurityEvents.ASSURANCE_LEVEL_CHANGE);
        assertThat(signal.session()).contains(new SessionId("ses_1"));
        assertThat(signal.payload()).containsEntry("namespace", "lanyard-verification").containsEntry("current_level", "verified")
                .containsEntry("previous_level", "unverified").containsEntry("change_direction", "increase")
                .containsEntry("initiating_entity", "user").containsEntry("event_timestamp", AT.getEpochSecond())
                .containsKeys("reason_admin", "reason_user");
    }

    @Test
    void passkeySignInHasNoPreviousLevelAndSoNoDirection() {
        var signal = SecurityEvents.assuranceLevelChange(ADA, new SessionId("ses_1"), Verification.PASSKEY, AT);
        assertThat(signal.payload()).containsEntry("current_level", "verified").doesNotContainKeys("previous_level", "change_direction");
    }

    @Test
    void anUnverifiedSignInChangesNoAssuranceLevel() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> SecurityEvents.assuranceLevelChange(ADA, new SessionId("ses_1"), Verification.NONE, AT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void approvalNamesTheApprovingSessionForAdmins() {
        var signal = SecurityEvents.approved(ADA, new SessionId("ses_new"), new SessionId("ses_laptop"), AT);
        assertThat(signal.session()).contains(new SessionId("ses_new"));
        assertThat(signal.payload()).containsEntry("previous_level", "unverified").containsEntry("change_direction", "increase")
                .containsEntry("reason_admin", Map.of("en", "Approved from verified session ses_laptop"));
    }

    @Test
    void everySupportedEventIsACaepOrRiscEventTypeUri() {
        assertThat(SecurityEvents.SUPPORTED).allMatch(uri -> uri.startsWith("https://schemas.openid.net/secevent/caep/event-type/")
                || uri.startsWith("https://schemas.openid.net/secevent/risc/event-type/"));
        assertThat(SecurityEvents.SUPPORTED).contains(SecurityEvents.ASSURANCE_LEVEL_CHANGE);
    }

    @Test
    void accountEventNamesTheMemberByEmailWhenTheStreamAsks() {
        var signal = SecurityEvents.accountDisabled(ADA, AT);
        Map<String, Object> set = SecurityEvents.set(signal, "https://lanyard.example", "lc_app", "j", "t", "email");
        assertThat(set.get("sub_id")).isEqualTo(Map.of("format", "email", "email", "ada@example.com"));
        assertThat(set.get("events")).isEqualTo(Map.of(SecurityEvents.ACCOUNT_DISABLED, Map.of()));
    }

    @Test
    void streamUpdatedNamesTheStreamAsItsSubjectWithTheNewStatusAndWhy() {
        Map<String, Object> set = SecurityEvents.streamUpdated("https://lanyard.example", "lc_app", "j", "stream-1", Stream.Status.ENABLED,
                "Back on.", AT);
        assertThat(set.get("sub_id")).isEqualTo(Map.of("format", "opaque", "id", "stream-1"));
        assertThat(set.get("events")).isEqualTo(Map.of("https://schemas.openid.net/secevent/ssf/event-type/stream-updated",
                Map.of("status", "enabled", "reason", "Back on.")));
        assertThat(set).containsEntry("iss", "https://lanyard.example").containsEntry("aud", "lc_app").containsEntry("jti", "j")
                .containsEntry("iat", AT.getEpochSecond());
    }
}
