package dev.lanyard.factors;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.factors.SecondFactors.Methods;
import dev.lanyard.passkeys.Passkeys;
import org.springframework.stereotype.Component;

/**
 * A member's codes: which second factors they have, a TOTP code or a recovery code checked through the sign-in
 * throttle and used up (a TOTP code once: the last accepted time step only moves forward, atomically; a recovery code
 * once), and new recovery codes made in place of the old ones.
 */
@Component
class FactorCodes {
    private final FactorStore store;
    private final SeedCipher cipher;
    private final RecoveryCodes recoveryCodes;
    private final Accounts accounts;
    private final Passkeys passkeys;
    private final Clock clock;

    FactorCodes(FactorStore store, SeedCipher cipher, RecoveryCodes recoveryCodes, Accounts accounts,
                Passkeys passkeys, Clock clock) {
        this.store = store;
        this.cipher = cipher;
        this.recoveryCodes = recoveryCodes;
        this.accounts = accounts;
        this.passkeys = passkeys;
        this.clock = clock;
    }

    boolean enabled(AccountId account) {
        return store.find(account).map(FactorStore.Totp::confirmed).orElse(false);
    }

    Methods methods(AccountId account) {
        boolean totp = enabled(account);
        boolean passkey = !passkeys.list(account).isEmpty();
        return new Methods(totp, passkey, totp || passkey && store.unusedRecoveryCodes(account) > 0);
    }

    /** Checks and uses up a code of a member with an authenticator app, through the sign-in throttle; throws if it is refused. */
    void requireCode(Account account, String code, String address) {
        if (!enabled(account.id())) throw new FactorProblem.NotEnabled();
        Outcome[] outcome = {Outcome.WRONG};
        if (!accounts.checkThrottled(account, address, () -> (outcome[0] = check(account, code)).passed()))
            throw outcome[0].refusal();
    }

    /**
     * What checking a code found: passed with an authenticator code or a recovery code, or refused as wrong, or as a right
     * code already used. Either refusal counts as a failure for the throttle and the challenge alike.
     */
    enum Outcome {
        TOTP, RECOVERY, WRONG, TOTP_USED, RECOVERY_USED;

        boolean passed() {
            return this == TOTP || this == RECOVERY;
        }

        FactorProblem.WrongCode refusal() {
            return switch (this) {
                case TOTP_USED -> FactorProblem.WrongCode.alreadyUsed();
                case RECOVERY_USED -> FactorProblem.WrongCode.recoveryCodeUsed();
                case TOTP, RECOVERY, WRONG -> new FactorProblem.WrongCode();
            };
        }
    }

    /**
     * Checks and uses up a TOTP code or a recovery code of an enrolled member. A code refused only because it was used
     * says so: that is known only to whoever gives a right code (of the member's seed within a step of now, or one of the
     * member's recovery codes), who would have passed had it not been used, so it tells a guesser nothing.
     */
    Outcome check(Account account, String code) {
        String given = code == null ? "" : code.replace(" ", "").replace("-", "");
        if (given.length() == Totp.DIGITS) {
            FactorStore.Totp totp = store.find(account.id()).filter(FactorStore.Totp::confirmed).orElse(null);
            if (totp == null) return Outcome.WRONG;
            byte[] seed = cipher.open(totp.sealedSeed(), account.id().value());
            OptionalLong step = Totp.matchingStep(seed, given, clock.instant());
            if (step.isEmpty()) return Outcome.WRONG;
            // 0 rows: a code of this step or a later one was accepted before (decision 22: one code works once).
            return store.useStep(account.id(), step.getAsLong()) == 1 ? Outcome.TOTP : Outcome.TOTP_USED;
        }
        Optional<String> recovery = RecoveryCodes.normalize(code);
        if (recovery.isEmpty()) return Outcome.WRONG;
        java.util.Set<String> forms = recoveryCodes.forms(account.id(), recovery.get());
        if (store.useRecoveryCode(account.id(), forms, clock.instant()) > 0) return Outcome.RECOVERY;
        return store.recoveryCodeUsed(account.id(), forms) ? Outcome.RECOVERY_USED : Outcome.WRONG;
    }

    /** Replaces the member's recovery codes with new ones, kept as keyed hashes; returns them, to be shown once. */
    List<String> newRecoveryCodes(AccountId account, Instant now) {
        RecoveryCodes.Made made = recoveryCodes.make(account);
        store.replaceRecoveryCodes(account, made.kept(), now);
        return made.shown();
    }
}
