package dev.lanyard.session;

import java.util.List;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Each session's own activity timeline (PRODUCT.md S3): signed in, address or place changed,
 * renamed, ended. Written in the transaction of the change it records.
 */
@Component
class Timeline {
    static final int MAX_ENTRIES = 100;

    private final TimelineStore store;
    private final SessionStore sessions;

    Timeline(TimelineStore store, SessionStore sessions) {
        this.store = store;
        this.sessions = sessions;
    }

    /** A timeline entry phrased for a person. */
    record Line(java.time.Instant at, String when, String text) {
    }

    @EventListener
    void on(SessionEvent event) {
        if (event instanceof SessionEvent.Started started) {
            store.add(started.id(), started.at(), "signed-in", "");
        } else if (event instanceof SessionEvent.AddressChanged moved) {
            store.add(moved.id(), moved.at(), "address-changed", moved.toIp());
            if (!moved.to().label().equals(moved.from().label())) {
                store.add(moved.id(), moved.at(), "location-changed", moved.to().label());
            }
        } else if (event instanceof SessionEvent.Approved approved) {
            store.add(approved.id(), approved.at(), "approved",
                    sessions.find(approved.from(), approved.owner()).map(Session::displayName).orElse(""));
        } else if (event instanceof SessionEvent.Renamed renamed) {
            store.add(renamed.id(), renamed.at(), "renamed", renamed.name());
        }
    }

    /** One "ended" line on each session's timeline, written in a few statements for the whole batch. */
    @EventListener
    void on(SessionsEnded ended) {
        store.addToEach(ended.sessions().stream().map(Session::id).toList(), ended.at(), "ended", ended.ending().reason().name());
    }

    List<Line> of(SessionId id) {
        return store.latest(id, MAX_ENTRIES).stream().map(e -> new Line(e.at(), SessionView.EXACT.format(e.at()), text(e))).toList();
    }

    private static String text(TimelineStore.Entry e) {
        return switch (e.kind()) {
            case "signed-in" -> "Signed in";
            case "address-changed" -> "Used from a new IP address: " + e.detail();
            case "location-changed" -> "Location changed to " + e.detail();
            case "approved" -> e.detail().isEmpty() ? "Verified: approved from a verified session"
                    : "Verified: approved from " + e.detail();
            case "renamed" -> e.detail().isEmpty() ? "Name removed" : "Renamed to “" + e.detail() + "”";
            case "ended" -> "Ended: " + EndReason.valueOf(e.detail()).label();
            default -> e.kind();
        };
    }
}
