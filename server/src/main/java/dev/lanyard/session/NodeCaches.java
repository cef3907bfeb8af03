package dev.lanyard.session;

import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

/**
 * Caches that other modules keep on each node, of what can stop without any session ending: an OAuth access token
 * that has no session (client credentials), an app's registration. They hear of a change from another node as the
 * validation cache hears of an ending (decisions 0001 and 0021): on the same listening connection, delivered only
 * if the change commits, and {@link #forget} returns once every other node has dropped what it names. While this
 * node may have missed a notification (its listening connection down, its lease run out) the caches are
 * {@linkplain #trusted() not to be served from}; they are cleared with the validation cache when it hears again.
 */
@Component
public class NodeCaches {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z-]*");

    private final SessionBroadcast broadcast;
    private final SessionCache cache;

    NodeCaches(SessionBroadcast broadcast, SessionCache cache) {
        this.broadcast = broadcast;
        this.cache = cache;
    }

    /** A cache of another module. Both methods are memory work only: they run on the listening thread. */
    public interface Cached {
        /** Drops the entries of these keys. */
        void forget(List<String> keys);

        /** Drops every entry: notifications may have been missed. */
        void clear();
    }

    /** Registers a cache under a name of its own (lower-case letters and dashes), once. */
    public void register(String name, Cached cached) {
        if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("A cache name of lower-case letters and dashes: " + name);
        broadcast.forgetter(name, cached::forget);
        cache.alsoClear(cached::clear);
    }

    /**
     * Makes the cache {@code name} forget {@code keys} on every node: the other nodes as they hear the commit of the
     * caller's transaction (at once without one), this node after it. Returns, after the commit, once every other
     * node that may hold them has forgotten them, as an ending does (decision 0021). A key holds no comma.
     */
    public void forget(String name, Collection<String> keys) {
        for (String key : keys) {
            if (key.isBlank() || key.indexOf(',') >= 0) throw new IllegalArgumentException("A key without commas: " + key);
        }
        broadcast.forget(name, List.copyOf(keys));
    }

    /**
     * Whether this node hears every other node's changes now: a cache registered here may be served from only
     * while it does, otherwise it reads the database.
     */
    public boolean trusted() {
        return cache.trusted();
    }
}
