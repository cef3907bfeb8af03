package dev.lanyard.privacy;

import java.util.function.Consumer;

import dev.lanyard.account.Account;

/**
 * A member's own activity from the audit log, for their data export: the entries and masking of their own
 * activity export ({@code /settings/activity/export}). The audit module implements it, since it depends on
 * this module to record exports.
 */
public interface MemberActivity {

    /**
     * Hands each entry the member did or that concerns them to {@code sink}, oldest first, as the JSON record
     * their activity export writes: read in batches, so the entries are never all in memory at once.
     */
    void forEach(Account member, Consumer<Object> sink);
}
