/**
 * Suspicious sessions and sign-in alerts (PRODUCT.md V3, V5): assesses each sign-in and each change of a
 * session's address against what the account has been seen with, keeps the flags with the session
 * (through {@code session}), tells the audit log ({@link dev.lanyard.risk.RiskEvent}), and emails the
 * member about a new device or place with a single-use "This wasn't me" link. See docs/decisions/0024.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Risk and sign-in alerts")
package dev.lanyard.risk;
