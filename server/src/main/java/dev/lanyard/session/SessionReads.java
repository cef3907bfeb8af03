package dev.lanyard.session;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import dev.lanyard.account.AccountId;
import org.springframework.stereotype.Component;

/**
 * Reading a member's sessions: the active ones and the ended ones a page at a time, their counts and places, one
 * session, and API keys' requests per hour; each with the activity this node has seen and not written yet.
 */
@Component
class SessionReads {
    private final SessionStore store;
    private final SessionCache cache;
    private final ActivityRecorder activity;
    private final SealedCursors sealed;
    private final Clock clock;

    SessionReads(SessionStore store, SessionCache cache, ActivityRecorder activity, SealedCursors sealed, Clock clock) {
        this.store = store;
        this.cache = cache;
        this.activity = activity;
        this.sealed = sealed;
        this.clock = clock;
    }

    /**
     * {@code first} (the current session) before the others on the first page, when it passes the filter, and in no
     * page after it: this very request is its activity, and a flush between two pages would move it ahead of a cursor
     * made from the rows' activity, never to be listed (outside review). The cursor names it for that.
     */
    Sessions.Page<Session> active(AccountId owner, Optional<SessionId> first, ListFilter filter, int limit, Optional<String> cursor) {
        int size = pageSize(limit);
        Instant inactiveBefore = clock.instant().minus(ListFilter.INACTIVE_AFTER);
        Optional<SessionStore.PageCursor> after = opened(owner, cursor, SessionStore.PageCursor::decode);
        return page(owner, store.active(owner, filter, inactiveBefore, size + 1, first, after), size, after, first);
    }

    /**
     * {@code owner}'s active sessions and API keys that pass {@code filter}, newest sign-in first: no use moves one, so a
     * walk through the pages lists each session that stays active once, where {@link #active}'s order lets one used
     * meanwhile jump over the cursor (outside review). No session is put first: the current one comes where it signed in.
     */
    Sessions.Page<Session> bySignIn(AccountId owner, ListFilter filter, int limit, Optional<String> cursor) {
        int size = pageSize(limit);
        Instant now = clock.instant();
        Optional<SessionStore.PageCursor> after = opened(owner, cursor, SessionStore.PageCursor::decodeSignedIn);
        List<Session> rows = store.activeBySignIn(owner, filter, now.minus(ListFilter.INACTIVE_AFTER), size + 1, after);
        Optional<String> next = rows.size() > size
                ? Optional.of(sealed.seal(new SessionStore.PageCursor(rows.get(size - 1).createdAt(), rows.get(size - 1).id().value())
                .encodeSignedIn(), owner))
                : Optional.empty();
        // A session that has expired but that the sweep has not ended yet is no longer usable: it is not listed.
        return new Sessions.Page<>(rows.subList(0, Math.min(size, rows.size())).stream().map(activity::withPending)
                .filter(session -> session.expiry(now).isEmpty()).toList(), next);
    }

    /** {@link #active} without the owner's API keys, which an admin's view of a member lists apart (keys.ApiKeys). */
    Sessions.Page<Session> activeWithoutKeys(AccountId owner, int limit, Optional<String> cursor) {
        int size = pageSize(limit);
        Optional<SessionStore.PageCursor> after = opened(owner, cursor, SessionStore.PageCursor::decode);
        return page(owner, store.activeWithoutKeys(owner, size + 1, after), size, after, Optional.empty());
    }

    /**
     * The position a cursor of {@code owner}'s list holds, opened ({@link SealedCursors}) and read by {@code decode}; empty
     * for none (the first page).
     */
    private Optional<SessionStore.PageCursor> opened(AccountId owner, Optional<String> cursor,
                                                     Function<String, Optional<SessionStore.PageCursor>> decode) {
        return cursor.filter(c -> !c.isBlank()).map(c -> sealed.open(c, owner)).flatMap(decode);
    }

    /** The page of {@code size} among {@code rows} (one more than a page, if there is more), as {@link #active} reads it. */
    private Sessions.Page<Session> page(AccountId owner, List<Session> rows, int size, Optional<SessionStore.PageCursor> after,
                                        Optional<SessionId> first) {
        Instant now = clock.instant();
        Optional<String> listedFirst = after.isPresent() ? after.get().first() : first.map(SessionId::value);
        Optional<String> next = rows.size() > size
                ? Optional.of(sealed.seal(new SessionStore.PageCursor(rows.get(size - 1).lastActiveAt(), rows.get(size - 1).id().value(),
                SessionView.neverUsed(rows.get(size - 1)), listedFirst).encode(), owner))
                : Optional.empty();
        // A session that has expired but that the sweep has not ended yet is no longer usable: it is not listed.
        List<Session> items = new ArrayList<>(rows.subList(0, Math.min(size, rows.size())).stream().map(activity::withPending)
                .filter(session -> session.expiry(now).isEmpty()).toList());
        // As the store orders them, with the activity not yet written: a key never used has no "last active" of its own
        // (it is when it was made), so it comes after every session that was used, as "Never used" comes last.
        items.sort(Comparator.comparing((Session s) -> !listedFirst.equals(Optional.of(s.id().value())))
                .thenComparing((Session s) -> SessionView.neverUsed(s))
                .thenComparing(Comparator.comparing(Session::lastActiveAt).reversed()));
        return new Sessions.Page<>(List.copyOf(items), next);
    }

    /**
     * Whether a sign-in among {@code owner}'s active sessions other than {@code except} (not an API key nor an app's grant)
     * passes {@code test}: read a page at a time until one does, so a member with more sessions than a page is judged on
     * all of them (an outside review at scale: only the 100 last used were).
     */
    boolean anyOtherSignIn(AccountId owner, SessionId except, Predicate<Session> test) {
        Optional<String> cursor = Optional.empty();
        do {
            Sessions.Page<Session> page = everyActive(owner, Sessions.MAX_PAGE, cursor);
            if (page.items().stream().filter(Session::active)
                    .filter(o -> !o.id().equals(except) && !o.apiKey() && o.appType() != AppType.OAUTH).anyMatch(test)) {
                return true;
            }
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        return false;
    }

    /**
     * By id, an order no use of a session changes: for reading all of them, where {@link #active}'s order would let a
     * session used meanwhile jump over the cursor and be missed. The cursor is the last id of the page before. Each as it
     * stands now, as {@link #get} reads it: one past its lifetime or idle timeout that the sweep has not ended yet reads
     * as ended when it expired, where it was given as active until the sweep moved it to the history, up to a sweep
     * interval later; it stays here until then, so that a reader of every session misses none.
     */
    Sessions.Page<Session> everyActive(AccountId owner, int limit, Optional<String> cursor) {
        int size = pageSize(limit);
        Instant now = clock.instant();
        List<Session> rows = store.activeById(owner, size + 1, cursor);
        Optional<String> next = rows.size() > size ? Optional.of(rows.get(size - 1).id().value()) : Optional.empty();
        return new Sessions.Page<>(rows.subList(0, Math.min(size, rows.size())).stream()
                .map(s -> activity.withPending(s).endedIfExpired(now)).toList(), next);
    }

    /** How many of {@code owner}'s active sessions each filter matches. */
    ListFilter.Counts counts(AccountId owner) {
        Instant now = clock.instant();
        return store.count(owner, now, now.minus(ListFilter.INACTIVE_AFTER), Optional.empty());
    }

    /**
     * What a sessions page's filters and recommendations count, as its lists show the others (this one has its own
     * card). Read from the rows like the lists, so the two agree: this session, in use now, may still be inactive in its
     * row until its activity is written.
     */
    ListFilter.Counts countsOfOthers(CurrentSession current) {
        Instant now = clock.instant();
        return store.count(current.account().id(), now, now.minus(ListFilter.INACTIVE_AFTER), Optional.of(current.id()));
    }

    /** Where {@code owner}'s active sessions are, by place, most sessions first (the sessions page's map). */
    List<SessionStore.Place> places(AccountId owner) {
        return store.places(owner, clock.instant());
    }

    Sessions.Page<Session> history(AccountId owner, int limit, Optional<String> cursor) {
        int size = pageSize(limit);
        List<Session> rows = store.ended(owner, size + 1, opened(owner, cursor, SessionStore.PageCursor::decode));
        Optional<String> next = rows.size() > size
                ? Optional.of(sealed.seal(new SessionStore.PageCursor(rows.get(size - 1).ending().orElseThrow().at(),
                rows.get(size - 1).id().value()).encode(), owner))
                : Optional.empty();
        return new Sessions.Page<>(List.copyOf(rows.subList(0, Math.min(size, rows.size()))), next);
    }

    /**
     * Served from the validation cache: the first call after the entry was loaded reads the row once and keeps it on
     * the entry, later ones read nothing (decision 0031). Reads the database every time while the cache cannot be
     * trusted.
     */
    Session current(CurrentSession current) {
        // As its row says: the request was just checked, so the session has not expired.
        Supplier<Session> read = () -> row(current.id(), current.account().id());
        return cache.cached(current.id()).map(e -> cache.now(e, read)).orElseGet(read);
    }

    /**
     * One session as it stands now, as the lists read it: one past its lifetime or idle timeout that the sweep has not
     * ended yet reads as ended when it expired ({@link Session#endedIfExpired}), where it was shown active with no end
     * until the sweep ended it, up to a sweep interval later, while the lists already left it out.
     */
    Session get(SessionId id, AccountId owner) {
        return row(id, owner).endedIfExpired(clock.instant());
    }

    private Session row(SessionId id, AccountId owner) {
        return store.find(id, owner).map(activity::withPending).orElseThrow(SessionProblem.NotFound::new);
    }

    /**
     * A program's, not a browser's, even when its token comes in the session cookie, which {@link CurrentSession#browser}
     * cannot tell (decision 65, addendum). Read from the database, not kept in the validation cache: only the authorize
     * endpoint asks. False for a session signed in before Lanyard recorded it (schema V30).
     */
    boolean issuedForBearer(SessionId id) {
        return store.issuedForBearer(id);
    }

    /** Sessions among {@code ids} as they stand now, as {@link #get} reads one. */
    java.util.Map<SessionId, Session> find(AccountId owner, Collection<SessionId> ids) {
        Instant now = clock.instant();
        java.util.Map<SessionId, Session> found = new java.util.LinkedHashMap<>();
        store.find(ids, owner).forEach(s -> found.put(s.id(), activity.withPending(s).endedIfExpired(now)));
        return found;
    }

    java.util.Map<SessionId, SignInPlace> signInPlaces(AccountId owner, Collection<Session> sessions) {
        return store.signInPlaces(owner, sessions.stream().map(Session::id).toList());
    }

    java.util.Map<SessionId, java.util.SortedMap<Instant, Long>> hourlyRequests(Collection<SessionId> ids, Instant from) {
        java.util.Map<SessionId, java.util.SortedMap<Instant, Long>> out = new java.util.HashMap<>();
        List<ActivityRecorder.Hourly> counts = new ArrayList<>(store.hourly(ids, from));
        counts.addAll(activity.pendingHourly(ids));
        for (ActivityRecorder.Hourly h : counts) {
            if (h.hour().isBefore(from)) continue;
            out.computeIfAbsent(h.id(), id -> new java.util.TreeMap<>()).merge(h.hour(), h.requests(), Long::sum);
        }
        return out;
    }

    private static int pageSize(int limit) {
        if (limit <= 0) return 50;
        return Math.min(limit, Sessions.MAX_PAGE);
    }
}
