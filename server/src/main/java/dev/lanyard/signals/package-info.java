/**
 * Lanyard tells other systems when access ends (DESIGN.md "Relying apps", decision 0026): an OpenID
 * Shared Signals Framework 1.0 transmitter (streams, push RFC 8935 and poll RFC 8936, SETs RFC 8417 with
 * subjects RFC 9493, CAEP and RISC events) and OpenID Connect Back-Channel Logout 1.0, both delivered
 * from one transactional outbox ({@code signal_outbox}) written in the transaction of the change.
 */
@ApplicationModule(displayName = "Shared Signals and back-channel logout")
package dev.lanyard.signals;

import org.springframework.modulith.ApplicationModule;
