package dev.lanyard.audit;

import java.util.List;
import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.TeamId;
import dev.lanyard.keys.ApiKey;
import dev.lanyard.keys.ApiKeys;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionsEnded;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Audit entries for sessions that ended, however they ended: signed out, revoked by their owner or an admin, expired,
 * ended by a password change, the session limit or an app; an API key's ending reads as the key revoked or expired.
 * Recorded synchronously, in the transaction that ended them, like every entry ({@link AuditRecorder}).
 */
@Component
class EndedSessionsRecorder {
    private final AuditEntries entries;
    private final Accounts accounts;
    private final ApiKeys keys;

    EndedSessionsRecorder(AuditEntries entries, Accounts accounts, ApiKeys keys) {
        this.entries = entries;
        this.accounts = accounts;
        this.keys = keys;
    }

    /**
     * One entry per ended session, as before, but read in a few statements for the whole batch: the
     * owners, the API keys among the sessions, the one who ended them and the session they did it from.
     */
    @EventListener
    void on(SessionsEnded event) {
        Session.Ending ending = event.ending();
        // Read only when the ending has keys among its sessions: an expired key is named, not "Unknown device" (outside QA).
        List<SessionId> keyIds = event.sessions().stream().filter(Session::apiKey).map(Session::id).toList();
        java.util.Map<SessionId, ApiKey> keyed = keyIds.isEmpty() ? java.util.Map.of() : keys.find(keyIds);
        // Including removed accounts: a removed member's sessions end in the removal's transaction, after the account went.
        java.util.Map<AccountId, Account> owners = accounts.findIncludingRemoved(event.sessions().stream()
                .filter(s -> !keyed.containsKey(s.id())).map(Session::account).toList());
        Optional<Account> by = ending.by().flatMap(accounts::find);
        Optional<Session> from = ending.fromSession().flatMap(f -> ending.by().flatMap(b -> entries.session(f, b)));
        AuditEntry.Actor actor = ending.by()
                .map(b -> by.map(a -> AuditEntry.Actor.of(a, ending.fromSession()))
                        .orElse(new AuditEntry.Actor(Optional.of(b), "", "", ending.fromSession())))
                .orElse(AuditEntry.Actor.SYSTEM);
        KeyContext keyContext = keyed.isEmpty() ? null : keyContext(event.sessions(), keyed, ending);
        for (Session s : event.sessions()) {
            if (keyed.containsKey(s.id())) keyRevoked(s, keyed.get(s.id()), ending, keyContext);
            else ended(s, ending, Optional.ofNullable(owners.get(s.account())), by, from, actor);
        }
    }

    /** What the entries of revoked API keys read once per ending. */
    private record KeyContext(java.util.Map<AccountId, Account> owners, Optional<Account> by, AuditEntry.Actor actor,
                              Optional<String> ip) {
    }

    private KeyContext keyContext(List<Session> sessions, java.util.Map<SessionId, ApiKey> keyed, Session.Ending ending) {
        return new KeyContext(
                accounts.findIncludingRemoved(sessions.stream().filter(s -> keyed.containsKey(s.id())).map(Session::account).toList()),
                ending.by().flatMap(accounts::findIncludingRemoved),
                ending.by().map(b -> entries.actor(b, ending.fromSession())).orElse(AuditEntry.Actor.SYSTEM),
                ending.fromSession().flatMap(f -> ending.by().flatMap(b -> entries.session(f, b))).map(Session::ip));
    }

    private void ended(Session s, Session.Ending ending, Optional<Account> owner, Optional<Account> by, Optional<Session> from,
                       AuditEntry.Actor actor) {
        // A removed member's account is no longer found; the admin who removed them is, in the same team.
        Optional<TeamId> team = owner.map(Account::team).or(() -> by.map(Account::team));
        AuditAction action = switch (ending.reason()) {
            case SIGNED_OUT -> AuditAction.SIGNED_OUT;
            case REVOKED -> AuditAction.SESSION_REVOKED;
            case ADMIN_REVOKED, REMOVED -> AuditAction.SESSION_REVOKED_BY_ADMIN;
            case IDLE_EXPIRED, LIFETIME_EXPIRED -> AuditAction.SESSION_EXPIRED;
            case PASSWORD_CHANGED -> AuditAction.SESSION_ENDED_BY_PASSWORD_CHANGE;
            case DENIED -> AuditAction.SESSION_DENIED;
            case SESSION_LIMIT -> AuditAction.SESSION_ENDED_BY_LIMIT;
            case NOT_ME -> AuditAction.SESSION_ENDED_NOT_ME;
            case APP_REVOKED -> AuditAction.SESSION_ENDED_BY_APP;
            case APP_SIGNED_OUT -> AuditAction.SESSION_SIGNED_OUT_BY_APP;
            case TOKEN_REUSED -> AuditAction.SESSION_ENDED_TOKEN_REUSED;
            case APP_CHANGED -> AuditAction.SESSION_ENDED_APP_CHANGED;
            case CODE_UNUSED -> AuditAction.SESSION_ENDED_CODE_UNUSED;
            case OTHER -> throw new IllegalStateException("No session is ended for a reason only read from newer rows");
        };
        if (team.isEmpty()) {
            entries.unattributed(action);
            return;
        }
        String device = Phrases.device(s);
        String detail = switch (ending.reason()) {
            case SIGNED_OUT -> "Signed out of " + device;
            case REVOKED -> "Signed out " + device + " (" + s.id().shortForm() + ")"
                    + from.filter(f -> !f.id().equals(s.id()))
                    .map(f -> " from " + Phrases.device(f) + " (" + f.id().shortForm() + ")").orElse("");
            case ADMIN_REVOKED -> "Signed out " + owner.map(Account::email).map(Phrases::email).orElse("a member") + " on " + device
                    + ending.note().map(n -> ": " + Phrases.reason(n)).orElse("");
            case IDLE_EXPIRED -> device + " was signed out after a period of inactivity";
            case LIFETIME_EXPIRED -> device + " reached its maximum lifetime";
            case PASSWORD_CHANGED -> device + " was signed out because the password was changed";
            case DENIED -> Phrases.denied(Optional.of(s), s.id(), from);
            case SESSION_LIMIT -> device + " was signed out by a new sign-in, to stay within the session limit";
            case REMOVED -> "Signed out " + owner.map(Account::email).map(Phrases::email).orElse("a member") + " on " + device + ": Removed from the team";
            case NOT_ME -> "Signed out " + device + " (" + s.id().shortForm()
                    + ") from the \u201cThis wasn't me\u201d link of a sign-in alert";
            case APP_REVOKED -> Phrases.displayName(s) + " (" + s.id().shortForm() + ") ended its own access: it revoked its token";
            case TOKEN_REUSED -> Phrases.displayName(s) + " (" + s.id().shortForm() + "): a used code or refresh token was presented"
                    + " again, so the app's access was ended; the token may have been stolen";
            case APP_CHANGED -> Phrases.displayName(s) + " (" + s.id().shortForm() + ") lost its access: the app's permissions changed";
            case CODE_UNUSED -> Phrases.displayName(s) + " (" + s.id().shortForm() + ") never finished signing in; its code expired unused";
            case APP_SIGNED_OUT -> Phrases.displayName(s) + " (" + s.id().shortForm() + ") ended its own access: it signed out through"
                    + " Lanyard's logout endpoint with an ID token of the grant";
            case OTHER -> throw new IllegalStateException("No session is ended for a reason only read from newer rows");
        };
        entries.record(team.get(), ending.at(), actor, Optional.of(s.account()), Optional.of(s.id()), action, detail,
                from.map(Session::ip));
    }

    private void keyRevoked(Session s, ApiKey key, Session.Ending ending, KeyContext c) {
        Optional<Account> owner = Optional.ofNullable(c.owners().get(s.account()));
        Optional<TeamId> team = owner.map(Account::team).or(() -> c.by().map(Account::team));
        if (team.isEmpty()) {
            entries.unattributed(AuditAction.KEY_REVOKED);
            return;
        }
        if (ending.reason().expiry()) {
            entries.record(team.get(), ending.at(), AuditEntry.Actor.SYSTEM, Optional.of(s.account()), Optional.of(s.id()), AuditAction.SESSION_EXPIRED,
                    "API key " + Phrases.quoted(key.name()) + " (" + key.shown() + "…) expired", Optional.empty());
            return;
        }
        // Named unless its owner revoked it: by an admin, or by no one (Lanyard's check of keys' admin scope).
        String whose = ending.by().filter(b -> b.equals(s.account())).isPresent() ? ""
                : " of " + owner.map(Account::email).map(Phrases::email).orElse("a member");
        entries.record(team.get(), ending.at(), c.actor(), Optional.of(s.account()), Optional.of(s.id()), AuditAction.KEY_REVOKED,
                "Revoked API key " + Phrases.quoted(key.name()) + " (" + key.shown() + "…)" + whose
                        + ending.note().map(n -> ": " + Phrases.reason(n)).orElse(""),
                c.ip());
    }
}
