package dev.lanyard.session;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.geo.GeoLocation;

/** Persistence of sessions. Ending is idempotent: only active rows change. */
interface SessionStore {
    /**
     * Holds the team's row until the transaction ends, shared with other sign-ins, so that a change of the
     * team's policy or of a member's rules (which locks the row outright) commits before or after a new
     * session, never across it. PostgreSQL: {@code FOR SHARE}; SQLite: nothing, its write transactions
     * begin immediate and so one at a time.
     */
    void holdTeam(String teamId);


    /**
     * Inserts a new session with the hash of its token; {@code bearer}: signed in for a bearer token
     * ({@link #issuedForBearer}). Not repeatable (ids are new).
     */
    void insert(Session session, String tokenHash, boolean bearer);

    /** {@link #insert(Session, String, boolean)} of a session not signed in for a bearer token. */
    default void insert(Session session, String tokenHash) {
        insert(session, tokenHash, false);
    }

    /**
     * Whether the session was signed in for a bearer token; false for any other, for one signed in before the
     * column existed (V30), and for an unknown id. One read by primary key, never on the per-request check.
     */
    boolean issuedForBearer(SessionId id);

    /** Inserts the session of a new API key (see {@link ApiKeyToken}). Not repeatable (ids are new). */
    void insertKey(Session session, String tokenHash);

    /** The session whose token has this hash, active or ended. */
    Optional<Session> findByTokenHash(String tokenHash);

    /** The session if {@code owner} owns it, active or ended; empty for anyone else's. */
    Optional<Session> find(SessionId id, AccountId owner);

    /**
     * Active sessions of {@code owner} that pass {@code filter}: {@code first} before all the others when it is one of
     * them (a list's current session), then the others most recently active first, then the API keys no request has
     * used yet, newest first, after the cursor. A cursor's own {@link PageCursor#first} is left out of its pages, and
     * {@code first} is read only without a cursor. "Inactive" means no activity since {@code inactiveBefore}.
     */
    List<Session> active(AccountId owner, ListFilter filter, Instant inactiveBefore, int limit, Optional<SessionId> first,
                         Optional<PageCursor> after);

    /** {@link #active(AccountId, ListFilter, Instant, int, Optional, Optional)} with no session put first. */
    default List<Session> active(AccountId owner, ListFilter filter, Instant inactiveBefore, int limit, Optional<PageCursor> after) {
        return active(owner, filter, inactiveBefore, limit, Optional.empty(), after);
    }

    /**
     * {@link #active(AccountId, ListFilter, Instant, int, Optional)} without the API keys: the active sessions of
     * {@code owner} most recently active first, after the cursor. An admin's view of a member lists their keys apart, so
     * that a member's many sessions never push their keys off the list (outside review).
     */
    List<Session> activeWithoutKeys(AccountId owner, int limit, Optional<PageCursor> after);

    /**
     * Active sessions and API keys of {@code owner} that pass {@code filter}, newest sign-in first (a key: when it was
     * made), the id breaking ties, after the cursor (its {@link PageCursor#at} a sign-in time): an order no use of a
     * session changes, so that a walk page by page lists each session that stays active through it once (outside
     * review). "Inactive" means no activity since {@code inactiveBefore}.
     */
    List<Session> activeBySignIn(AccountId owner, ListFilter filter, Instant inactiveBefore, int limit, Optional<PageCursor> after);

    /**
     * How many active sessions of {@code owner} each filter matches, leaving out {@code besides} when given (a sessions
     * page's own session, which its lists leave out too) and any that has expired by {@code now} as the row tells it
     * (the sweep ends it within its interval; until then no request can use it).
     */
    ListFilter.Counts count(AccountId owner, Instant now, Instant inactiveBefore, Optional<SessionId> besides);

    /**
     * Active sessions of {@code owner} in the order of their ids, after {@code afterId}: an order no use of a
     * session changes, for reading every one of them page by page (the data export).
     */
    List<Session> activeById(AccountId owner, int limit, Optional<String> afterId);

    /** Ended sessions of {@code owner}, most recently ended first, after the cursor. */
    List<Session> ended(AccountId owner, int limit, Optional<PageCursor> after);

    /** Ends the session if {@code owner} owns it and it is active; returns 1, or 0 if nothing changed. Safe to repeat. */
    int end(SessionId id, AccountId owner, Session.Ending ending);

    /**
     * Ends those of {@code ids} that {@code owner} owns and are active; returns the ids it ended.
     * Safe to repeat: a second call ends nothing.
     */
    List<SessionId> end(Collection<SessionId> ids, AccountId owner, Session.Ending ending);

    /** Ends every active session of {@code owner} except {@code keep}, API keys included; returns the ids it ended. Safe to repeat. */
    List<SessionId> endAll(AccountId owner, Optional<SessionId> keep, Session.Ending ending);

    /**
     * The active sign-ins of {@code owner}, the oldest first (by when they started): every active
     * session but API keys and apps' grants, which a session limit does not count (decision 48), and
     * those already expired at {@code now} that the sweep has not ended yet (it ends them with the
     * reason they expired for, not the limit's).
     */
    List<SessionId> signInsOldestFirst(AccountId owner, java.time.Instant now);

    /** Like {@link #endAll} but leaves the owner's API keys alone ("log out all devices"). Safe to repeat. */
    List<SessionId> endSignIns(AccountId owner, Optional<SessionId> keep, Session.Ending ending);

    /** Sessions of {@code owner} among {@code ids}, active or ended; anyone else's are left out. */
    List<Session> find(Collection<SessionId> ids, AccountId owner);

    /**
     * Adds requests to hourly counters (the hour's start, epoch ms) in one batch. Counters only
     * add, so repeating a flush counts twice: the recorder forgets what it wrote. Returns rows changed.
     */
    int recordHourly(Collection<ActivityRecorder.Hourly> counts);

    /** Requests per hour of the sessions since {@code from} (an hour's start), as written so far. */
    List<ActivityRecorder.Hourly> hourly(Collection<SessionId> ids, Instant from);

    /**
     * Records the client address a session is now used {@code to}, and its place. The first time, it also keeps where the
     * session signed in, {@code from} (the address it was used from until now): its network and place, which
     * {@link #signedInFrom} reads; later moves leave them. Returns rows changed. Safe to repeat.
     */
    int updateAddress(SessionId id, AddressChanges.Address from, AddressChanges.Address to);

    /**
     * Where these sessions of {@code owner} signed in, for those used from another address since: the network of the
     * address (83.45.123.0/24) and its place, without ISP or coordinates. A session still used from where it signed in, one
     * that moved before schema V39, and anyone else's are left out.
     */
    java.util.Map<SessionId, AddressChanges.Address> signedInFrom(AccountId owner, Collection<SessionId> ids);

    /**
     * Where each of these sessions of {@code owner} signed in: for one used from another address since, what
     * {@link #signedInFrom} reads; for one that never was (its timeline has no change of address), its own address and
     * place. Left out: a session that moved before schema V39, whose sign-in address nothing kept, and anyone else's.
     */
    java.util.Map<SessionId, SignInPlace> signInPlaces(AccountId owner, Collection<SessionId> ids);

    /** The session with this id, whoever owns it; for internal use (notifications), never for a caller's request. */
    Optional<Session> findAnyOwner(SessionId id);

    /**
     * The sessions with these ids, whoever owns them, in the order of {@code ids} (those that do not
     * exist are left out); a few statements however many ids (one per {@link #FIND_CHUNK}). For
     * internal use (announcing endings), never for a caller's request.
     */
    List<Session> findAnyOwner(Collection<SessionId> ids);

    /** Ids read per statement by {@link #findAnyOwner(Collection)}: well under SQLite's and PostgreSQL's limits on parameters. */
    int FIND_CHUNK = 1000;

    /**
     * Active sessions past their absolute lifetime or idle timeout at {@code now}, at most {@code limit},
     * with the reason each expired. On PostgreSQL the rows stay locked until the transaction ends and rows
     * another transaction holds are skipped, so sweeps on several nodes at once share the work instead of
     * queueing behind each other (SQLite has one writer, and one node).
     */
    List<Expired> expired(Instant now, int limit);

    /**
     * Ends those of {@code ids} that are still active, whoever owns them, as expired for {@code reason} (the sweep's
     * batch), by no one, each at the moment it expired as its row tells it: its {@code expires_at} for
     * {@link EndReason#LIFETIME_EXPIRED}, its last activity plus its idle timeout for {@link EndReason#IDLE_EXPIRED}
     * ({@link Session#expiredAt}), not when the sweep ran. Returns those it ended. Safe to repeat: a second call ends
     * nothing.
     */
    List<SessionId> endExpired(Collection<SessionId> ids, EndReason reason);

    record Expired(SessionId id, AccountId owner, EndReason reason) {
    }

    /**
     * The sessions of {@code owner} that are still open but past their lifetime or idle timeout at {@code now}, as their
     * rows tell it: those the sweep has yet to end. A revocation ends them as expired first, so that they stay expired
     * rather than revoked ({@link SessionEnds#endExpired}).
     */
    List<Session> expiredOf(AccountId owner, Instant now);

    /**
     * Applies a team's new policy to its active sessions (API keys keep their own expiry): the idle
     * timeout, and an absolute lifetime counted from each session's creation. A high-security member's
     * remembered sessions get {@code lifetime}, as "Remember me" is not allowed for them. Sessions
     * that look expired at {@code now} get only shorter lifetimes, so a longer policy does not bring
     * back one the sweep has not ended yet. Returns the rows it went through. Safe to repeat.
     */
    int applyPolicy(dev.lanyard.account.TeamId team, java.time.Duration idleTimeout, java.time.Duration rememberedLifetime,
                    java.time.Duration lifetime, java.time.Instant now);

    /** {@link #applyPolicy} for one member's active sessions (a high-security member's remembered ones get {@code lifetime}). */
    int applyPolicy(AccountId member, java.time.Duration idleTimeout, java.time.Duration rememberedLifetime, java.time.Duration lifetime,
                    java.time.Instant now);

    /** A place where an owner has active sessions (city-level, as geolocated), and how many are there. */
    record Place(GeoLocation location, int sessions) {
    }

    /**
     * Where the owner's active sessions are, one entry per place as geolocated (city, region, country and point),
     * most sessions first. Which places are one town, and so one dot, is the map's to decide ({@code SessionMap}):
     * one city's addresses may have records a little apart, or one with its region and one without, and two towns
     * may share a name. Sessions without a place (a local network, an unknown address, an API key never used) come
     * as places without coordinates. Sessions expired by {@code now}, as their rows tell it, are left out, as
     * {@link #count} leaves them out.
     */
    List<Place> places(AccountId owner, Instant now);

    /** Deletes up to {@code limit} sessions that ended before {@code cutoff}, with their timelines. Returns sessions deleted. */
    int purgeEnded(Instant cutoff, int limit);

    /**
     * Replaces the full address of up to {@code limit} sessions last active before {@code before}, and of
     * up to {@code limit} timeline entries ("used from a new address") written before it, with its network
     * (PRODUCT.md D6). Returns the larger of the two counts changed: below {@code limit}, none is left.
     * Safe to repeat, and on several nodes at once.
     */
    int reduceAddresses(Instant before, int limit);

    /** Renames an active session of {@code owner}; returns 1, or 0 if there is no such session. Safe to repeat. */
    int rename(SessionId id, AccountId owner, String name);

    /**
     * Marks an active, unverified sign-in of {@code owner} verified (an approval); API keys are never verified
     * this way. Returns 1, or 0 if nothing changed. Safe to repeat.
     */
    int approve(SessionId id, AccountId owner);

    /** Sets the sign-in alerts flag of an active session of {@code owner}; returns 1 or 0. Safe to repeat. */
    int setAlerts(SessionId id, AccountId owner, boolean alerts);

    /** Replaces the flags of {@code owner}'s session (active or ended); returns 1, or 0 if there is none. Safe to repeat. */
    int setFlags(SessionId id, AccountId owner, List<SessionFlag> flags);

    /**
     * The session if {@code owner} owns it, its row locked until the transaction ends (PostgreSQL: {@code FOR
     * UPDATE}; SQLite's write transactions are one at a time already), for a change made from what it holds.
     */
    Optional<Session> findLocked(SessionId id, AccountId owner);

    /**
     * Adds recorded activity in one batch. "Last active" only moves forward, counters only add,
     * so a late or repeated flush never moves a session back in time. Returns rows changed.
     */
    int recordActivity(Collection<ActivityRecorder.Flush> flushes);

    /**
     * Keyset position in a list: the sort time and the id that breaks ties, and for the active list whether the row was
     * among the API keys never used, which come after the rest, and the session the list put before all the others
     * ({@code first}, the current one), if it put one. The pages after the first leave that session out wherever its
     * activity has moved it since, and a position at that session itself is the start of the others: using the list
     * is activity of the current session, so a flush between two pages moves it, and it must be neither skipped nor
     * listed again. Text form: {@link Cursors}, a third part only for a never-used key's row (so a cursor handed out
     * before keys were listed last still reads); with a first session, "used" or "never-used" third and its id fourth. A
     * position in the list by sign-in has a form of its own ({@link #encodeSignedIn}). The text form names sessions: it
     * leaves the server sealed ({@link SealedCursors}).
     */
    record PageCursor(Instant at, String id, boolean neverUsed, Optional<String> first) {
        private static final String USED = "used";
        private static final String NEVER_USED = "never-used";
        private static final String SIGNED_IN = ListOrder.SIGNED_IN.code();

        PageCursor(Instant at, String id, boolean neverUsed) {
            this(at, id, neverUsed, Optional.empty());
        }

        PageCursor(Instant at, String id) {
            this(at, id, false);
        }

        /** Whether the position is at the first session itself: the rest of the list is the others from their start. */
        boolean atFirst() {
            return first.filter(id::equals).isPresent();
        }

        String encode() {
            String at = Long.toString(this.at.toEpochMilli());
            if (first.isPresent()) return Cursors.encode(at, id, neverUsed ? NEVER_USED : USED, first.get());
            return neverUsed ? Cursors.encode(at, id, NEVER_USED) : Cursors.encode(at, id);
        }

        /**
         * The text form of a position in the list by sign-in ({@link ListOrder#SIGNED_IN}): "signed-in", the sign-in
         * time and the id, a form {@link #decode} refuses, as {@link #decodeSignedIn} refuses the others.
         */
        String encodeSignedIn() {
            return Cursors.encode(SIGNED_IN, Long.toString(at.toEpochMilli()), id);
        }

        /** A position in the list by sign-in, or empty for none; a cursor of the default order is refused saying so. */
        static Optional<PageCursor> decodeSignedIn(String value) {
            Optional<java.util.List<String>> parts;
            try {
                parts = Cursors.decode(value, 3).filter(p -> p.get(0).equals(SIGNED_IN));
            } catch (SessionProblem.InvalidCursor notThree) {
                parts = Optional.empty();
            }
            if (parts.isEmpty()) {
                if (value == null || value.isBlank()) return Optional.empty();
                decode(value); // a cursor of no order is refused as such
                throw new SessionProblem.InvalidCursor("This cursor is from the list most recently active first: send it "
                        + "without order=signed-in, or start again from the first page with it.");
            }
            try {
                return Optional.of(new PageCursor(Instant.ofEpochMilli(Long.parseLong(parts.get().get(1))), parts.get().get(2)));
            } catch (NumberFormatException e) {
                throw new SessionProblem.InvalidCursor();
            }
        }

        static Optional<PageCursor> decode(String value) {
            for (int count = 2; count <= 4; count++) {
                Optional<java.util.List<String>> parts;
                try {
                    parts = Cursors.decode(value, count);
                } catch (SessionProblem.InvalidCursor notThatMany) {
                    continue;
                }
                return parts.map(PageCursor::of);
            }
            throw new SessionProblem.InvalidCursor();
        }

        private static PageCursor of(java.util.List<String> p) {
            if (p.size() == 3 && p.get(0).equals(SIGNED_IN))
                throw new SessionProblem.InvalidCursor("This cursor is from the list by sign-in: send it with "
                        + "order=signed-in, or start again from the first page without it.");
            boolean neverUsed = p.size() > 2 && p.get(2).equals(NEVER_USED);
            if (p.size() == 3 && !neverUsed || p.size() == 4 && !neverUsed && !p.get(2).equals(USED))
                throw new SessionProblem.InvalidCursor();
            try {
                return new PageCursor(Instant.ofEpochMilli(Long.parseLong(p.get(0))), p.get(1), neverUsed,
                        p.size() == 4 ? Optional.of(p.get(3)) : Optional.empty());
            } catch (NumberFormatException e) {
                throw new SessionProblem.InvalidCursor();
            }
        }
    }
}
