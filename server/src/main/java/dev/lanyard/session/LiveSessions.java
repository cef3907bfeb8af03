package dev.lanyard.session;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.AccountId;
import org.springframework.stereotype.Component;

/**
 * Live updates for open pages (PRODUCT.md S6, E1) over Server-Sent Events: what the pages' streams ({@link LiveStreams})
 * hear when sessions start and end. Every open page of a member holds one stream. When one of the member's sessions
 * starts or ends anywhere, the member's pages hear {@code changed} and refresh their list (after endings, with the ids
 * that ended, so that the page says which sessions were signed out); the page of the session that ended
 * hears {@code signed-out} with the reason, and its stream closes. Endings on other nodes arrive
 * through {@link SessionBroadcast}.
 */
@Component
class LiveSessions implements SessionBroadcast.Listener {
    private final LiveStreams streams;
    private final SessionStore store;

    LiveSessions(SessionBroadcast broadcast, SessionStore store, LiveStreams streams) {
        this.store = store;
        this.streams = streams;
        broadcast.register(this);
    }

    @Override
    public void ended(List<SessionId> ids, boolean local) {
        if (streams.none()) {
            // No read for pages that are not there; a page whose stream opens next refreshes its list (LiveStreams).
            streams.changedUnread();
            return;
        }
        // Every ended page first hears that it was signed out; then each account's other pages
        // refresh once, however many of its sessions ended together.
        Set<AccountId> accounts = new HashSet<>();
        // One read for the whole batch, not one per session: a team sign-out ends thousands at once.
        Map<SessionId, Session> rows = new HashMap<>();
        store.findAnyOwner(ids).forEach(row -> rows.put(row.id(), row));
        signOut(ids, rows, accounts);
        Map<AccountId, List<String>> endedOf = new HashMap<>();
        rows.values().forEach(row -> endedOf.computeIfAbsent(row.account(), a -> new ArrayList<>()).add(row.id().value()));
        accounts.forEach(account -> changed(account, Map.of(ENDED, endedOf.getOrDefault(account, List.of()))));
    }

    /**
     * The key of a "changed" event's data after endings: the ids of the account's sessions that ended. The page says a
     * session was signed out only for a card of one of these (a card a new sign-in pushed onto the next page did not end).
     */
    static final String ENDED = "ended";

    /**
     * This node listens for the first time, or again after its listening connection failed: what ended or started
     * before was never announced to it. A page whose stream opens from now on with a list read before hears "changed"
     * ({@link LiveStreams}). Reads the sessions of the open pages again (one read for them all): the page of each one
     * that ended hears {@code signed-out} with its reason, and every other open page {@code changed} (its list
     * refreshes itself as background, not as the member's activity).
     */
    @Override
    public void relistened() {
        streams.heardFromNow();
        List<SessionId> open = streams.sessions();
        if (open.isEmpty()) return;
        Map<SessionId, Session> rows = new HashMap<>();
        store.findAnyOwner(open).forEach(row -> {
            if (row.ending().isPresent()) rows.put(row.id(), row);
        });
        signOut(List.copyOf(rows.keySet()), rows, new HashSet<>());
        // Every open page of the node refreshes: "resync" lets each wait a moment of its own, so that a database
        // that comes and goes does not bring every page's list query at once (review of this change).
        streams.changedEveryone(RESYNC);
    }

    /** The data of a "changed" event sent to every page after this node listens again: the page spreads its refresh out. */
    static final String RESYNC = "resync";

    /** Tells the pages of {@code ids} that they were signed out, with the reason of their {@code rows}; adds their accounts. */
    private void signOut(List<SessionId> ids, Map<SessionId, Session> rows, Set<AccountId> accounts) {
        for (SessionId id : ids) {
            Optional<Session> session = Optional.ofNullable(rows.get(id));
            session.ifPresent(x -> accounts.add(x.account()));
            EndReason reason = session.flatMap(Session::ending).map(Session.Ending::reason).orElse(EndReason.REVOKED);
            streams.close(id, "signed-out", Map.of("reason", reason.code(), "message", reason.notice()));
        }
    }

    @Override
    public void started(AccountId account) {
        changed(account, "sessions");
    }

    /** {@code what}: "sessions", {@link #RESYNC}, or the sessions that ended ({@link #ENDED}), sent as JSON. */
    private void changed(AccountId account, Object what) {
        streams.changed(account, what);
    }
}
