package dev.lanyard.apps;

import java.util.Set;

/**
 * What other modules let a confidential app do with the client credentials grant (its own tokens,
 * no member's): the scopes it may ask for. An app with none has no client credentials grant. The
 * signals module offers {@code ssf} to the apps an admin enabled Shared Signals for.
 */
public interface ClientCredentials {
    /** The scopes {@code app} may ask for with client credentials; empty for none. */
    Set<String> scopes(AppClient app);

    /** Published in the transaction that changed what {@link #scopes} answers for an app. */
    record Changed(String appId) {
    }
}
