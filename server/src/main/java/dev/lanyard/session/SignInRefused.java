package dev.lanyard.session;

import java.time.Instant;

import dev.lanyard.account.AccountId;

/**
 * A sign-in with the right password refused because the member already has as many sessions as they may have at once
 * and the team refuses sign-ins at its limit (PRODUCT.md L5). Published outside any transaction, after the sign-in's
 * own rolled back, so the audit log keeps it (T6: failed sign-ins).
 *
 * @param address the address the sign-in came from
 */
public record SignInRefused(AccountId owner, int limit, String address, Instant at) {
}
