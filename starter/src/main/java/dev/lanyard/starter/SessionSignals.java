package dev.lanyard.starter;

import java.time.Instant;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.lanyard.starter.SecurityEventTokens.SetRejected;
import dev.lanyard.starter.SecurityEventTokens.VerifiedSet;

/**
 * Acts on a verified SET: a CAEP {@code session-revoked} event ends the Lanyard session its
 * subject names (a complex subject's {@code session}, RFC 9493, in the event or in the SET's
 * {@code sub_id}) or, when it names only the person ({@code user} or an {@code iss_sub} subject),
 * every session of that person that began before the event; its {@code reason_user} is kept for the
 * person's page. SSF's stream updated event means Lanyard changed the stream's status, which the starter
 * never asks for: Lanyard sends it when an admin turned the app's Shared Signals back on, and events of
 * the time between were dropped (a disabled stream keeps none); a receiver cannot tell from the status
 * alone what it missed. So every login that began before the event is taken as ended (fail closed, as
 * for endings forgotten for capacity), and the log says why. Other SSF
 * events (verification) and event types this receiver does not act on are acknowledged and ignored:
 * a SET is a statement of fact, and the receiver decides what it does about it (RFC 8417 section 1).
 * A {@code session-revoked} event that names neither a session nor a person does not conform to
 * its definition and is refused ({@code invalid_request}, RFC 8935 section 2.4).
 */
public class SessionSignals {
    public static final String SESSION_REVOKED = "https://schemas.openid.net/secevent/caep/event-type/session-revoked";
    static final String SSF_EVENTS = "https://schemas.openid.net/secevent/ssf/event-type/";
    static final String STREAM_UPDATED = SSF_EVENTS + "stream-updated";
    private static final Log log = LogFactory.getLog(SessionSignals.class);

    private final EndedSessions ended;
    private final String issuer;

    public SessionSignals(EndedSessions ended, String issuer) {
        this.ended = ended;
        this.issuer = issuer;
    }

    /** What one SET did: how many sessions (or people) it ended. */
    public int apply(VerifiedSet set) {
        int acted = 0;
        for (Map.Entry<String, Map<String, Object>> event : set.events().entrySet()) {
            if (SESSION_REVOKED.equals(event.getKey())) {
                acted += sessionRevoked(set, event.getValue());
            } else if (STREAM_UPDATED.equals(event.getKey())) {
                streamUpdated(set, event.getValue());
            } else if (!event.getKey().startsWith(SSF_EVENTS) && log.isDebugEnabled()) {
                log.debug("SET " + set.jti() + " carries event " + event.getKey() + ", which this receiver does not act on");
            }
        }
        return acted;
    }

    private void streamUpdated(VerifiedSet set, Map<String, Object> payload) {
        String reason = payload.get("reason") instanceof String r && !r.isBlank() ? " (" + r.strip() + ")" : "";
        Instant at = instant(payload.get("event_timestamp"), set.issuedAt());
        if (at.isBefore(set.issuedAt())) at = set.issuedAt();
        ended.everyLoginEndedBefore(at, "Lanyard changed this app's Shared Signals stream to " + payload.get("status") + reason);
    }

    private int sessionRevoked(VerifiedSet set, Map<String, Object> payload) {
        Map<String, Object> subject = payload.get("subject") instanceof Map<?, ?> m ? cast(m) : set.subId();
        Instant at = instant(payload.get("event_timestamp"), set.issuedAt());
        String reason = reasonUser(payload.get("reason_user"));
        String sid = sessionId(subject);
        if (sid != null) {
            ended.sessionEnded(sid, at, reason);
            return 1;
        }
        String sub = userSub(subject);
        if (sub != null) {
            ended.everySessionEnded(sub, at, reason);
            return 1;
        }
        throw new SetRejected("invalid_request", "The session-revoked event names no session and no user of this issuer.");
    }

    private static String sessionId(Map<String, Object> subject) {
        if (subject == null) return null;
        if ("complex".equals(subject.get("format")) && subject.get("session") instanceof Map<?, ?> session
                && "opaque".equals(session.get("format")) && session.get("id") instanceof String id && !id.isBlank()) return id;
        return null;
    }

    private String userSub(Map<String, Object> subject) {
        if (subject == null) return null;
        Map<String, Object> user = "complex".equals(subject.get("format")) && subject.get("user") instanceof Map<?, ?> u ? cast(u) : subject;
        if ("iss_sub".equals(user.get("format")) && issuer.equals(user.get("iss")) && user.get("sub") instanceof String sub && !sub.isBlank())
            return sub;
        return null;
    }

    /** CAEP's {@code reason_user}: language tag → text; English if there, else any; a plain string is taken too. At most 300 characters. */
    static String reasonUser(Object value) {
        String text = null;
        if (value instanceof String s) text = s;
        else if (value instanceof Map<?, ?> byLanguage) {
            Object en = byLanguage.get("en");
            if (en == null) en = byLanguage.values().stream().filter(String.class::isInstance).findFirst().orElse(null);
            if (en instanceof String s) text = s;
        }
        if (text == null || text.isBlank()) return null;
        text = text.strip();
        return text.length() > 300 ? text.substring(0, 300) : text;
    }

    private static Instant instant(Object seconds, Instant otherwise) {
        return seconds instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : otherwise;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
