/**
 * Signing in, up and out, in the browser and the API, and accepting an invitation: checks who someone is
 * (through {@code account}, whose {@code Accounts.authenticate} also throttles guessing, and {@code passkeys}
 * for a sign-in with a passkey) and starts or ends their session (through {@code session}). Session mechanics
 * it needs beyond {@code session}'s own API are opened to it as named interfaces: {@code sign-in} (the cookie,
 * a request's client origin) and {@code views} (a session as JSON, the active window). It contributes the
 * password section of {@code /settings/security} ({@code settings}). A member with a second factor signs in in
 * two steps: the password starts a challenge ({@code factors}), the code completes it with a verified session.
 */
@ApplicationModule(displayName = "Sign-in",
        allowedDependencies = {"account", "session", "session :: sign-in", "session :: views", "settings", "factors",
                "passkeys", "device", "geo"})
package dev.lanyard.signin;

import org.springframework.modulith.ApplicationModule;
