package dev.lanyard.session;

import java.time.Clock;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.ui.Model;

/**
 * What the pages of one's own sessions share ({@link SessionPages}, {@link SessionDetailPages}, {@link SignOutPages}):
 * a session's view, who may see the list, why a session ended, and what the last action did.
 */
@Component
class SessionPageParts {
    static final Map<String, String> DONE = Map.ofEntries(
            Map.entry("welcome", "Welcome to Lanyard. This is every place where your account is signed in."),
            Map.entry("renamed", "Session renamed."),
            Map.entry("alerts-on", "Sign-in alerts are on for this session."),
            Map.entry("alerts-off", "Sign-in alerts are off for this session."),
            Map.entry("alerts-off-everywhere", "Sign-in alerts are off for this session. None of your sessions has them on"
                    + " now, so no email is sent when a new device or place signs in to your account."),
            Map.entry("signed-out", "The session was signed out. That device must sign in again."),
            Map.entry("signed-out-selected", "The selected sessions were signed out."),
            Map.entry("signed-out-others", "All other sessions were signed out. This device stays signed in."),
            Map.entry("already-signed-out", "That session had already been signed out, from another page or device: nothing more"
                    + " was done."),
            Map.entry("nothing-selected", "Select at least one session to sign out."),
            Map.entry("none-signed-in", "None of the selected sessions was still signed in, so nothing was signed out."),
            Map.entry("approved", "Sign-in approved. That session is now verified."),
            Map.entry("verified", "This session is verified."),
            Map.entry("denied", "Sign-in denied. That session was signed out."),
            Map.entry("joined", "Welcome to your team on Lanyard. This is every place where your account is signed in."),
            Map.entry("no-longer-admin", "You are now a member of your team. Its admin pages are for its admins only."));

    /** The {@link #DONE} keys that say nothing was done and why: shown as an error, not as a success. */
    private static final java.util.Set<String> REFUSED = java.util.Set.of("nothing-selected");

    private final Sessions sessions;
    private final dev.lanyard.account.Members members;
    private final SessionSettings settings;
    private final Clock clock;

    SessionPageParts(Sessions sessions, dev.lanyard.account.Members members, SessionSettings settings, Clock clock) {
        this.sessions = sessions;
        this.members = members;
        this.settings = settings;
        this.clock = clock;
    }

    /** What the last action did ({@code done}), or why it did nothing, for the page to say. */
    static void tell(Model model, String done) {
        if (done == null || !DONE.containsKey(done)) return;
        model.addAttribute(REFUSED.contains(done) ? "refused" : "done", DONE.get(done));
    }

    /**
     * What the last sign-out did, naming what ended (outside review: "The session was signed out." named nothing): the
     * session {@code session} by its name or device, looked up again among the caller's own ended sessions so that a
     * link cannot put any other text on the page, or how many were signed out ({@code count}, a number only). Anything
     * else is said as {@link #tell(Model, String)} says it.
     */
    void tell(Model model, String done, CurrentSession current, String session, String count) {
        if (("signed-out".equals(done) || "already-signed-out".equals(done)) && session != null && !session.isBlank()
                && session.length() <= 64) {
            Session ended = sessions.find(current.account().id(), java.util.List.of(new SessionId(session))).get(new SessionId(session));
            if (ended != null && ended.ending().isPresent() && !ended.id().equals(current.id())) {
                String title = ended.displayName();
                boolean expired = ended.ending().get().reason().expiry();
                model.addAttribute("done", done.equals("already-signed-out")
                        ? title + (expired ? " had already expired: nothing more was done."
                          : " had already been signed out, from another page or device: nothing more was done.")
                        : title + " was signed out. " + (ended.appType() == AppType.OAUTH ? "That app loses its access."
                          : "That device must sign in again."));
                return;
            }
        }
        if ("signed-out-selected".equals(done) && count != null && count.matches("[1-9][0-9]{0,2}")) {
            int n = Integer.parseInt(count);
            model.addAttribute("done", n == 1 ? "1 session was signed out. That device must sign in again."
                    : n + " sessions were signed out. Those devices must sign in again.");
            return;
        }
        tell(model, done);
    }

    /**
     * Why a session ended, phrased for its owner ("Revoked by you"), and the name of the session it was revoked from, if
     * one is known (else empty): a name someone typed or a User-Agent's description, which the pages show after "from"
     * in a {@code <bdi>} (fragments :: endedWhy), so that a right-to-left name keeps to its place in the sentence.
     */
    record EndedWhy(String reason, String from) {
    }

    /**
     * Why an ended session ended, phrased for its owner: what they did themselves "by you". An API key that reached its expiry "Expired": a key has a
     * lifetime its owner chose, not a session's maximum length (outside review).
     */
    EndedWhy endedBy(Session s, CurrentSession current) {
        Session.Ending e = s.ending().orElseThrow();
        if (s.apiKey() && e.reason().expiry())
            return new EndedWhy("Expired", "");
        return switch (e.reason()) {
            case REVOKED -> new EndedWhy("Revoked by you", e.fromSession().filter(from -> !from.equals(s.id()))
                    .flatMap(from -> {
                        try {
                            return java.util.Optional.of(sessions.get(from, current.account().id()).displayName());
                        } catch (SessionProblem.NotFound gone) {
                            return java.util.Optional.empty();
                        }
                    }).orElse(""));
            // An admin's own sessions and keys, ended by their "Sign out all team sessions" or a sign-out of themselves:
            // "by you", as their own sign-outs read, not "by an admin" (outside review). The ending records who did it.
            case ADMIN_REVOKED -> e.by().filter(current.account().id()::equals).isPresent()
                    ? new EndedWhy((s.apiKey() ? "Revoked by you" : "Signed out by you") + e.note().map(note -> ": " + note).orElse(""), "")
                    : new EndedWhy(e.labelWithReason(), "");
            default -> new EndedWhy(e.labelWithReason(), "");
        };
    }

    /** Whether this account may view its session list beyond its current session. */
    boolean maySeeList(CurrentSession current) {
        return members.maySeeSessionList(current.account());
    }

    /** Restricted members (T5) may look at and act on their current session only. */
    void requireList(CurrentSession current) {
        if (!maySeeList(current)) throw new SessionProblem.Restricted();
    }

    SessionView view(Session session, boolean current) {
        return SessionView.of(session, current, settings.activeWindow(), clock);
    }
}
