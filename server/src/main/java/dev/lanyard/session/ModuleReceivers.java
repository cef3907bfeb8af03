package dev.lanyard.session;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What other modules hear on {@link SessionBroadcast}'s channel, by name: their caches, which forget the keys another
 * node changed ({@link NodeCaches}), and who hears the news of another node ({@link NodeNews}). Both run on the
 * listening thread.
 */
class ModuleReceivers {
    /** Logs as {@link SessionBroadcast}, whose work this is: operators know its lines by that name. */
    private static final Logger log = LoggerFactory.getLogger(SessionBroadcast.class);

    /** The caches of other modules ({@link NodeCaches}), by name: each forgets the keys it is given. */
    private final Map<String, Consumer<List<String>>> forgetters = new ConcurrentHashMap<>();
    /** Who hears the news of each name ({@link NodeNews}): it is given the messages of one notification. */
    private final Map<String, Consumer<List<String>>> newsListeners = new ConcurrentHashMap<>();
    private final SessionCache cache;

    ModuleReceivers(SessionCache cache) {
        this.cache = cache;
    }

    /** Registers the cache {@code name} of another module ({@link NodeCaches}); once per name. */
    void forgetter(String name, Consumer<List<String>> forget) {
        if (forgetters.putIfAbsent(name, forget) != null) throw new IllegalStateException("Two caches named " + name);
    }

    /** The cache {@code name} of this node, if one is registered. */
    Optional<Consumer<List<String>>> forgetter(String name) {
        return Optional.ofNullable(forgetters.get(name));
    }

    /** Registers who hears the news of {@code name} from the other nodes ({@link NodeNews}); once per name. */
    void newsListener(String name, Consumer<List<String>> listener) {
        if (newsListeners.putIfAbsent(name, listener) != null) throw new IllegalStateException("Two listeners to the news " + name);
    }

    /** {@code NAME:messages} heard from another node: its listener hears them; one that fails is logged and skipped. */
    void news(String payload) {
        named(payload, newsListeners).ifPresent(hear -> {
            try {
                hear.run();
            } catch (RuntimeException e) {
                log.warn("A listener failed to hear another node's news: {}", e.getClass().getName());
            }
        });
    }

    /** {@code NAME:keys} heard from another node: that cache forgets them; one that fails is cleared, with every other. */
    void forgotten(String payload) {
        named(payload, forgetters).ifPresent(forget -> {
            try {
                forget.run();
            } catch (RuntimeException e) {
                log.warn("A cache failed to forget what another node changed; clearing every cache: {}", e.toString());
                cache.clear();
            }
        });
    }

    /** {@code NAME:a,b,...} given to the receiver of that name, to run; nothing for a malformed payload or an unknown name. */
    private static Optional<Runnable> named(String payload, Map<String, Consumer<List<String>>> receivers) {
        int colon = payload.indexOf(':');
        if (colon < 0) return Optional.empty();
        Consumer<List<String>> receiver = receivers.get(payload.substring(0, colon));
        if (receiver == null) return Optional.empty();
        return Optional.of(() -> receiver.accept(BroadcastChannel.items(payload.substring(colon + 1))));
    }
}
