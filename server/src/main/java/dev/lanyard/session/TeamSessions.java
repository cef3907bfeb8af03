package dev.lanyard.session;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountEvent;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.AccountProblem;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Role;
import dev.lanyard.account.TeamId;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Team admins' view of and power over their team's sessions (PRODUCT.md T2–T4). Every method
 * checks that the caller is an admin (else 403) and that the member is in the caller's team (else
 * "not found", exactly like an unknown id).
 */
@Service
public class TeamSessions {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TeamSessions.class);
    static final int MAX_REASON = 500;

    private final SessionStore store;
    private final SessionReads reads;
    private final TeamSessionStore teamStore;
    private final TeamSignOuts signOuts;
    private final SessionBroadcast broadcast;
    private final SessionEnds ends;
    private final Accounts accounts;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final Clock clock;

    TeamSessions(SessionStore store, SessionReads reads, TeamSessionStore teamStore, TeamSignOuts signOuts,
                 SessionBroadcast broadcast, SessionEnds ends, Accounts accounts, ApplicationEventPublisher events,
                 TransactionTemplate transactions, Clock clock) {
        this.store = store;
        this.reads = reads;
        this.teamStore = teamStore;
        this.signOuts = signOuts;
        this.broadcast = broadcast;
        this.ends = ends;
        this.accounts = accounts;
        this.events = events;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * A member with their number of active sessions and their last activity, in any session, ended ones
     * included (PRODUCT.md T2): a member signed out a minute ago was active a minute ago.
     */
    public record MemberSessions(Account member, int active, Optional<Instant> lastActive, int flagged) {
    }

    /**
     * One page of the team overview, the {@link Cursors cursor} of the next page, the team's total of active sessions and
     * how many of them a sign-out of the team by the admin who asked would end ({@link #teamSignOutWouldEnd}), both from
     * one count.
     */
    public record Overview(List<MemberSessions> members, Optional<String> nextCursor, int totalActive, int signOutWouldEnd) {
    }

    /** @param cursor the {@link Overview#nextCursor()} of the previous page; a value that is not one is refused */
    public Overview overview(CurrentSession admin, String emailPrefix, int limit, Optional<String> cursor) {
        return overview(admin, emailPrefix, false, limit, cursor);
    }

    /** {@link #overview(CurrentSession, String, int, Optional)}; {@code flaggedOnly}: only members with a flagged active session. */
    public Overview overview(CurrentSession admin, String emailPrefix, boolean flaggedOnly, int limit, Optional<String> cursor) {
        requireAdmin(admin);
        Optional<String> afterEmail = cursor.flatMap(Cursors::decodeEmail);
        int size = Math.max(1, Math.min(limit, Sessions.MAX_PAGE));
        String prefix = emailPrefix == null ? "" : emailPrefix.strip().toLowerCase(java.util.Locale.ROOT);
        Instant now = clock.instant();
        List<TeamSessionStore.MemberCount> rows = teamStore.members(admin.account().team(), prefix, flaggedOnly, now, size + 1, afterEmail);
        // One statement for the page's accounts, not one per row; a member removed meanwhile is left out.
        java.util.Map<AccountId, Account> found = accounts.find(rows.stream().limit(size).map(TeamSessionStore.MemberCount::account).toList());
        List<MemberSessions> members = rows.stream().limit(size).filter(r -> found.containsKey(r.account()))
                .map(r -> new MemberSessions(found.get(r.account()), r.active(), r.lastActive(), r.flagged())).toList();
        Optional<String> next = rows.size() > size && !members.isEmpty()
                ? Optional.of(Cursors.encode(members.get(members.size() - 1).member().email())) : Optional.empty();
        TeamSessionStore.ActiveCount active = teamStore.activeCount(admin.account().team(), kept(admin), now);
        return new Overview(members, next, active.all(), active.ending());
    }

    /**
     * How many active sessions and API keys a sign-out of the team by {@code admin} would end now: all of the team's but the
     * admin's own sign-in ({@link #signOutTeam}). None, and the sign-out is not offered.
     */
    public int teamSignOutWouldEnd(CurrentSession admin) {
        requireAdmin(admin);
        return teamStore.activeCount(admin.account().team(), kept(admin), clock.instant()).ending();
    }

    /** The session a team sign-out leaves: the admin's own sign-in; an API key making the request ends with the team's other keys. */
    private static Optional<SessionId> kept(CurrentSession admin) {
        return admin.apiKey() ? Optional.empty() : Optional.of(admin.id());
    }

    /**
     * A page of the member's active sessions and API keys with every detail, in the order of the member's own list
     * (most recently active first, keys never used last); the {@link Sessions.Page#nextCursor} reads the next page.
     */
    public Sessions.Page<Session> of(CurrentSession admin, AccountId memberId, int limit, Optional<String> cursor) {
        return reads.active(member(admin, memberId).id(), Optional.empty(), ListFilter.ALL, limit, cursor);
    }

    /** {@link #of} in {@code order}: by sign-in, a walk through the pages lists each session that stays active once. */
    public Sessions.Page<Session> of(CurrentSession admin, AccountId memberId, ListOrder order, int limit, Optional<String> cursor) {
        return switch (order) {
            case RECENTLY_ACTIVE -> of(admin, memberId, limit, cursor);
            case SIGNED_IN -> reads.bySignIn(member(admin, memberId).id(), ListFilter.ALL, limit, cursor);
        };
    }

    /**
     * {@link #of} without the member's API keys, which the member's page lists apart ({@code keys.ApiKeys}), so that many
     * sessions never push them off it (outside review: a member with 502 sessions showed 100 and "No active API keys").
     */
    public Sessions.Page<Session> withoutKeysOf(CurrentSession admin, AccountId memberId, int limit, Optional<String> cursor) {
        return reads.activeWithoutKeys(member(admin, memberId).id(), limit, cursor);
    }

    /**
     * How many active sessions (API keys left out) and API keys the member has, and how many of each a
     * {@link #forceSignOut} by {@code admin} would end now: all of them, but the session the admin uses on their own
     * page. Counted as the lists read them, whatever their number; sessions expired but not yet swept are not counted,
     * as a force sign-out does not count them.
     */
    public record MemberCounts(int sessions, int keys, int endingSessions, int endingKeys) {
        /** Whether a force sign-out would end nothing. */
        public boolean nothingToEnd() {
            return endingSessions == 0 && endingKeys == 0;
        }
    }

    /** {@link MemberCounts} of a member of the admin's team. */
    public MemberCounts counts(CurrentSession admin, AccountId memberId) {
        Account member = member(admin, memberId);
        Instant now = clock.instant();
        Instant inactiveBefore = now.minus(ListFilter.INACTIVE_AFTER);
        ListFilter.Counts all = store.count(member.id(), now, inactiveBefore, Optional.empty());
        ListFilter.Counts ending = member.id().equals(admin.account().id())
                ? store.count(member.id(), now, inactiveBefore, Optional.of(admin.id())) : all;
        return new MemberCounts(all.all() - all.apiKeys(), all.apiKeys(), ending.all() - ending.apiKeys(), ending.apiKeys());
    }

    public Account member(CurrentSession admin, AccountId memberId) {
        requireAdmin(admin);
        return accounts.find(memberId).filter(m -> m.team().equals(admin.account().team()))
                .orElseThrow(AccountProblem.NotFound::new);
    }

    /**
     * Ends every session and API key of a member, with a required reason the member will see. Returns how many sessions
     * and how many API keys ended.
     * Safe to repeat: where nothing was active, nothing ends and nothing is recorded (an audit entry of "0 sessions"
     * would say an admin acted on the member when nothing happened to them). Sessions that had expired but that the
     * sweep had not ended yet end as expired, when they expired, and are not counted ({@link SessionEnds#endAll}).
     */
    public SignOutCount forceSignOut(CurrentSession admin, AccountId memberId, String reason) {
        Account member = member(admin, memberId);
        String why = checkedReason(reason);
        return transactions.execute(tx -> {
            accounts.lockTeamAsAdmin(admin.account());
            Instant now = clock.instant();
            Session.Ending ending = new Session.Ending(now, EndReason.ADMIN_REVOKED, Optional.of(admin.account().id()),
                    Optional.of(admin.id()), Optional.of(why));
            Optional<SessionId> keep = member.id().equals(admin.account().id()) ? Optional.of(admin.id()) : Optional.empty();
            SignOutCount ended = SignOutCount.of(ends.endAll(member.id(), keep, ending));
            if (ended.total() == 0) return ended;
            events.publishEvent(new AdminSignOut.Member(admin.account().team(), admin.account().id(), admin.id(),
                    member.id(), why, ended, now));
            return ended;
        });
    }

    /**
     * Ends every session of the team but the admin's current one (an API key making the request ends too), in batches,
     * with a reason. Returns how many sessions and how many API keys ended.
     * Safe to repeat: where nothing but the admin's own sign-in is active, nothing ends and nothing is recorded, as for a
     * member's {@link #forceSignOut} (sessions expired but not yet swept are left to the sweep, which ends them as expired).
     * Where it signs the team out, sessions that had expired end first as expired, when they expired, as the sweep would
     * end them, and are not counted ({@link TeamSignOuts#endSessions}). It ends the sessions and keys signed in by its start,
     * when the admin asked: a member who signs in while it runs keeps that session.
     *
     * <p>It is recorded as started before its first batch, and each batch's count with the batch: one that a crash cuts
     * short is finished after the restart ({@link TeamSignOuts}). One that fails is not: the admin is told how many ended.
     */
    public SignOutCount signOutTeam(CurrentSession admin, String reason) {
        requireAdmin(admin);
        String why = checkedReason(reason);
        // The admin's own sign-in stays, to see what happened; an API key making the request is one of the team's keys,
        // every one of which this revokes (a leaked admin key is what a sign-out of everyone is often for).
        Optional<TeamSignOut> started = signOuts.start(admin, kept(admin), why);
        if (started.isEmpty()) return SignOutCount.NONE;
        TeamId team = admin.account().team();
        AtomicReference<SignOutCount> ended = new AtomicReference<>(SignOutCount.NONE);
        try {
            signOuts.endSessions(started.get(), ended);
        } catch (RuntimeException e) {
            // The batches that committed stay ended; the admin is told how many, not that nothing changed. The admin's
            // action is in the log as what it did, if the database takes it now; the ended sessions have their own
            // entries either way.
            if (ended.get().total() > 0)
                log.warn("The sign-out of team {} failed after {} ended: {}", team.value(), ended.get().inWords(), e.toString());
            try {
                signOuts.failed(started.get());
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
                log.warn("Could not record the failed sign-out of team {}; it is finished once its claim runs out: {}", team.value(),
                        alsoFailed.toString());
            }
            if (ended.get().total() == 0) throw e;
            throw new SessionProblem.PartlySignedOut(ended.get(), e);
        }
        // Ended meanwhile by their members, an expiry or another admin: nothing was done here either, and nothing is recorded.
        return signOuts.finish(started.get(), ended.get());
    }

    /**
     * A removed member's sessions and API keys end with the removal, in its transaction; those that had expired end as
     * expired ({@link SessionEnds#endAll}).
     */
    @EventListener
    void memberRemoved(AccountEvent.MemberRemoved removed) {
        ends.endAll(removed.member(), Optional.empty(), new Session.Ending(removed.at(), EndReason.REMOVED,
                Optional.of(removed.by()), CurrentSession.actingFor(removed.by()), Optional.empty()));
    }

    /** A role change takes effect on the member's next request, on every node. */
    @EventListener
    void roleChanged(AccountEvent.RoleChanged changed) {
        broadcast.teamChanged(changed.team());
    }

    /**
     * An admin's reason, stripped, as a force sign-out takes it: required, at most {@link #MAX_REASON} characters, none a
     * control or direction character; else {@link SessionProblem.InvalidInput} naming {@code reason}.
     */
    public static String checkedReason(String reason) {
        String why = dev.lanyard.FreeText.strip(reason);
        if (why.isEmpty()) throw new SessionProblem.InvalidInput("reason", "Give a reason. Whoever is signed out is shown it, and it is recorded in the audit log.");
        if (dev.lanyard.FreeText.length(why) > MAX_REASON) throw new SessionProblem.InvalidInput("reason", "Use a reason of at most " + MAX_REASON + " characters.");
        dev.lanyard.FreeText.refusal(why, true).ifPresent(what -> {
            throw new SessionProblem.InvalidInput("reason", "The reason cannot contain " + what + ".");
        });
        return why;
    }

    /** Throws {@link AccountProblem.Forbidden} unless the caller is an admin; checked before any input. */
    public static void requireAdmin(CurrentSession admin) {
        if (admin.account().role() != Role.ADMIN) throw new AccountProblem.Forbidden();
    }
}
