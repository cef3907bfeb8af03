/**
 * Privacy (PRODUCT.md D6): a member's copy of what Lanyard keeps about them (but secrets, {@link dev.lanyard.privacy.DataExport}), as one JSON document, from
 * the "Your data" section of {@code /settings/security} and {@code GET /api/v1/account/export}. It reads each
 * module's own public services; the member's activity comes from the audit log through {@link
 * dev.lanyard.privacy.MemberActivity}, which the audit module implements, since the audit module also records
 * every export ({@link dev.lanyard.privacy.PrivacyEvent}) and so depends on this one, not the other way round.
 */
@ApplicationModule(displayName = "Privacy",
        allowedDependencies = {"account", "session", "session :: views", "settings", "keys", "apps", "passkeys", "factors",
                "risk", "geo"})
package dev.lanyard.privacy;

import org.springframework.modulith.ApplicationModule;
