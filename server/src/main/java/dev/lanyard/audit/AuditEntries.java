package dev.lanyard.audit;

import java.time.Instant;
import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TeamId;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionProblem;
import dev.lanyard.session.Sessions;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What the audit recorders share: writing one entry, and looking up the people and sessions an entry names as they
 * are now. An entry no team can be found for is not written but counted in {@code lanyard.audit.unattributed}.
 */
@Component
class AuditEntries {
    private static final Logger log = LoggerFactory.getLogger(AuditEntries.class);

    private final AuditLog audit;
    private final Accounts accounts;
    private final Sessions sessions;
    private final MeterRegistry meters;

    AuditEntries(AuditLog audit, Accounts accounts, Sessions sessions, MeterRegistry meters) {
        this.audit = audit;
        this.accounts = accounts;
        this.sessions = sessions;
        this.meters = meters;
    }

    /** Writes one entry to the team's log, in the caller's transaction. */
    void record(TeamId team, Instant at, AuditEntry.Actor actor, Optional<AccountId> subject,
                Optional<SessionId> session, AuditAction action, String detail, Optional<String> ip) {
        audit.record(new AuditEntry.Draft(team, at, actor, subject, session, action, detail, ip));
    }

    /** An admin and the session (or API key) they act with, with its address when it is a session. */
    record Acting(AuditEntry.Actor actor, Optional<String> ip) {
    }

    /**
     * The admin of an account event, which names only who acted: the session of the request that made the change is
     * this thread's principal (events are recorded on the publisher's thread), taken when it is that admin's.
     */
    Acting acting(AccountId admin) {
        Optional<SessionId> via = CurrentSession.actingFor(admin);
        return new Acting(actor(admin, via), via.flatMap(s -> session(s, admin)).map(Session::ip));
    }

    /** Who acted, by their account as it is now; by id alone when it is no longer found. */
    AuditEntry.Actor actor(AccountId id, Optional<SessionId> via) {
        return accounts.find(id).map(a -> AuditEntry.Actor.of(a, via))
                .orElse(new AuditEntry.Actor(Optional.of(id), "", "", via));
    }

    /** The account's email as a sentence of the log names it ({@link Phrases#email}); its id when it is no longer found. */
    String email(AccountId id) {
        return accounts.find(id).map(Account::email).map(Phrases::email).orElse(id.value());
    }

    /** The session of {@code owner}, active or ended; empty when it is no longer found. */
    Optional<Session> session(SessionId id, AccountId owner) {
        try {
            return Optional.of(sessions.get(id, owner));
        } catch (SessionProblem.NotFound gone) {
            return Optional.empty();
        }
    }

    /** Counts an entry that no team could be found for, which is not recorded (see {@link AuditRecorder}). */
    void unattributed(AuditAction action) {
        meters.counter("lanyard.audit.unattributed", "action", action.code()).increment();
        if (action != AuditAction.SIGN_IN_FAILED) log.warn("No team found for an audit entry ({}); not recorded", action.code());
    }
}
