package dev.lanyard.session;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.AccountId;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Changing a session: its name and its sign-in alerts (while it is active), its verification by a second factor passed
 * after it signed in, and the flags the risk assessment raised on it. Every node drops its cached copy after the commit.
 *
 * <p>A member naming a session or switching its alerts (the sessions pages and API of this module) calls this class:
 * those methods begin their transaction here. Verifying and flagging, which other modules do, go through
 * {@link Sessions}, where those transactions begin.
 */
@Component
class SessionChanges {
    private final SessionStore store;
    private final SessionBroadcast broadcast;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    SessionChanges(SessionStore store, SessionBroadcast broadcast, ApplicationEventPublisher events, Clock clock) {
        this.store = store;
        this.broadcast = broadcast;
        this.events = events;
        this.clock = clock;
    }

    @Transactional
    void rename(SessionId id, AccountId owner, String name) {
        // A name of nothing visible is no name: the session shows its device again.
        String clean = dev.lanyard.FreeText.strip(name);
        if (dev.lanyard.FreeText.length(clean) > Sessions.MAX_NAME)
            throw new SessionProblem.InvalidInput("name", "Use a name of at most " + Sessions.MAX_NAME + " characters.");
        dev.lanyard.FreeText.refusal(clean, false).ifPresent(what -> {
            throw new SessionProblem.InvalidInput("name", "The name cannot contain " + what + ".");
        });
        Session session = store.find(id, owner).filter(Session::active).orElseThrow(SessionProblem.NotFound::new);
        if (session.name().equals(clean)) return; // already so: no timeline line "Renamed" for a name it had
        if (store.rename(id, owner, clean) == 0) throw new SessionProblem.NotFound();
        events.publishEvent(new SessionEvent.Renamed(id, owner, clean, clock.instant()));
        broadcast.changed(List.of(id));
    }

    boolean flag(SessionId id, AccountId owner, List<SessionFlag> flags) {
        if (store.setFlags(id, owner, flags) == 0) return false;
        broadcast.changed(List.of(id));
        return true;
    }

    /**
     * A flag is carried when the session has one of the same code about the same thing: {@code subject} names what a
     * flag is about (a country; a travel between two), and is the same for every flag of a code that is raised once (a
     * new address, an old session). So a session that moves on to a third country is flagged for it too, and its
     * earlier flags stay: each says where it has been. What the session carries is read with its row locked: two
     * assessments at once (two addresses, two nodes) both stay, where writing back what each read would keep only the
     * last.
     */
    List<SessionFlag> addFlags(SessionId id, AccountId owner, List<SessionFlag> flags,
                               java.util.function.Function<SessionFlag, String> subject) {
        Optional<Session> session = store.findLocked(id, owner);
        if (session.isEmpty()) return List.of();
        Set<List<String>> had = new java.util.HashSet<>();
        for (SessionFlag f : session.get().flags()) had.add(List.of(f.code(), subject.apply(f)));
        List<SessionFlag> added = new ArrayList<>();
        // One of each among the new ones too: the same thing found twice in one assessment is one flag.
        for (SessionFlag f : flags) if (had.add(List.of(f.code(), subject.apply(f)))) added.add(f);
        if (added.isEmpty()) return List.of();
        List<SessionFlag> all = new ArrayList<>(session.get().flags());
        all.addAll(added);
        flag(id, owner, all);
        return List.copyOf(added);
    }

    /**
     * Verifies the session, read with its row held until the transaction ends ({@link SessionStore#findLocked}): one
     * signed out or denied at the same moment on another node is found ended, as a moment later, never taken as verified
     * elsewhere; one approved at the same moment is found verified already.
     */
    boolean verify(SessionId id, AccountId owner, Verification how) {
        Session session = store.findLocked(id, owner).filter(Session::active).orElseThrow(SessionProblem.NotFound::new);
        if (!Approvals.approvable(session)) throw new SessionProblem.NotPending("Only sign-ins are verified. API keys and apps are not.");
        return markVerified(session, how);
    }

    /** As {@link #verify}, leaving anything but an active sign-in of {@code owner} as it is instead of refusing it. */
    boolean verifyIfSignedIn(SessionId id, AccountId owner, Verification how) {
        Optional<Session> session = store.findLocked(id, owner).filter(s -> s.active() && Approvals.approvable(s));
        return session.isPresent() && markVerified(session.get(), how);
    }

    /** Marks {@code session}, an active sign-in read with its row held, verified; returns false if it was already. */
    private boolean markVerified(Session session, Verification how) {
        if (!how.verified()) throw new IllegalArgumentException("a session is verified by a second factor, not by " + how);
        SessionId id = session.id();
        AccountId owner = session.account();
        // Verified already (another tab, an approval that committed before this read its row): nothing changes, no second
        // line. Nothing else changes the held row until this commits, so an unverified one is verified here.
        if (session.verified() || store.approve(id, owner) == 0) return false;
        events.publishEvent(new SessionEvent.Verified(id, owner, how, clock.instant()));
        broadcast.changed(List.of(id));
        // Every open page of the member refreshes: the session shows as verified, its approval card goes.
        broadcast.started(owner);
        return true;
    }

    @Transactional
    void setAlerts(SessionId id, AccountId owner, boolean alerts) {
        if (store.setAlerts(id, owner, alerts) == 0) throw new SessionProblem.NotFound();
        broadcast.changed(List.of(id));
    }
}
