/**
 * The member's security settings page, {@code /settings/security}: one page made of sections that other
 * modules contribute (password, two-factor, passkeys, sign-in alerts) as {@link SecuritySection} beans,
 * so each feature keeps its own controller, rules and template fragment.
 */
@ApplicationModule(displayName = "Security settings", allowedDependencies = {"session", "account"})
package dev.lanyard.settings;

import org.springframework.modulith.ApplicationModule;
