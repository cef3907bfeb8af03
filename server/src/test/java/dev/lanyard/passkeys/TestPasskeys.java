package dev.lanyard.passkeys;

import dev.lanyard.account.AccountId;
import org.springframework.context.ApplicationContext;

/** Passkeys for tests outside this package, stored as a registration would have stored them (no authenticator needed). */
public final class TestPasskeys {
    private TestPasskeys() {
    }

    /** Adds a passkey named {@code name} to {@code owner}; returns its id. */
    public static String add(ApplicationContext context, AccountId owner, String name) {
        return PasskeyPagesTest.passkeyOf(context.getBean(PasskeyStore.class), owner, name);
    }
}
