package dev.lanyard.apps;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Authorizations (grants) and the refresh tokens they have already used. */
interface GrantStore {
    /** Inserts the grant, or replaces every field but its creation time. Safe to repeat. */
    void save(StoredGrant grant);

    /** Deletes the grant, with its earlier ID tokens; returns 1 or 0. Safe to repeat. */
    int delete(String id);

    Optional<StoredGrant> find(String id);

    /**
     * The grant holding a token or state with this hash, of the given kind; empty: an access or a refresh token, what
     * introspection (RFC 7662) and revocation (RFC 7009) are given without a type. A code, state or ID token is found
     * only when asked for by its kind, so none of them is ever introspected as active. An ID token is its newest or one
     * of its {@link #keepEarlierIdToken earlier} ones.
     */
    Optional<StoredGrant> findByHash(String hash, Optional<Kind> kind);

    /**
     * Keeps the hash of an ID token the grant issued before the one it holds now, found by {@link #findByHash} as
     * the grant's; of the grant's earlier ID tokens only the {@code keep} replaced last stay. Safe to repeat.
     */
    void keepEarlierIdToken(String grantId, String hash, Instant replacedAt, int keep);

    enum Kind { STATE, CODE, ACCESS, REFRESH, ID_TOKEN }

    /**
     * Notes that a refresh token or an authorization code was exchanged, atomically on any database; returns false if it
     * already was (of two exchanges at once, exactly one gets true).
     */
    boolean useUp(String hash, String grantId, Instant at);

    /** The grant whose exchanged refresh token had this hash. */
    Optional<String> usedRefresh(String hash);

    /** The Lanyard sessions of a member's grants for an app (all of them, any state). */
    List<String> sessions(String accountId, String clientId);

    /**
     * Deletes, at most {@code limit} at a time, grants that can never be used again, with the refresh tokens
     * they used: those whose Lanyard session ended before {@code endedBefore} or is gone (purged with the
     * history), and those that never got as far as a session (an authorization request nobody finished)
     * last changed before {@code abandonedBefore}, with their earlier ID tokens. Returns how many grants went.
     */
    int purge(Instant endedBefore, Instant abandonedBefore, int limit);

    /** A grant's session and its member: what ending the session needs. */
    record SessionOf(String sessionId, String accountId) {
    }

    /**
     * Grants whose code was issued (their session started) and never exchanged for tokens, last changed before
     * {@code before}, whose session is still active: at most {@code limit}. Changes nothing.
     */
    List<SessionOf> unredeemed(Instant before, int limit);

    /**
     * Deletes the grants an app holds for itself (client credentials: no session, the app's client id as principal,
     * an access token); returns the hashes of their access tokens.
     */
    List<String> deleteOwn(String appId, String clientId);

    /** The grant that lives in this Lanyard session, if any (the newest, should there be several). */
    Optional<StoredGrant> bySession(String sessionId);

    /** {@link #bySession} for many sessions in one statement: the newest grant of each that has one, by session id. */
    java.util.Map<String, StoredGrant> bySessions(java.util.Collection<String> sessionIds);

}
