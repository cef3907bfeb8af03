/**
 * Signing in, up and out, in the browser and the API, and accepting an invitation: checks who someone is
 * (through {@code account}, whose {@code Accounts.authenticate} also throttles guessing, and {@code passkeys}
 * for a sign-in with a passkey) and starts or ends their session (through {@code session}). Session mechanics
 * it needs beyond {@code session}'s own API are opened to it as named interfaces: {@code sign-in} (the cookie,
 * a request's client origin) and {@code views} (a session as JSON, the active window).
 */
@ApplicationModule(displayName = "Sign-in",
        allowedDependencies = {"account", "session", "session :: sign-in", "session :: views", "passkeys"})
package dev.lanyard.signin;

import org.springframework.modulith.ApplicationModule;
