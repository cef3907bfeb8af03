package dev.lanyard.signals;

import java.time.Instant;

import dev.lanyard.account.AccountId;
import dev.lanyard.account.TeamId;

/** What admins changed about Shared Signals; published inside the transaction that made the change (the audit log listens). */
public sealed interface SignalEvent {
    TeamId team();

    Instant at();

    /** An admin allowed an app to receive Shared Signals (again: the streams stopping disabled are enabled and told so). */
    record ReceiverEnabled(TeamId team, String clientId, String name, AccountId by, Instant at) implements SignalEvent {
    }

    /** An admin stopped an app receiving Shared Signals; its streams are disabled and get nothing more. */
    record ReceiverDisabled(TeamId team, String clientId, String name, AccountId by, Instant at) implements SignalEvent {
    }

    /** An admin deleted one of an app's streams ({@code description}: the receiver's, possibly empty). */
    record StreamDeleted(TeamId team, String clientId, String name, String streamId, String description, AccountId by, Instant at)
            implements SignalEvent {
    }
}
