package dev.lanyard.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Approving a new sign-in from a verified session (PRODUCT.md V2). A session is verified when it passed a
 * second factor, or when a verified session of the same member approved it; denying the sign-in ends it
 * ({@link EndReason#DENIED}). The approver's verification is read from the database, never from a cache.
 */
@Service
public class Approvals {
    /**
     * A sign-in this recent asks the member's verified sessions "Approve this sign-in?" on the sessions page.
     * An older unverified one is still marked and counted, and can be approved from its details page or the API.
     */
    public static final Duration WINDOW = Duration.ofDays(7);
    /** At most this many approval cards at once; the rest are under the Unverified filter. */
    static final int MAX_CARDS = 5;

    private final SessionStore store;
    private final SessionBroadcast broadcast;
    private final SessionEnds ends;
    private final ActivityRecorder activity;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    Approvals(SessionStore store, SessionBroadcast broadcast, SessionEnds ends, ActivityRecorder activity,
              ApplicationEventPublisher events, Clock clock) {
        this.store = store;
        this.broadcast = broadcast;
        this.ends = ends;
        this.activity = activity;
        this.events = events;
        this.clock = clock;
    }

    /** Whether {@code current} may approve or deny sign-ins: a verified sign-in (never an API key). */
    public boolean mayApprove(CurrentSession current) {
        if (current.apiKey()) return false;
        return store.find(current.id(), current.account().id()).filter(Session::active).map(Session::verified).orElse(false);
    }

    /**
     * The sign-ins that ask {@code current} for approval, newest first: active, unverified sign-ins of the same
     * member started within {@link #WINDOW}, other than {@code current}. Empty unless {@code current} may approve.
     * One past its lifetime or idle timeout that the sweep has not ended yet asks nothing: it reads as ended, as in the
     * lists ({@link Session#endedIfExpired}). Each is {@link #asSignedIn as it signed in}: the card asks about the sign-in.
     */
    public List<Session> pending(CurrentSession current) {
        if (!mayApprove(current)) return List.of();
        Instant now = clock.instant();
        Instant since = now.minus(WINDOW);
        return asSignedIn(current.account().id(), store.active(current.account().id(), ListFilter.UNVERIFIED, Instant.EPOCH,
                        Sessions.MAX_PAGE, Optional.empty())
                .stream()
                .map(activity::withPending)
                .filter(s -> approvable(s) && !s.id().equals(current.id()) && !s.createdAt().isBefore(since)
                        && s.expiry(now).isEmpty())
                .sorted(java.util.Comparator.comparing(Session::createdAt).reversed())
                .limit(MAX_CARDS)
                .toList());
    }

    /**
     * These sessions of {@code owner} at the address and place they signed in from, which is what a member approves or
     * denies (outside review: the card named where the session was used last, a local network, beside its own flag "First
     * sign-in from Spain"). A session used from elsewhere since kept the network of that address and its place
     * ({@link SessionStore#signedInFrom}); one still where it signed in, or that moved before Lanyard kept them, is as it is.
     */
    public List<Session> asSignedIn(AccountId owner, List<Session> sessions) {
        java.util.Map<SessionId, AddressChanges.Address> signedIn = store.signedInFrom(owner, sessions.stream().map(Session::id).toList());
        return sessions.stream().map(s -> Optional.ofNullable(signedIn.get(s.id()))
                .map(from -> s.movedTo(from.ip(), from.location())).orElse(s)).toList();
    }

    /** Whether a session can be approved at all: a sign-in, not an API key or an app's grant. */
    public static boolean approvable(Session s) {
        return !s.apiKey() && s.appType() != AppType.OAUTH;
    }

    /**
     * Makes the sign-in {@code id} verified, approved by {@code by}. Returns true if it is verified now, false if it had
     * expired, whether the sweep has ended it yet or not (one past its lifetime or idle timeout reads as ended,
     * {@link Session#endedIfExpired}): it stays unverified and nothing is announced or audited. Safe to repeat: approving
     * a session that is verified already changes nothing.
     *
     * <p>Decided on the sign-in's row, held until the approval commits ({@link SessionStore#findLocked}): a Deny or a
     * sign-out of it at the same moment on another node comes wholly before or after, so the later one answers as it
     * would a moment later, and records nothing.
     *
     * @throws SessionProblem.NotVerified {@code by} is not a verified session
     * @throws SessionProblem.NotFound    no such session of the same member, or it ended otherwise than by expiring
     * @throws SessionProblem.NotPending  an API key or an app's grant
     */
    @Transactional
    public boolean approve(SessionId id, CurrentSession by) {
        Session target = target(held(id, by));
        if (!target.active()) return false;
        if (target.verified()) return true;
        Instant now = clock.instant();
        AccountId owner = by.account().id();
        // Held, active and unverified, so it changes; were it not, there would be no sign-in to approve.
        if (store.approve(id, owner) == 0) throw new SessionProblem.NotFound();
        events.publishEvent(new SessionEvent.Approved(id, owner, by.id(), now));
        broadcast.changed(List.of(id));
        // Every open page of the member refreshes: the card goes, the session shows as verified.
        broadcast.started(owner);
        return true;
    }

    /**
     * Ends the unverified sign-in {@code id}, denied by {@code by}. Returns true if this denied it, false if it had been
     * denied already or had expired, whether the sweep has ended it yet or not: one the sweep has not ended yet ends as
     * expired, when it expired, as it already reads ({@link SessionEnds#finish}). Safe to repeat: a session that was
     * denied or had expired changes nothing. Decided on the sign-in's row, held until the ending commits, as
     * {@link #approve} is: a sign-in approved at the same moment is verified here, and not ended.
     *
     * @throws SessionProblem.NotVerified {@code by} is not a verified session
     * @throws SessionProblem.NotFound    no such session of the same member, or it ended for another reason
     * @throws SessionProblem.NotPending  the session is verified (sign it out instead), an API key or an app's grant
     */
    @Transactional
    public boolean deny(SessionId id, CurrentSession by) {
        Session found = held(id, by);
        if (found.ending().map(e -> e.reason() == EndReason.DENIED).orElse(false)) return false;
        Session target = target(found);
        if (target.active() && target.verified())
            throw new SessionProblem.NotPending("This session is verified. To end it, sign it out instead.");
        AccountId owner = by.account().id();
        return !ends.finish(List.of(id), owner, Session.Ending.by(EndReason.DENIED, clock.instant(), owner, by.id())).isEmpty();
    }

    /**
     * The session {@code id} of {@code by}'s member, its row held until the transaction ends, once {@code by} is known to
     * be a verified session that may decide on it.
     */
    private Session held(SessionId id, CurrentSession by) {
        if (!mayApprove(by)) throw new SessionProblem.NotVerified();
        return store.findLocked(id, by.account().id()).orElseThrow(SessionProblem.NotFound::new);
    }

    /**
     * The sign-in {@code held} as it reads now, with the activity this node has not written yet, as the lists and every
     * ending read it: active, or ended by expiring. One that expired answers the same before and after the sweep ends it:
     * a member who opens the mail's link a minute late is told it had expired either way.
     */
    private Session target(Session held) {
        Session target = activity.withPending(held).endedIfExpired(clock.instant());
        if (!target.active() && !target.ending().map(e -> e.reason().expiry()).orElse(false)) throw new SessionProblem.NotFound();
        if (!approvable(target))
            throw new SessionProblem.NotPending("Only sign-ins can be approved or denied. API keys and apps are not.");
        return target;
    }
}
