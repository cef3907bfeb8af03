package dev.lanyard.signals;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.Account;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.Verification;

/**
 * The events Lanyard sends and their payloads: CAEP 1.0 ({@code session-revoked},
 * {@code credential-change}, {@code assurance-level-change}), RISC ({@code account-disabled}), the SSF
 * verification and stream updated events, and the Back-Channel Logout event. Subjects follow RFC 9493:
 * the member as {@code iss_sub} (or {@code email} where the stream asks for it), and a session as a
 * {@code complex} subject of the member and the session ({@code opaque}, its public id, which is the
 * {@code sid} of OIDC).
 */
final class SecurityEvents {
    static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    static final String CREDENTIAL_CHANGE = "https://schemas.openid.net/secevent/caep/event-type/credential-change";
    static final String ASSURANCE_LEVEL_CHANGE = "https://schemas.openid.net/secevent/caep/event-type/assurance-level-change";
    static final String ACCOUNT_DISABLED = "https://schemas.openid.net/secevent/risc/event-type/account-disabled";
    static final String VERIFICATION = "https://schemas.openid.net/secevent/ssf/event-type/verification";
    static final String STREAM_UPDATED = "https://schemas.openid.net/secevent/ssf/event-type/stream-updated";
    static final String BACKCHANNEL_LOGOUT = "http://schemas.openid.net/event/backchannel-logout";

    /**
     * What a stream can ask for (the verification and stream updated events are sent whenever due, whatever a stream
     * requested).
     * No RISC account-purged: Lanyard keeps a removed member's account for history and never deletes it.
     */
    static final Set<String> SUPPORTED = Set.of(SESSION_REVOKED, CREDENTIAL_CHANGE, ASSURANCE_LEVEL_CHANGE, ACCOUNT_DISABLED);

    /**
     * The namespace of Lanyard's assurance levels (CAEP allows one agreed between transmitter and receiver;
     * decision 0029): a session is {@code unverified} or {@code verified} (PRODUCT.md V2). Not NIST-AAL: a
     * verified session may be one approved from another, and may outlive AAL2's reauthentication bounds.
     */
    static final String ASSURANCE_NAMESPACE = "lanyard-verification";
    static final String UNVERIFIED = "unverified";
    static final String VERIFIED = "verified";

    private SecurityEvents() {
    }

    /** One event about a member: its type, its payload, and the session it is about, if it is about one. */
    record Signal(String type, Map<String, Object> payload, Account member, Optional<SessionId> session, Instant at) {
    }

    /** CAEP session-revoked for each way a session ends (S8): who started it, and the reasons for admins and the member. */
    static Signal sessionRevoked(Account member, SessionId id, Session.Ending ending) {
        return sessionRevoked(member, id, ending, ending.at());
    }

    /**
     * {@link #sessionRevoked(Account, SessionId, Session.Ending)} of a session that ended at {@code endedAt}, before the
     * SET is issued at {@code ending.at()}: an expired session ended when it expired, and the sweep or check announces it
     * later.
     */
    static Signal sessionRevoked(Account member, SessionId id, Session.Ending ending, Instant endedAt) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_timestamp", endedAt.getEpochSecond());
        event.put("initiating_entity", initiatingEntity(ending));
        event.put("reason_admin", Map.of("en", ending.labelWithReason()));
        event.put("reason_user", Map.of("en", ending.reason().notice()));
        return new Signal(SESSION_REVOKED, event, member, Optional.of(id), ending.at());
    }

    /** CAEP's initiating entity of a session's ending: the member, an admin, or the team's policy (expiry, the session limit). */
    static String initiatingEntity(Session.Ending ending) {
        return switch (ending.reason()) {
            case SIGNED_OUT, REVOKED, PASSWORD_CHANGED, DENIED, NOT_ME -> "user";
            case ADMIN_REVOKED, REMOVED -> "admin";
            case IDLE_EXPIRED, LIFETIME_EXPIRED, SESSION_LIMIT, CODE_UNUSED -> "policy";
            case APP_CHANGED -> "admin";
            // The app itself, or Lanyard's replay detection: neither the member, an admin nor a policy.
            case APP_REVOKED, APP_SIGNED_OUT, TOKEN_REUSED -> "system";
            case OTHER -> throw new IllegalStateException("No session is ended for a reason only read from newer rows");
        };
    }

    /** CAEP credential-change by the member: a credential of {@code type} was created, updated, revoked or deleted. */
    static Signal credentialChange(Account member, String credentialType, String changeType, String friendlyName, Instant at) {
        return credentialChange(member, credentialType, changeType, friendlyName, at, "user");
    }

    /** CAEP credential-change started by {@code initiatingEntity} ("user", "admin" or "policy"). */
    static Signal credentialChange(Account member, String credentialType, String changeType, String friendlyName, Instant at,
                                   String initiatingEntity) {
        return credentialChange(member, credentialType, changeType, friendlyName, at, at, initiatingEntity);
    }

    /** {@link #credentialChange(Account, String, String, String, Instant, String)} made at {@code changedAt}, issued at {@code at}. */
    static Signal credentialChange(Account member, String credentialType, String changeType, String friendlyName, Instant changedAt,
                                   Instant at, String initiatingEntity) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_timestamp", changedAt.getEpochSecond());
        event.put("initiating_entity", initiatingEntity);
        event.put("credential_type", credentialType);
        event.put("change_type", changeType);
        if (!friendlyName.isEmpty()) event.put("friendly_name", friendlyName);
        return new Signal(CREDENTIAL_CHANGE, event, member, Optional.empty(), at);
    }

    /**
     * CAEP assurance-level-change: a session became verified, by how the sign-in proved itself or by an approval
     * from a verified session. A sign-in with a passkey alone was never unverified, so its previous level is left
     * out (CAEP: the receiver then takes it as unknown), and with it the direction.
     */
    static Signal assuranceLevelChange(Account member, SessionId id, Verification how, Instant at) {
        if (!how.verified()) throw new IllegalArgumentException("an unverified sign-in changes no assurance level");
        return assuranceLevel(member, id, how != Verification.PASSKEY && how != Verification.AUTHORIZED_FROM_VERIFIED, switch (how) {
            case PASSWORD_AND_CODE -> "Signed in with a password and a code (authenticator app or recovery code)";
            case PASSWORD_AND_RECOVERY_CODE -> "Signed in with a password and a recovery code";
            case PASSWORD_AND_PASSKEY -> "Signed in with a password and a passkey";
            case PASSKEY, NONE -> "Signed in with a passkey";
            case AUTHORIZED_FROM_VERIFIED -> "An app's access, authorized from a verified session";
        }, at);
    }

    /** CAEP assurance-level-change: a session that signed in with a password alone passed a second factor later. */
    static Signal verified(Account member, SessionId id, Verification how, Instant at) {
        return assuranceLevel(member, id, true, "Verified with " + how.secondFactor() + " after signing in", at);
    }

    /** CAEP assurance-level-change: a verified session of the member ({@code from}) approved the sign-in {@code id}. */
    static Signal approved(Account member, SessionId id, SessionId from, Instant at) {
        return assuranceLevel(member, id, true, "Approved from verified session " + from.value(), at);
    }

    private static Signal assuranceLevel(Account member, SessionId id, boolean wasUnverified, String reason, Instant at) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_timestamp", at.getEpochSecond());
        event.put("initiating_entity", "user");
        event.put("namespace", ASSURANCE_NAMESPACE);
        event.put("current_level", VERIFIED);
        if (wasUnverified) {
            event.put("previous_level", UNVERIFIED);
            event.put("change_direction", "increase");
        }
        event.put("reason_admin", Map.of("en", reason));
        event.put("reason_user", Map.of("en", "This session is now verified."));
        return new Signal(ASSURANCE_LEVEL_CHANGE, event, member, Optional.of(id), at);
    }

    /** RISC account-disabled: the member was removed from the team and can no longer sign in. */
    static Signal accountDisabled(Account member, Instant at) {
        return new Signal(ACCOUNT_DISABLED, new LinkedHashMap<>(), member, Optional.empty(), at);
    }

    /** The subject of the member, in the stream's format (RFC 9493). */
    static Map<String, Object> member(Account member, String issuer, String format) {
        Map<String, Object> subject = new LinkedHashMap<>();
        if ("email".equals(format)) {
            subject.put("format", "email");
            subject.put("email", member.email());
        } else {
            subject.put("format", "iss_sub");
            subject.put("iss", issuer);
            subject.put("sub", member.id().value());
        }
        return subject;
    }

    /** The subject of a signal: the member, with the session as a complex subject when it is about one. */
    static Map<String, Object> subject(Signal signal, String issuer, String format) {
        Map<String, Object> user = member(signal.member(), issuer, format);
        if (signal.session().isEmpty()) return user;
        Map<String, Object> complex = new LinkedHashMap<>();
        complex.put("format", "complex");
        complex.put("user", user);
        complex.put("session", Map.of("format", "opaque", "id", signal.session().get().value()));
        return complex;
    }

    /** The claims of a SET for one stream (RFC 8417 as SSF 1.0 profiles it: {@code sub_id} at the top). */
    static Map<String, Object> set(Signal signal, String issuer, String audience, String jti, String txn, String format) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("jti", jti);
        claims.put("iat", signal.at().getEpochSecond());
        claims.put("aud", audience);
        claims.put("txn", txn);
        claims.put("sub_id", subject(signal, issuer, format));
        claims.put("events", Map.of(signal.type(), signal.payload()));
        return claims;
    }

    /** The SSF verification event a receiver asked for, echoing its {@code state}. */
    static Map<String, Object> verification(String issuer, String audience, String jti, String streamId, Optional<String> state, Instant at) {
        Map<String, Object> event = new LinkedHashMap<>();
        state.ifPresent(s -> event.put("state", s));
        return aboutStream(issuer, audience, jti, streamId, VERIFICATION, event, at);
    }

    /** The SSF stream updated event: the transmitter changed the stream's status, for {@code reason}. */
    static Map<String, Object> streamUpdated(String issuer, String audience, String jti, String streamId, Stream.Status status,
                                             String reason, Instant at) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("status", status.code());
        event.put("reason", reason);
        return aboutStream(issuer, audience, jti, streamId, STREAM_UPDATED, event, at);
    }

    /** The claims of an SSF event about the stream itself, which is its subject. */
    private static Map<String, Object> aboutStream(String issuer, String audience, String jti, String streamId, String type,
                                                   Map<String, Object> event, Instant at) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("jti", jti);
        claims.put("iat", at.getEpochSecond());
        claims.put("aud", audience);
        claims.put("sub_id", Map.of("format", "opaque", "id", streamId));
        claims.put("events", Map.of(type, event));
        return claims;
    }

    /**
     * The claims of an OIDC Back-Channel Logout token: the issuer of the app's ID tokens, the app as
     * audience, the member and the session ({@code sid}, as in its ID tokens); {@code exp} is set when signed.
     */
    static Map<String, Object> logout(String issuer, String audience, String jti, String sub, SessionId sid, Instant at) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("aud", audience);
        claims.put("iat", at.getEpochSecond());
        claims.put("jti", jti);
        claims.put("sub", sub);
        claims.put("sid", sid.value());
        claims.put("events", Map.of(BACKCHANNEL_LOGOUT, Map.of()));
        return claims;
    }
}
