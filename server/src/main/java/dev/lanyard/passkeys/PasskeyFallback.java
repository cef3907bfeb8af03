package dev.lanyard.passkeys;

import java.util.List;

import dev.lanyard.account.AccountId;

/**
 * What a member falls back on when the passkey they just added is one of their only second factors: recovery codes,
 * made by the second-factors module (docs/decisions/0066). That module depends on this one, so this one asks through
 * this interface, which it implements, instead of calling it.
 */
public interface PasskeyFallback {
    /**
     * Called in the registration's transaction, once the passkey is stored: the recovery codes made for {@code owner}
     * (to be shown once, in the answer to the form that added the passkey), or none when the member has an
     * authenticator app, or has unused recovery codes and had passkeys before this one.
     */
    List<String> afterAdding(AccountId owner);

    /**
     * Called in the removal's transaction, once the passkey is gone: a member left with neither a passkey nor an
     * authenticator app loses their recovery codes, a way past a second factor they no longer have (and perhaps made
     * for a passkey someone else added with their password).
     */
    void afterRemoving(AccountId owner);
}
