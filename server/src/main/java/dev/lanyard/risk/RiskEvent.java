package dev.lanyard.risk;

import java.time.Instant;
import java.util.List;

import dev.lanyard.account.AccountId;
import dev.lanyard.session.SessionFlag;
import dev.lanyard.session.SessionId;

/** What the risk module did, for the audit log. Published inside the transaction of the change. */
public sealed interface RiskEvent {
    AccountId owner();

    Instant at();

    /** The assessment flagged a session; {@code added} are the flags it did not have before. */
    record Flagged(SessionId session, AccountId owner, List<SessionFlag> added, Instant at) implements RiskEvent {
    }

    /**
     * A sign-in alert was written for the member about {@code session}: queued for the mail server when {@code mailed}, else
     * kept in the team's outbox, as every mail is where no mail server is configured.
     */
    record AlertSent(SessionId session, AccountId owner, String email, boolean mailed, Instant at) implements RiskEvent {
    }

    /** Someone holding an alert's link said "This wasn't me": the session ended; {@code all}: every sign-in of the member ended too. */
    record Reported(SessionId session, AccountId owner, boolean all, int ended, Instant at) implements RiskEvent {
    }

    /** The member turned "Email me when a new device signs in" on or off. */
    record AlertSettingChanged(AccountId owner, SessionId from, boolean newDeviceEmails, Instant at) implements RiskEvent {
    }
}
