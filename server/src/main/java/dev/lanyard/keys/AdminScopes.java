package dev.lanyard.keys;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.AccountEvent;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Role;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.EndReason;
import dev.lanyard.session.Sessions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A key's admin scope follows its owner's role down, never up (decision 0018): an admin made a member loses it from
 * their keys in the change of role's transaction, and a key whose only scope was admin, which could make no request, is
 * revoked. Keys whose owner was made a member by an earlier build kept it (a migration cannot write the audit entry that
 * says why); a regular check finds them and does to them what a change of role does, saying in the audit log that the
 * check found them.
 */
@Component
class AdminScopes {
    private static final Logger log = LoggerFactory.getLogger(AdminScopes.class);
    /** Keys the check changes per run: the keys of members made one before the scope went with the role, a handful. */
    static final int CHECK_BATCH = 100;
    /** Why a key of the admin scope alone was revoked (its end's note, in the audit log and on the key's page). */
    static final String ONLY_ADMIN = "Its only scope was admin, which its owner no longer has";
    /** What the check adds to a revoked key's note: no change of role was made when it was revoked. */
    static final String FOUND_BY_CHECK = "; found by Lanyard's regular check of API keys: its owner was made a member by a"
            + " version of Lanyard that left the scope on keys";

    private final ApiKeyStore store;
    private final Sessions sessions;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate transactions;
    private final Clock clock;

    AdminScopes(ApiKeyStore store, Sessions sessions, ApplicationEventPublisher events, TransactionTemplate transactions,
                Clock clock) {
        this.store = store;
        this.sessions = sessions;
        this.events = events;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * In the change of role's transaction, with the team locked: otherwise the scope would come back with the role, on a
     * key made while they were trusted with it (outside review). Removing a member ends every key of theirs already.
     */
    @EventListener
    void roleChanged(AccountEvent.RoleChanged changed) {
        if (changed.before() != Role.ADMIN || changed.after() == Role.ADMIN) return;
        for (ApiKey key : store.activeWith(changed.member(), KeyScope.ADMIN)) {
            removeAdminScope(key, Optional.of(changed.by()), changed.at());
        }
        // Cached keys are read again with their new scopes: a change of role forgets the team's cached sessions on every node.
    }

    /**
     * Takes the admin scope from active keys whose owner is not an admin, as {@link #roleChanged} does, on the sweep's
     * schedule, first one interval after start-up: one indexed query that finds nothing once the keys left by earlier
     * builds are done, and a transaction only when it finds some. A cached key keeps the old scopes until its entry is
     * read again ({@code lanyard.session.cache-refresh}); its owner's role, not the scope, already refuses it admin
     * requests. Returns how many keys it changed.
     */
    @Scheduled(fixedDelayString = "${lanyard.session.sweep-interval:1m}", initialDelayString = "${lanyard.session.sweep-interval:1m}")
    int check() {
        List<ApiKey> kept = store.adminScopeWithoutAdmin(CHECK_BATCH);
        if (kept.isEmpty()) return 0;
        Instant now = clock.instant();
        int changed = transactions.execute(tx -> {
            int done = 0;
            for (ApiKey key : kept) {
                if (removeAdminScope(key, Optional.empty(), now)) done++;
            }
            return done;
        });
        if (changed > 0) log.info("Took the admin scope from {} API keys whose owner is not an admin (revoking those it was the only scope of)", changed);
        return changed;
    }

    /**
     * Takes the admin scope from {@code key}, or revokes it when that was its only scope. {@code by}: the admin who changed
     * the owner's role; empty: the check. Returns whether the key changed (another node's check may have been first).
     */
    private boolean removeAdminScope(ApiKey key, Optional<AccountId> by, Instant at) {
        Set<KeyScope> left = EnumSet.copyOf(key.scopes());
        left.remove(KeyScope.ADMIN);
        if (left.isEmpty()) {
            return sessions.endKey(key.id(), key.owner(), EndReason.ADMIN_REVOKED, by, by.flatMap(CurrentSession::actingFor),
                    Optional.of(by.isPresent() ? ONLY_ADMIN : ONLY_ADMIN + FOUND_BY_CHECK));
        }
        if (store.removeAdminScope(key.id(), left) == 0) return false;
        events.publishEvent(new ApiKeyEvent.AdminScopeRemoved(key, left, by, at));
        return true;
    }
}
