/**
 * Passkeys (WebAuthn Level 3, PRODUCT.md V1; decision 0023): registering, naming and removing them on
 * {@code /settings/security}, and checking an assertion, for {@code signin} to sign in without a password
 * or as a second factor. Built on Spring Security's WebAuthn relying party operations (webauthn4j), with
 * credentials and ceremonies in Lanyard's own tables.
 */
@ApplicationModule(displayName = "Passkeys", allowedDependencies = {"account", "session", "settings", "geo", "ops"})
package dev.lanyard.passkeys;

import org.springframework.modulith.ApplicationModule;
