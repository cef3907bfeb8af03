package dev.lanyard.passkeys;

import java.time.Instant;

import dev.lanyard.session.SessionId;

/** What a member did to their passkeys. Published inside the transaction that made the change; the audit log listens. */
public sealed interface PasskeyEvent {
    Passkey passkey();

    /** The member's session the change was made from. */
    SessionId fromSession();

    Instant at();

    record Added(Passkey passkey, SessionId fromSession, Instant at) implements PasskeyEvent {
    }

    record Renamed(Passkey passkey, String before, SessionId fromSession, Instant at) implements PasskeyEvent {
    }

    record Removed(Passkey passkey, SessionId fromSession, Instant at) implements PasskeyEvent {
    }
}
