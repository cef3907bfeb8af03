package dev.lanyard.factors;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentMap;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.account.Account;
import dev.lanyard.account.AccountEvent;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.passkeys.PasskeyEvent;
import dev.lanyard.session.NodeCaches;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Whether a member is held by their team's requirement of a second factor: the team requires one and the
 * member has none (no authenticator app and no passkey; removing the last one holds them again). Asked on every
 * signed-in request, so the answer is cached per member for {@link #TTL}. Every node forgets it as the change that
 * alters it commits (the member's factor added or removed, the team's policy changed), and the change returns once
 * the other nodes have ({@link NodeCaches}, decision 21); a node that may have missed that does not serve from it.
 */
@Component
public class SecondFactorRequirement {
    static final Duration TTL = Duration.ofSeconds(30);
    static final String CACHE = "second-factor-holds";
    /** The key that stands for every member: a team's policy changed. */
    private static final String EVERYONE = "*";

    private final Accounts accounts;
    private final SecondFactors factors;
    private final NodeCaches nodes;
    private final ConcurrentMap<AccountId, Boolean> held = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(TTL).<AccountId, Boolean>build().asMap();

    SecondFactorRequirement(Accounts accounts, SecondFactors factors, NodeCaches nodes) {
        this.accounts = accounts;
        this.factors = factors;
        this.nodes = nodes;
        nodes.register(CACHE, new NodeCaches.Cached() {
            @Override
            public void forget(List<String> keys) {
                if (keys.contains(EVERYONE)) held.clear();
                else keys.forEach(key -> held.remove(new AccountId(key)));
            }

            @Override
            public void clear() {
                held.clear();
            }
        });
    }

    /** Whether the member's team requires a second factor and they have none yet. */
    public boolean holds(Account account) {
        if (!nodes.trusted()) return requires(account);
        return held.computeIfAbsent(account.id(), id -> requires(account));
    }

    /** {@link #holds(Account)} for a member known by id; the account is read only when this node has no answer cached. */
    public boolean holds(AccountId id) {
        if (!nodes.trusted()) return accounts.find(id).map(this::requires).orElse(false);
        return held.computeIfAbsent(id, i -> accounts.find(i).map(this::requires).orElse(false));
    }

    private boolean requires(Account account) {
        return accounts.policy(account.team()).requireSecondFactor() && !factors.methods(account.id()).any();
    }

    @EventListener
    void factorChanged(FactorEvent event) {
        if (event instanceof FactorEvent.Enabled || event instanceof FactorEvent.Disabled || event instanceof FactorEvent.ResetByAdmin)
            nodes.forget(CACHE, List.of(event.account().id().value()));
    }

    @EventListener
    void passkeyChanged(PasskeyEvent event) {
        if (event instanceof PasskeyEvent.Added || event instanceof PasskeyEvent.Removed)
            nodes.forget(CACHE, List.of(event.passkey().owner().value()));
    }

    @EventListener
    void policyChanged(AccountEvent.PolicyChanged event) {
        nodes.forget(CACHE, List.of(EVERYONE));
    }
}
