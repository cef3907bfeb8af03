/**
 * Second factors: authenticator apps (TOTP, RFC 6238) with single-use recovery codes, the second step of
 * sign-in (a short-lived challenge between a right password and a session), and a team's requirement that
 * every member have one. Enrolment is a section of {@code /settings/security}; the sign-in module asks this
 * one whether a sign-in needs a second step and to check it.
 */
@ApplicationModule(displayName = "Second factors", allowedDependencies = {"account", "session", "session :: views", "settings", "geo", "passkeys", "handover"})
package dev.lanyard.factors;

import org.springframework.modulith.ApplicationModule;
