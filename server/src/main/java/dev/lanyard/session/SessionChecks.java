package dev.lanyard.session;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The check of a request's token, on every request: token → hash → cache → checks → activity. Needs no database
 * access on a cache hit; ends a session on the spot when it has expired, and notices a change of address.
 */
@Component
class SessionChecks {
    private final SessionStore store;
    private final SessionCache cache;
    private final ActivityRecorder activity;
    private final SessionBroadcast broadcast;
    private final AddressChanges addresses;
    private final Accounts accounts;
    private final Clock clock;
    private final ObjectProvider<CredentialScopes> scopes;

    SessionChecks(SessionStore store, SessionCache cache, ActivityRecorder activity, SessionBroadcast broadcast,
                  AddressChanges addresses, Accounts accounts, Clock clock, ObjectProvider<CredentialScopes> scopes) {
        this.store = store;
        this.cache = cache;
        this.activity = activity;
        this.broadcast = broadcast;
        this.addresses = addresses;
        this.accounts = accounts;
        this.clock = clock;
        this.scopes = scopes;
    }

    Sessions.Check check(String token, Optional<String> page) {
        return check(token, new Sessions.Use("", page, true));
    }

    Sessions.Check check(String token, Sessions.Use use) {
        if (SessionToken.plausible(token)) return checkHash(SessionToken.hash(token), false, use);
        if (ApiKeyToken.wellFormed(token)) return checkHash(SessionToken.hash(token), true, use);
        return new Sessions.Check.Unknown();
    }

    Sessions.Check checkApp(String key, Sessions.Use use) {
        if (key == null || key.length() != 64) return new Sessions.Check.Unknown();
        return checkHash(key, false, use);
    }

    private Sessions.Check checkHash(String hash, boolean key, Sessions.Use use) {
        Optional<CachedSession> found = cache.get(hash, key ? this::loadKey : this::load);
        if (found.isEmpty()) return new Sessions.Check.Unknown();
        CachedSession entry = found.get();
        if (entry.ended().isPresent()) return new Sessions.Check.Ended(entry.ended().get(), key);
        Instant now = clock.instant();
        if (entry.boundCookieStale(now.toEpochMilli())) return new Sessions.Check.Unknown();
        Optional<EndReason> expired = entry.expiry(now.toEpochMilli());
        if (expired.isPresent()) {
            expire(entry, expired.get(), now);
            return new Sessions.Check.Ended(expired.get(), key);
        }
        if (use.counts()) {
            entry.used(now, use.page());
            activity.record(entry.id, now, use.page(), entry.keyScopes().isPresent());
        }
        if (!use.ip().isEmpty() && !entry.seenFrom(use.ip())) {
            AddressChanges.Address seen = entry.seen();
            AddressChanges.Address to = addresses.at(use.ip());
            if (entry.move(seen, to)) addresses.moved(entry.id, entry.account().id(), seen, to, now);
        }
        return new Sessions.Check.Valid(new CurrentSession(entry.id, entry.account(), entry.appType(), entry.keyScopes()));
    }

    private CachedSession load(String hash) {
        return load(hash, false);
    }

    /** An API key's session: its token has the key format, which no sign-in's token has. */
    private CachedSession loadKey(String hash) {
        return load(hash, true);
    }

    private CachedSession load(String hash, boolean key) {
        return store.findByTokenHash(hash)
                // A removed member's account is gone for sign-in, but their ended sessions must still say why.
                .flatMap(s -> (s.active() ? accounts.find(s.account()) : accounts.findIncludingRemoved(s.account()))
                        .map(a -> CachedSession.of(activity.withPending(s), a,
                                key ? Optional.of(keyScopes(s.id())) : Optional.empty())))
                .orElse(null);
    }

    /** The scopes of an API key's session; none if the keys module does not know it. */
    private java.util.Set<String> keyScopes(SessionId id) {
        return scopes.stream().map(c -> c.of(id)).flatMap(Optional::stream).findFirst().orElse(java.util.Set.of());
    }

    /**
     * Ends a session the check found expired, as the sweep would: its row records when it expired, not this check's
     * time, and the announcement (the audit entry) is made now.
     */
    private void expire(CachedSession entry, EndReason reason, Instant now) {
        SessionId id = entry.id;
        AccountId owner = entry.account().id();
        if (store.end(id, owner, Session.Ending.expired(reason, entry.expiredAt(reason))) == 1) {
            broadcast.ended(List.of(id), owner, Session.Ending.expired(reason, now));
        } else {
            cache.evict(List.of(id));
        }
    }
}
