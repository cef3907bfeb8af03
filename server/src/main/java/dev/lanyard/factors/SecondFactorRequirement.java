package dev.lanyard.factors;

import java.time.Duration;
import java.util.concurrent.ConcurrentMap;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.lanyard.account.Account;
import dev.lanyard.account.AccountEvent;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.passkeys.PasskeyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Whether a member is held by their team's requirement of a second factor: the team requires one and the
 * member has none (no authenticator app and no passkey; removing the last one holds them again). Asked on every signed-in request, so the answer is cached per member for
 * {@link #TTL}; this node forgets it at once when the member's factor or the team's policy changes here,
 * other nodes within {@link #TTL}.
 */
@Component
public class SecondFactorRequirement {
    static final Duration TTL = Duration.ofSeconds(30);

    private final Accounts accounts;
    private final SecondFactors factors;
    private final ConcurrentMap<AccountId, Boolean> held = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterWrite(TTL).<AccountId, Boolean>build().asMap();

    SecondFactorRequirement(Accounts accounts, SecondFactors factors) {
        this.accounts = accounts;
        this.factors = factors;
    }

    /** Whether the member's team requires a second factor and they have none yet. */
    public boolean holds(Account account) {
        return held.computeIfAbsent(account.id(), id -> requires(account));
    }

    /** {@link #holds(Account)} for a member known by id; the account is read only when this node has no answer cached. */
    public boolean holds(AccountId id) {
        return held.computeIfAbsent(id, i -> accounts.find(i).map(this::requires).orElse(false));
    }

    private boolean requires(Account account) {
        return accounts.policy(account.team()).requireSecondFactor() && !factors.methods(account.id()).any();
    }

    @EventListener
    void factorChanged(FactorEvent event) {
        held.remove(event.account().id());
    }

    @EventListener
    void passkeyChanged(PasskeyEvent event) {
        held.remove(event.passkey().owner());
    }

    @EventListener
    void policyChanged(AccountEvent.PolicyChanged event) {
        held.clear();
    }
}
