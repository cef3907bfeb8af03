package dev.lanyard.session;

import java.util.List;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;

import static dev.lanyard.session.BroadcastChannel.ACK_PREFIX;
import static dev.lanyard.session.BroadcastChannel.CHANGED_PREFIX;
import static dev.lanyard.session.BroadcastChannel.ENDED_PREFIX;
import static dev.lanyard.session.BroadcastChannel.FORGET_PREFIX;
import static dev.lanyard.session.BroadcastChannel.FROM;
import static dev.lanyard.session.BroadcastChannel.NEWS_PREFIX;
import static dev.lanyard.session.BroadcastChannel.STARTED_PREFIX;
import static dev.lanyard.session.BroadcastChannel.TEAM_PREFIX;
import static dev.lanyard.session.BroadcastChannel.ids;

/**
 * What a notification heard on {@link SessionBroadcast}'s channel does, on the listening thread. It only evicts from
 * the cache, which is memory work; whatever else a notification causes (live pages, which read the database) is handed
 * to {@link LocalListeners}' own thread, so a slow listener never delays the next eviction.
 */
class HeardNotifications {
    private final String node;
    private final SessionCache cache;
    private final EndingAcknowledgements acknowledgements;
    private final ModuleReceivers receivers;
    private final LocalListeners listeners;

    HeardNotifications(BroadcastChannel channel, SessionCache cache, EndingAcknowledgements acknowledgements,
                       ModuleReceivers receivers, LocalListeners listeners) {
        this.node = channel.node();
        this.cache = cache;
        this.acknowledgements = acknowledgements;
        this.receivers = receivers;
        this.listeners = listeners;
    }

    /** Acts on a notification; returns the acknowledgement it asks for, if any, once acted on. */
    String received(String notification) {
        int from = notification.indexOf(FROM);
        // Our own come back too: this node evicted and told its pages after the commit already, so
        // telling them again would only refresh open pages twice.
        if (from > 0 && notification.substring(0, from).equals(node)) return null;
        String sender = from > 0 ? notification.substring(0, from) : "";
        String payload = notification.substring(from + 1);
        if (payload.startsWith(ACK_PREFIX)) {
            acknowledgements.heard(sender, payload.substring(ACK_PREFIX.length()));
            return null;
        }
        if (payload.startsWith(NEWS_PREFIX)) {
            receivers.news(payload.substring(NEWS_PREFIX.length()));
            return null;
        }
        String owed = null;
        if (payload.startsWith(ENDED_PREFIX)) {
            String rest = payload.substring(ENDED_PREFIX.length());
            int colon = rest.indexOf(':');
            if (colon > 0) {
                owed = ACK_PREFIX + sender + ":" + rest.substring(0, colon);
                payload = rest.substring(colon + 1);
            }
        }
        if (payload.startsWith(TEAM_PREFIX)) {
            cache.evictTeam(new TeamId(payload.substring(TEAM_PREFIX.length())));
        } else if (payload.startsWith(STARTED_PREFIX)) {
            var account = new AccountId(payload.substring(STARTED_PREFIX.length()));
            listeners.handOff(l -> l.started(account));
        } else if (payload.startsWith(CHANGED_PREFIX)) {
            cache.evict(ids(payload.substring(CHANGED_PREFIX.length())));
        } else if (payload.startsWith(FORGET_PREFIX)) {
            receivers.forgotten(payload.substring(FORGET_PREFIX.length()));
        } else {
            List<SessionId> ids = ids(payload);
            cache.evict(ids);
            listeners.handOff(l -> l.ended(ids, false));
        }
        return owed;
    }

    /**
     * This node listens, for the first time or again after its listening connection failed: its listeners read again
     * what they keep of the sessions, on their own thread.
     */
    void relistened() {
        listeners.handOff(SessionBroadcast.Listener::relistened);
    }
}
