package dev.lanyard.apps;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.session.NodeCaches;

/**
 * Grants by the hash of their access token, with their body already read, on this node ({@link LanyardAuthorizations}):
 * introspection reads them on every call, so a lookup is served from memory while this node hears every other node's
 * changes ({@link NodeCaches#trusted}). A grant without a session (client credentials) has no session check: when it
 * ends, every node is told to forget its access token ({@link #forgetOnEveryNode}).
 */
final class AccessTokenCache {
    /** The name of this cache among the caches every node keeps alike ({@link NodeCaches}). */
    static final String ACCESS_TOKENS = "oauth-access-tokens";

    private final NodeCaches nodes;
    private final Cache<String, GrantJson.Read> byAccessHash;

    AccessTokenCache(NodeCaches nodes) {
        this.nodes = nodes;
        this.byAccessHash = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(5)).build();
        nodes.register(ACCESS_TOKENS, new NodeCaches.Cached() {
            @Override
            public void forget(List<String> hashes) {
                byAccessHash.invalidateAll(hashes);
            }

            @Override
            public void clear() {
                byAccessHash.invalidateAll();
            }
        });
    }

    /** The grant of this access token's hash, if this node holds it and may serve from memory now. */
    Optional<GrantJson.Read> find(String hash) {
        return nodes.trusted() ? Optional.ofNullable(byAccessHash.getIfPresent(hash)) : Optional.empty();
    }

    void put(String hash, GrantJson.Read read) {
        byAccessHash.put(hash, read);
    }

    /** Forgets an access token on this node only. */
    void forget(String hash) {
        byAccessHash.invalidate(hash);
    }

    /** Forgets access tokens on this node only. */
    void forgetAll(List<String> hashes) {
        byAccessHash.invalidateAll(hashes);
    }

    /** Tells every node to forget these access tokens ({@link NodeCaches#forget}): in the caller's transaction, if any. */
    void forgetOnEveryNode(List<String> hashes) {
        nodes.forget(ACCESS_TOKENS, hashes);
    }
}
