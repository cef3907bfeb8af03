package dev.lanyard.factors;

import java.util.List;

import dev.lanyard.account.AccountId;
import dev.lanyard.passkeys.PasskeyFallback;
import org.springframework.stereotype.Component;

/** Recovery codes for a member whose new passkey is their only kind of second factor (docs/decisions/0066). */
@Component
class PasskeyRecoveryCodes implements PasskeyFallback {
    private final SecondFactors factors;

    PasskeyRecoveryCodes(SecondFactors factors) {
        this.factors = factors;
    }

    @Override
    public List<String> afterAdding(AccountId owner) {
        return factors.recoveryCodesForPasskeys(owner);
    }

    @Override
    public void afterRemoving(AccountId owner) {
        factors.recoveryCodesWithoutFactors(owner);
    }
}
