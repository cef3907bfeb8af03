package dev.lanyard.session;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Ending sessions: signing out, revoking one's own sessions, ending apps' grants and API keys, and the "This wasn't me"
 * link. Every way a session ends for a reason other than its expiry goes through {@link #finish} (sessions named by id) or
 * {@link #endAll}/{@link #endSignIns} (every one of a member's), which end rows idempotently, announce it to other nodes,
 * and publish one {@link SessionsEnded} for the sessions they ended (the cache evicts after the commit).
 *
 * <p>Each of them first ends as expired, when it expired, as it already reads ({@link #endExpired}), a session it reaches
 * that is past its lifetime or idle timeout but that the sweep has not ended yet: it had ended before, whoever or whatever
 * ends the member's sessions now (a revocation, an admin, a password change, a removal, an app, the "This wasn't me"
 * link), and no count of what they ended includes it.
 *
 * <p>A member signing out their own sessions (the sessions pages and API of this module) calls this class: those methods
 * begin their transaction here. What other modules end goes through {@link Sessions}, where those transactions begin;
 * the methods it calls here join them.
 */
@Component
class SessionEnds {
    private final SessionStore store;
    private final SessionBroadcast broadcast;
    private final ActivityRecorder activity;
    private final Clock clock;

    SessionEnds(SessionStore store, SessionBroadcast broadcast, ActivityRecorder activity, Clock clock) {
        this.store = store;
        this.broadcast = broadcast;
        this.activity = activity;
        this.clock = clock;
    }

    List<SessionId> endApp(Collection<SessionId> ids, AccountId owner, AccountId by) {
        if (ids.isEmpty()) return List.of();
        EndReason reason = by.equals(owner) ? EndReason.REVOKED : EndReason.ADMIN_REVOKED;
        return finish(ids, owner, new Session.Ending(clock.instant(), reason, Optional.of(by), Optional.empty(), Optional.empty()));
    }

    /**
     * A reason no person gave: the app revoked its token ({@link EndReason#APP_REVOKED}), a used token came back
     * ({@link EndReason#TOKEN_REUSED}), the app's permissions changed ({@link EndReason#APP_CHANGED}), its code expired
     * unused ({@link EndReason#CODE_UNUSED}), it signed out through RP-initiated logout ({@link EndReason#APP_SIGNED_OUT}).
     */
    List<SessionId> endApp(Collection<SessionId> ids, AccountId owner, EndReason reason) {
        if (ids.isEmpty()) return List.of();
        return finish(ids, owner, new Session.Ending(clock.instant(), reason, Optional.empty(), Optional.empty(), Optional.empty()));
    }

    /**
     * A key never ends or changes a key (decision 0018), itself included, where keys are managed under {@code /api-keys},
     * which a key may only read. Sessions of someone else are left to the caller's own {@link SessionProblem.NotFound}.
     */
    void refuseKeyOnKey(CurrentSession by, Collection<SessionId> targets) {
        if (!by.apiKey()) return;
        for (SessionId id : targets) {
            if (id.equals(by.id()) || store.find(id, by.account().id()).filter(Session::apiKey).isPresent())
                throw new SessionProblem.KeyOnKey();
        }
    }

    /**
     * Signs out one other session of the caller; returns true if this ended it, false if it had already ended (another
     * tab or device was first) or had expired. Safe to repeat: one that already ended is left as it ended, and one that
     * expired ends as expired ({@link #endExpired}), as {@link Sessions#get} reads both. A key naming itself is told that
     * a key ends no key (403), not to log out (409), which a key cannot either (outside review).
     */
    @Transactional
    boolean revoke(SessionId id, CurrentSession by) {
        refuseKeyOnKey(by, List.of(id));
        if (id.equals(by.id())) throw new SessionProblem.CurrentSession();
        AccountId owner = by.account().id();
        Session target = store.find(id, owner).orElseThrow(SessionProblem.NotFound::new);
        return !finishRows(List.of(target), owner, Session.Ending.by(EndReason.REVOKED, clock.instant(), owner, by.id())).isEmpty();
    }

    /**
     * Signs out the chosen sign-ins of the caller ("Sign out selected"); the current one cannot be among them. Returns
     * those it revoked: not those that had expired, which end as expired ({@link #endExpired}). An API key among
     * {@code ids} refuses the whole request and ends nothing: a key is revoked on its own, after a confirmation that
     * names it as a key (decision 0018), never ticked among devices.
     *
     * @throws SessionProblem.KeysSelected an API key of the caller is among {@code ids}
     */
    @Transactional
    List<SessionId> revoke(Collection<SessionId> ids, CurrentSession by) {
        refuseKeyOnKey(by, ids);
        if (ids.contains(by.id())) throw new SessionProblem.CurrentSession();
        List<Session> chosen = store.find(ids, by.account().id());
        refuseKeys(chosen);
        return finishRows(chosen, by.account().id(), Session.Ending.by(EndReason.REVOKED, clock.instant(), by.account().id(), by.id()));
    }

    /**
     * Signs out every session of the caller but the current one. Returns those it revoked: not those that had expired,
     * which end as expired ({@link #endExpired}).
     */
    @Transactional
    List<SessionId> revokeOthers(CurrentSession by) {
        AccountId owner = by.account().id();
        // API keys stay: they are ended by revoking them (decision 0018).
        return endSignIns(owner, Optional.of(by.id()), Session.Ending.by(EndReason.REVOKED, clock.instant(), owner, by.id()));
    }

    /**
     * Logs out every device, the current one included. API keys stay; so does the key the request is made with, if it
     * is one. Returns those ended, as {@link #revokeOthers} counts them.
     */
    @Transactional
    List<SessionId> revokeAll(CurrentSession by) {
        List<SessionId> ended = new ArrayList<>(revokeOthers(by));
        if (by.apiKey()) return ended;
        logout(by);
        ended.add(by.id());
        return ended;
    }

    boolean endKey(SessionId key, AccountId owner, EndReason reason, Optional<AccountId> by,
                   Optional<SessionId> from, Optional<String> note) {
        return !finish(List.of(key), owner, new Session.Ending(clock.instant(), reason, by, from, note)).isEmpty();
    }

    void logout(CurrentSession current) {
        AccountId owner = current.account().id();
        finish(List.of(current.id()), owner, Session.Ending.by(EndReason.SIGNED_OUT, clock.instant(), owner, current.id()));
    }

    /**
     * The "This wasn't me" link of a sign-in alert, which whoever holds the mail may use, signed in or not:
     * {@link EndReason#NOT_ME}, in the owner's name but from no session of theirs. Returns whether this ended it (one that
     * had expired ends as expired). Safe to repeat.
     */
    boolean endReported(SessionId id, AccountId owner) {
        return !finish(List.of(id), owner, new Session.Ending(clock.instant(), EndReason.NOT_ME, Optional.of(owner),
                Optional.empty(), Optional.empty())).isEmpty();
    }

    /**
     * Every sign-in of {@code owner} (API keys stay, as with "log out all devices"), the one the link is being used from
     * included if it is one: {@link EndReason#NOT_ME}. Returns those it ended, not those that had expired. Safe to repeat.
     */
    List<SessionId> endAllReported(AccountId owner) {
        return endSignIns(owner, Optional.empty(), new Session.Ending(clock.instant(), EndReason.NOT_ME, Optional.of(owner),
                Optional.empty(), Optional.empty()));
    }

    /**
     * Ends as expired those of {@code reached}, sessions an ending is about to end as their rows are, that have expired
     * by {@code now} as a read of them says (their row with this node's unwritten activity, {@link Session#expiry}): each
     * when it expired, announced now, as the sweep or a request's check ends them. An ending that comes before the
     * sweep (a revocation, a force sign-out, a password change, a removal, an app's grant ended, the "This wasn't me"
     * link) then ends only the rest for its own reason, so a session that had expired stays expired, as it reads
     * everywhere ({@link Session#endedIfExpired}) and as an API key past its expiry stays when revoked, rather than ended
     * by someone or something that never ended it; its audit entry says it expired, and the ending's count and entry
     * leave it out. One this node saw in use since its row was written has not expired, and is left to the ending.
     * Returns those it ended; safe to repeat.
     *
     * @param waits as for {@link SessionBroadcast#ended(Map, Session.Ending, List)}: null to wait for the other nodes
     *              after the commit, or where a caller of several batches collects the waits
     */
    List<SessionId> endExpired(Collection<Session> reached, Instant now, List<Runnable> waits) {
        Map<EndReason, Map<SessionId, AccountId>> byReason = new EnumMap<>(EndReason.class);
        for (Session row : reached) {
            if (!row.active()) continue;
            activity.withPending(row).expiry(now).ifPresent(reason ->
                    byReason.computeIfAbsent(reason, r -> new LinkedHashMap<>()).put(row.id(), row.account()));
        }
        return endAsExpired(store, broadcast, byReason, now, waits);
    }

    /**
     * Ends {@code byReason}'s sessions (each with its owner) as expired for their reason, those still open: one statement
     * and one announcement per reason, however many sessions. Each row records when it expired
     * ({@link SessionStore#endExpired}); the announcement is made {@code now}, which is the audit entry's time. The sweep
     * ({@link SessionLifetimes}) and any other ending that reaches expired sessions ({@link #endExpired}) both end them so.
     * Returns those it ended.
     */
    static List<SessionId> endAsExpired(SessionStore store, SessionBroadcast broadcast,
                                        Map<EndReason, Map<SessionId, AccountId>> byReason, Instant now, List<Runnable> waits) {
        List<SessionId> ended = new ArrayList<>();
        for (var group : byReason.entrySet()) {
            Map<SessionId, AccountId> owners = group.getValue();
            Map<SessionId, AccountId> done = new LinkedHashMap<>();
            store.endExpired(owners.keySet(), group.getKey()).forEach(id -> done.put(id, owners.get(id)));
            broadcast.ended(done, Session.Ending.expired(group.getKey(), now), waits);
            ended.addAll(done.keySet());
        }
        return ended;
    }

    /** {@link #endExpired(Collection, Instant, List)} in one transaction, waiting for the other nodes after its commit. */
    List<SessionId> endExpired(Collection<Session> reached, Instant now) {
        return endExpired(reached, now, null);
    }

    /** Refuses a choice of sessions to sign out together that holds API keys, naming them. */
    static void refuseKeys(Collection<Session> chosen) {
        List<String> keys = chosen.stream().filter(Session::apiKey).map(Session::displayName).toList();
        if (!keys.isEmpty()) throw new SessionProblem.KeysSelected(keys);
    }

    /**
     * Ends those of {@code ids} that {@code owner} owns and are still active, tells the other nodes, and publishes one
     * {@link SessionsEnded} for them. Those that had expired by the ending's time end as expired instead, when they
     * expired ({@link #endExpired}), and are not among those it returns. Safe to repeat (an ended session keeps its first
     * ending).
     */
    List<SessionId> finish(Collection<SessionId> ids, AccountId owner, Session.Ending ending) {
        if (ids.isEmpty()) return List.of();
        return finishRows(ids.size() == 1 ? store.find(ids.iterator().next(), owner).stream().toList() : store.find(ids, owner),
                owner, ending);
    }

    /** {@link #finish(Collection, AccountId, Session.Ending)} of {@code owner}'s sessions read already, as their rows are. */
    private List<SessionId> finishRows(List<Session> reached, AccountId owner, Session.Ending ending) {
        endExpired(reached, ending.at());
        List<SessionId> open = reached.stream().filter(Session::active).map(Session::id).toList();
        List<SessionId> ended = open.size() == 1
                ? (store.end(open.get(0), owner, ending) == 1 ? open : List.of())
                : store.end(open, owner, ending);
        broadcast.ended(ended, owner, ending);
        return ended;
    }

    /**
     * Ends every open session of {@code owner} but {@code keep}, API keys included (a member's force sign-out or removal),
     * as {@link #finish} ends those it names: those that had expired end as expired, and the rest for the ending's reason.
     * Returns the rows of the latter as they are now (ended), read once for the announcement, so that a force sign-out
     * tells its sessions from its API keys without reading them again. Safe to repeat.
     */
    List<Session> endAll(AccountId owner, Optional<SessionId> keep, Session.Ending ending) {
        endExpiredOf(owner, keep, true, ending);
        return broadcast.ended(store.endAll(owner, keep, ending), owner, ending);
    }

    /**
     * {@link #endAll} but API keys stay, as "log out all devices" leaves them (decision 0018); returns the ids of those it
     * ended. Safe to repeat.
     */
    List<SessionId> endSignIns(AccountId owner, Optional<SessionId> keep, Session.Ending ending) {
        endExpiredOf(owner, keep, false, ending);
        List<SessionId> ended = store.endSignIns(owner, keep, ending);
        broadcast.ended(ended, owner, ending);
        return ended;
    }

    /** Ends as expired those of {@code owner}'s sessions but {@code keep} that had expired; API keys too if {@code keys}. */
    private void endExpiredOf(AccountId owner, Optional<SessionId> keep, boolean keys, Session.Ending ending) {
        endExpired(store.expiredOf(owner, ending.at()).stream()
                .filter(s -> (keys || !s.apiKey()) && !keep.equals(Optional.of(s.id()))).toList(), ending.at());
    }
}
