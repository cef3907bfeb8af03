package dev.lanyard.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.geo.GeoLocation;
import org.springframework.context.event.EventListener;
import org.springframework.modulith.NamedInterface;
import org.springframework.stereotype.Component;

/**
 * Each session's own activity timeline (PRODUCT.md S3): signed in, address or place changed,
 * verified, renamed, ended. Written in the transaction of the change it records, except the last
 * line of an ended session, which is read from the session's own row (its end time and reason):
 * an ending of 10,000 sessions then writes nothing here (docs/decisions/0035). Open ({@code views}) to the
 * modules that show a member's own sessions elsewhere (the data export).
 */
@Component
@NamedInterface("views")
public class Timeline {
    static final int MAX_ENTRIES = 100;

    private final TimelineStore store;
    private final SessionStore sessions;

    Timeline(TimelineStore store, SessionStore sessions) {
        this.store = store;
        this.sessions = sessions;
    }

    /** A timeline entry phrased for a person. */
    public record Line(java.time.Instant at, String when, String text) {
    }

    @EventListener
    void on(SessionEvent event) {
        if (event instanceof SessionEvent.Started started) {
            // How it signed in (decision 0066); an app's grant is no sign-in of its own and says nothing of one.
            store.add(started.id(), started.at(), "signed-in",
                    started.session().appType() == AppType.OAUTH ? "" : started.verification().name());
        } else if (event instanceof SessionEvent.AddressChanged moved) {
            store.add(moved.id(), moved.at(), "address-changed", moved.toIp());
            if (!moved.to().label().equals(moved.from().label())) {
                store.add(moved.id(), moved.at(), "location-changed", moved.to().label());
            }
        } else if (event instanceof SessionEvent.Approved approved) {
            store.add(approved.id(), approved.at(), "approved",
                    sessions.find(approved.from(), approved.owner()).map(Session::displayName).orElse(""));
        } else if (event instanceof SessionEvent.Verified verified) {
            store.add(verified.id(), verified.at(), "verified", verified.how().name());
        } else if (event instanceof SessionEvent.Renamed renamed) {
            store.add(renamed.id(), renamed.at(), "renamed", renamed.name());
        }
    }

    /** The session's newest lines, oldest first; an ended session's last line says when and why it ended. */
    public List<Line> of(Session session) {
        List<Line> lines = new ArrayList<>(store.latest(session.id(), MAX_ENTRIES).stream().map(Timeline::line).toList());
        if (session.ending().isPresent() && lines.size() == MAX_ENTRIES) lines.remove(0);
        return ended(session, lines);
    }

    /**
     * Each session's whole timeline, however long, as {@link #of} phrases it, for the data export, which
     * promises everything Lanyard keeps: one query for all of them (a page of sessions).
     */
    public Map<SessionId, List<Line>> whole(List<Session> sessions) {
        Map<SessionId, List<TimelineStore.Entry>> entries = store.all(sessions.stream().map(Session::id).toList());
        Map<SessionId, List<Line>> lines = new HashMap<>();
        for (Session s : sessions) {
            lines.put(s.id(), ended(s, new ArrayList<>(entries.getOrDefault(s.id(), List.of()).stream().map(Timeline::line).toList())));
        }
        return lines;
    }

    /**
     * Of these sessions, those approved from a verified session or verified with a second factor at or after
     * {@code since}: a sign-in verified at once, with its second factor, is not among them.
     */
    public java.util.Set<SessionId> verifiedSince(java.util.Collection<SessionId> ids, java.time.Instant since) {
        java.util.Set<SessionId> verified = new java.util.HashSet<>();
        store.all(ids).forEach((id, entries) -> {
            if (entries.stream().anyMatch(e -> (e.kind().equals("approved") || e.kind().equals("verified")) && !e.at().isBefore(since)))
                verified.add(id);
        });
        return verified;
    }

    private static List<Line> ended(Session session, List<Line> lines) {
        // With an admin's reason, as the member's history gives it (T3).
        session.ending().ifPresent(ending -> lines.add(line(ending.at(), "Ended: " + ending.labelWithReason())));
        return List.copyOf(lines);
    }

    private static Line line(TimelineStore.Entry e) {
        return line(e.at(), text(e));
    }

    private static Line line(java.time.Instant at, String text) {
        return new Line(at, SessionView.EXACT.format(at), text);
    }

    /** "Verified with a passkey": a second factor passed after the sign-in. */
    private static String verified(String how) {
        try {
            return "Verified with " + Verification.valueOf(how).secondFactor();
        } catch (IllegalArgumentException unknown) {
            return "Verified";
        }
    }

    /** "Signed in with a password and a passkey"; entries written before the method was kept say "Signed in". */
    static String signedIn(String how) {
        try {
            return how.isEmpty() ? "Signed in" : "Signed in with " + Verification.valueOf(how).method();
        } catch (IllegalArgumentException unknown) {
            return "Signed in";
        }
    }

    private static String text(TimelineStore.Entry e) {
        return switch (e.kind()) {
            case "signed-in" -> signedIn(e.detail());
            case "address-changed" -> "Used from a new IP address: " + ClientAddresses.shown(e.detail());
            case "device-bound" -> "Bound to a key this device keeps: its cookie is renewed every few minutes";
            case "location-changed" -> "Location changed to " + switch (e.detail()) {
                // The detail is the place's label ("Madrid, Spain"), written when it changed.
                case GeoLocation.LOCAL_NETWORK -> "a local network";
                case GeoLocation.UNKNOWN_LOCATION -> "an unknown location";
                default -> e.detail();
            };
            case "approved" -> e.detail().isEmpty() ? "Verified: approved from a verified session"
                    : "Verified: approved from " + e.detail();
            case "verified" -> verified(e.detail());
            case "renamed" -> e.detail().isEmpty() ? "Name removed" : "Renamed to “" + e.detail() + "”";
            default -> e.kind();
        };
    }
}
