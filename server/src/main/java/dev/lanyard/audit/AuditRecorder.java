package dev.lanyard.audit;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountEvent;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.PasswordResets;
import dev.lanyard.account.Team;
import dev.lanyard.account.TeamId;
import dev.lanyard.keys.ApiKey;
import dev.lanyard.keys.ApiKeyEvent;
import dev.lanyard.keys.ApiKeys;
import dev.lanyard.keys.KeyScope;
import dev.lanyard.session.AdminSignOut;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.EndReason;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionEvent;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionProblem;
import dev.lanyard.session.SessionsEnded;
import dev.lanyard.session.Sessions;
import dev.lanyard.session.SignInRefused;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Turns what the other modules publish into audit entries, synchronously, in the publisher's
 * transaction. Names and devices are looked up now, so an entry reads as things were when it
 * happened.
 *
 * <p>Not recorded: a session's change of address (its own timeline has it, and it is no one's
 * action), and failed sign-ins for emails without an account: no team's admins may see them, and
 * an attacker would choose how many rows they add. Those are counted in
 * {@code lanyard.audit.unattributed}.
 */
@Component
class AuditRecorder {
    private static final Logger log = LoggerFactory.getLogger(AuditRecorder.class);

    private final AuditLog audit;
    private final Accounts accounts;
    private final Sessions sessions;
    private final MeterRegistry meters;
    private final ApiKeys keys;

    AuditRecorder(AuditLog audit, Accounts accounts, Sessions sessions, MeterRegistry meters, ApiKeys keys) {
        this.keys = keys;
        this.audit = audit;
        this.accounts = accounts;
        this.sessions = sessions;
        this.meters = meters;
    }

    @EventListener
    void on(AccountEvent event) {
        if (event instanceof AccountEvent.SignedUp e) {
            String team = accounts.team(e.account().team()).map(Team::name).orElse("");
            record(e.account().team(), e.at(), AuditEntry.Actor.of(e.account(), Optional.empty()), Optional.of(e.account().id()),
                    Optional.empty(), AuditAction.SIGNED_UP, "Signed up and created the team “" + team + "”", Optional.empty());
        } else if (event instanceof AccountEvent.SignInFailed e) {
            if (e.account().isEmpty()) {
                unattributed(AuditAction.SIGN_IN_FAILED);
                return;
            }
            Account target = e.account().get();
            record(target.team(), e.at(), new AuditEntry.Actor(Optional.empty(), e.email(), "", Optional.empty()),
                    Optional.of(target.id()), Optional.empty(), AuditAction.SIGN_IN_FAILED,
                    "Failed sign-in as " + e.email() + ": wrong password", Optional.ofNullable(e.address()));
        } else if (event instanceof AccountEvent.MemberInvited e) {
            Acting by = acting(e.by());
            if (e.resent()) {
                record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.INVITATION_RESENT,
                        "Sent the invitation of " + e.email() + " (as " + Phrases.role(e.role()) + ") again; the earlier link no longer works", by.ip());
            } else {
                record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.MEMBER_INVITED,
                        "Invited " + e.email() + " as " + Phrases.role(e.role()), by.ip());
            }
        } else if (event instanceof AccountEvent.InvitationCancelled e) {
            Acting by = acting(e.by());
            record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.INVITATION_CANCELLED,
                    "Cancelled the invitation of " + e.email(), by.ip());
        } else if (event instanceof AccountEvent.MemberJoined e) {
            record(e.account().team(), e.at(), AuditEntry.Actor.of(e.account(), Optional.empty()), Optional.of(e.account().id()),
                    Optional.empty(), AuditAction.MEMBER_JOINED,
                    "Accepted the invitation and joined the team as " + Phrases.role(e.account().role()), Optional.empty());
        } else if (event instanceof AccountEvent.RoleChanged e) {
            Acting by = acting(e.by());
            record(e.team(), e.at(), by.actor(), Optional.of(e.member()), Optional.empty(), AuditAction.ROLE_CHANGED,
                    "Changed the role of " + email(e.member()) + " from " + Phrases.role(e.before()) + " to "
                            + Phrases.role(e.after()), by.ip());
        } else if (event instanceof AccountEvent.MemberRemoved e) {
            Acting by = acting(e.by());
            record(e.team(), e.at(), by.actor(), Optional.of(e.member()), Optional.empty(), AuditAction.MEMBER_REMOVED,
                    "Removed " + e.email() + " from the team", by.ip());
        } else if (event instanceof AccountEvent.MemberSessionLimitChanged e) {
            Acting by = acting(e.by());
            record(e.team(), e.at(), by.actor(), Optional.of(e.member()), Optional.empty(), AuditAction.MEMBER_SESSION_LIMIT_CHANGED,
                    "Changed the session limit of " + email(e.member()) + " from " + Phrases.memberLimit(e.before()) + " to "
                            + Phrases.memberLimit(e.after()), by.ip());
        } else if (event instanceof AccountEvent.MemberRememberMeChanged e) {
            Acting by = acting(e.by());
            record(e.team(), e.at(), by.actor(), Optional.of(e.member()), Optional.empty(), AuditAction.MEMBER_REMEMBER_ME_CHANGED,
                    e.forbidden() ? "Made " + email(e.member()) + " a high-security account: \u201cRemember me\u201d is not allowed"
                            : "Allowed \u201cRemember me\u201d for " + email(e.member()) + " again, as the team allows",
                    by.ip());
        } else if (event instanceof AccountEvent.PolicyChanged e) {
            Acting by = acting(e.by());
            record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.POLICY_CHANGED,
                    Phrases.policyChange(e.before(), e.after()), by.ip());
        } else if (event instanceof AccountEvent.PasswordChanged e) {
            Optional<SessionId> from = Optional.of(new SessionId(e.fromSession()));
            record(e.account().team(), e.at(), AuditEntry.Actor.of(e.account(), from), Optional.of(e.account().id()),
                    from, AuditAction.PASSWORD_CHANGED, Phrases.passwordChanged(e.signOutOthers()), Optional.ofNullable(e.address()));
        } else if (event instanceof AccountEvent.PasswordReset e) {
            String link = e.origin() == PasswordResets.Origin.OPERATOR ? "a link the server's operator made" : "a mailed link";
            record(e.account().team(), e.at(), AuditEntry.Actor.of(e.account(), Optional.empty()), Optional.of(e.account().id()),
                    Optional.empty(), AuditAction.PASSWORD_RESET, "Reset the password with " + link + " and signed out every session (API keys kept)",
                    Optional.ofNullable(e.address()));
        } else if (event instanceof AccountEvent.ReauthenticationFailed e) {
            Optional<SessionId> from = Optional.of(new SessionId(e.fromSession()));
            record(e.account().team(), e.at(), AuditEntry.Actor.of(e.account(), from), Optional.of(e.account().id()),
                    from, AuditAction.REAUTHENTICATION_FAILED, "Wrong password given to " + e.purpose(), Optional.ofNullable(e.address()));
        } else if (event instanceof AccountEvent.SessionListPermissionChanged e) {
            Acting by = acting(e.by());
            record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.SESSION_LIST_PERMISSION_CHANGED,
                    Phrases.sessionListPermission(e.membersSeeSessions()), by.ip());
        }
    }

    @EventListener
    void on(SessionEvent event) {
        if (event instanceof SessionEvent.Started e) {
            Optional<Account> owner = accounts.find(e.owner());
            if (owner.isEmpty()) {
                unattributed(AuditAction.SIGNED_IN);
                return;
            }
            Optional<Session> s = Optional.of(e.session()); // the row as inserted: no need to read it back
            String where = s.map(x -> " on " + x.device().description() + " (" + x.appType().label() + ") "
                    + x.location().where()).orElse("");
            record(owner.get().team(), e.at(), AuditEntry.Actor.of(owner.get(), Optional.empty()), Optional.of(e.owner()),
                    Optional.of(e.id()), AuditAction.SIGNED_IN, (e.session().appType() == dev.lanyard.session.AppType.OAUTH ? "Signed in"
                            : "Signed in with " + e.verification().method()) + where, s.map(Session::ip));
        } else if (event instanceof SessionEvent.Approved e) {
            Optional<Account> owner = accounts.find(e.owner());
            if (owner.isEmpty()) {
                unattributed(AuditAction.SESSION_APPROVED);
                return;
            }
            Optional<Session> from = session(e.from(), e.owner());
            record(owner.get().team(), e.at(), AuditEntry.Actor.of(owner.get(), Optional.of(e.from())), Optional.of(e.owner()),
                    Optional.of(e.id()), AuditAction.SESSION_APPROVED, Phrases.approved(session(e.id(), e.owner()), e.id(), from),
                    from.map(Session::ip));
        } else if (event instanceof SessionEvent.Renamed e) {
            Optional<Account> owner = accounts.find(e.owner());
            if (owner.isEmpty()) {
                unattributed(AuditAction.SESSION_RENAMED);
                return;
            }
            String device = session(e.id(), e.owner()).map(s -> s.device().description()).orElse("a session");
            record(owner.get().team(), e.at(), AuditEntry.Actor.of(owner.get(), Optional.empty()), Optional.of(e.owner()),
                    Optional.of(e.id()), AuditAction.SESSION_RENAMED,
                    e.name().isEmpty() ? "Removed the name of " + device : "Renamed " + device + " to “" + e.name() + "”",
                    Optional.empty());
        }
        // AddressChanged: see the class comment.
    }

    @EventListener
    void on(ApiKeyEvent event) {
        if (event instanceof ApiKeyEvent.Created e) {
            Optional<Account> owner = accounts.find(e.key().owner());
            if (owner.isEmpty()) {
                unattributed(AuditAction.KEY_CREATED);
                return;
            }
            String scopes = e.key().scopes().stream().map(KeyScope::code).sorted().collect(java.util.stream.Collectors.joining(", "));
            record(owner.get().team(), e.at(), actor(e.by(), Optional.of(e.fromSession())), Optional.of(e.key().owner()),
                    Optional.of(e.key().id()), AuditAction.KEY_CREATED, "Created API key “" + e.key().name() + "” ("
                            + e.key().shown() + "…) with scopes " + scopes
                            + e.key().expiresAt().map(x -> ", expiring " + dev.lanyard.account.Mailer.WHEN.format(x)).orElse(", never expiring"),
                    session(e.fromSession(), e.by()).map(Session::ip));
        }
    }

    @EventListener
    void on(dev.lanyard.apps.AppEvent event) {
        if (event instanceof dev.lanyard.apps.AppEvent.Registered e) {
            Acting by = acting(e.by());
            record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(),
                    AuditAction.APP_REGISTERED, "Registered the app “" + e.name() + "” (" + e.clientId() + ")", by.ip());
        } else if (event instanceof dev.lanyard.apps.AppEvent.Changed e) {
            Acting by = acting(e.by());
            record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(),
                    AuditAction.APP_CHANGED, "Changed the app “" + e.name() + "” (" + e.clientId() + ")", by.ip());
        } else if (event instanceof dev.lanyard.apps.AppEvent.Deleted e) {
            Acting by = acting(e.by());
            record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(),
                    AuditAction.APP_DELETED, "Deleted the app “" + e.name() + "” (" + e.clientId() + ")", by.ip());
        } else if (event instanceof dev.lanyard.apps.AppEvent.ConsentGiven e) {
            Acting by = acting(e.member());
            record(e.team(), e.at(), by.actor(), Optional.of(e.member()), Optional.empty(), AuditAction.CONSENT_GIVEN,
                    "Allowed the app “" + e.name() + "” to " + String.join(", ", new java.util.TreeSet<>(e.scopes())), by.ip());
        } else if (event instanceof dev.lanyard.apps.AppEvent.ConsentRevoked e) {
            Acting by = acting(e.by());
            record(e.team(), e.at(), by.actor(), Optional.of(e.member()), Optional.empty(), AuditAction.CONSENT_REVOKED,
                    e.by().equals(e.member()) ? "Revoked the access of the app “" + e.name() + "”"
                            : "Revoked the access of the app “" + e.name() + "” for " + email(e.member()), by.ip());
        }
    }

    @EventListener
    void on(dev.lanyard.passkeys.PasskeyEvent event) {
        AuditAction action;
        String detail;
        if (event instanceof dev.lanyard.passkeys.PasskeyEvent.Added e) {
            action = AuditAction.PASSKEY_ADDED;
            detail = Phrases.passkey("Added", e.passkey());
        } else if (event instanceof dev.lanyard.passkeys.PasskeyEvent.Renamed e) {
            action = AuditAction.PASSKEY_RENAMED;
            detail = "Renamed the passkey “" + e.before() + "” (" + e.passkey().shortId() + "…) to “" + e.passkey().name() + "”";
        } else {
            action = AuditAction.PASSKEY_REMOVED;
            detail = Phrases.passkey("Removed", event.passkey());
        }
        AccountId owner = event.passkey().owner();
        Optional<Account> account = accounts.find(owner);
        if (account.isEmpty()) {
            unattributed(action);
            return;
        }
        record(account.get().team(), event.at(), AuditEntry.Actor.of(account.get(), Optional.of(event.fromSession())),
                Optional.of(owner), Optional.empty(), action, detail, session(event.fromSession(), owner).map(Session::ip));
    }

    @EventListener
    void on(dev.lanyard.signals.SignalEvent event) {
        if (event instanceof dev.lanyard.signals.SignalEvent.ReceiverEnabled e) {
            Acting by = acting(e.by());
            record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.SIGNALS_ENABLED,
                    "Let the app “" + e.name() + "” (" + e.clientId() + ") receive Shared Signals", by.ip());
        } else if (event instanceof dev.lanyard.signals.SignalEvent.ReceiverDisabled e) {
            Acting by = acting(e.by());
            record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.SIGNALS_DISABLED,
                    "Stopped Shared Signals to the app “" + e.name() + "” (" + e.clientId() + ")", by.ip());
        }
    }

    @EventListener
    void on(dev.lanyard.risk.RiskEvent event) {
        Optional<Account> owner = accounts.findIncludingRemoved(event.owner());
        if (event instanceof dev.lanyard.risk.RiskEvent.Flagged e) {
            if (owner.isEmpty()) {
                unattributed(AuditAction.SESSION_FLAGGED);
                return;
            }
            Optional<Session> s = session(e.session(), e.owner());
            record(owner.get().team(), e.at(), AuditEntry.Actor.SYSTEM, Optional.of(e.owner()), Optional.of(e.session()),
                    AuditAction.SESSION_FLAGGED, Phrases.flagged(s.map(x -> x.device().description()).orElse("a session"), e.added()),
                    s.map(Session::ip));
        } else if (event instanceof dev.lanyard.risk.RiskEvent.AlertSent e) {
            if (owner.isEmpty()) {
                unattributed(AuditAction.SIGN_IN_ALERT_SENT);
                return;
            }
            String device = session(e.session(), e.owner()).map(x -> x.device().description()).orElse("a session");
            record(owner.get().team(), e.at(), AuditEntry.Actor.SYSTEM, Optional.of(e.owner()), Optional.of(e.session()),
                    AuditAction.SIGN_IN_ALERT_SENT, "Emailed " + e.email() + " about the new sign-in on " + device, Optional.empty());
        } else if (event instanceof dev.lanyard.risk.RiskEvent.Reported e) {
            if (owner.isEmpty()) {
                unattributed(AuditAction.SIGN_IN_REPORTED);
                return;
            }
            String device = session(e.session(), e.owner()).map(x -> x.device().description()).orElse("a session");
            record(owner.get().team(), e.at(), AuditEntry.Actor.of(owner.get(), Optional.empty()), Optional.of(e.owner()),
                    Optional.of(e.session()), AuditAction.SIGN_IN_REPORTED, Phrases.reported(device, e.all(), e.ended()),
                    Optional.empty());
        } else if (event instanceof dev.lanyard.risk.RiskEvent.AlertSettingChanged e) {
            if (owner.isEmpty()) {
                unattributed(AuditAction.ALERT_SETTING_CHANGED);
                return;
            }
            record(owner.get().team(), e.at(), AuditEntry.Actor.of(owner.get(), Optional.of(e.from())), Optional.of(e.owner()),
                    Optional.empty(), AuditAction.ALERT_SETTING_CHANGED, Phrases.alertSetting(e.newDeviceEmails()),
                    session(e.from(), e.owner()).map(Session::ip));
        }
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
        Optional<Session> from = ending.fromSession().flatMap(f -> ending.by().flatMap(b -> session(f, b)));
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
                ending.by().map(b -> actor(b, ending.fromSession())).orElse(AuditEntry.Actor.SYSTEM),
                ending.fromSession().flatMap(f -> ending.by().flatMap(b -> session(f, b))).map(Session::ip));
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
        };
        if (team.isEmpty()) {
            unattributed(action);
            return;
        }
        String device = s.device().description();
        String detail = switch (ending.reason()) {
            case SIGNED_OUT -> "Signed out of " + device;
            case REVOKED -> "Signed out " + device + " (" + s.id().shortForm() + ")"
                    + from.filter(f -> !f.id().equals(s.id()))
                    .map(f -> " from " + f.device().description() + " (" + f.id().shortForm() + ")").orElse("");
            case ADMIN_REVOKED -> "Signed out " + owner.map(Account::email).orElse("a member") + " on " + device
                    + ending.note().map(n -> ": " + n).orElse("");
            case IDLE_EXPIRED -> device + " was signed out after a period of inactivity";
            case LIFETIME_EXPIRED -> device + " reached its maximum lifetime";
            case PASSWORD_CHANGED -> device + " was signed out because the password was changed";
            case DENIED -> Phrases.denied(Optional.of(s), s.id(), from);
            case SESSION_LIMIT -> device + " was signed out by a new sign-in, to stay within the team's session limit";
            case REMOVED -> "Signed out " + owner.map(Account::email).orElse("a member") + " on " + device + ": Removed from the team";
            case NOT_ME -> "Signed out " + device + " (" + s.id().shortForm()
                    + ") from the \u201cThis wasn't me\u201d link of a sign-in alert";
            case APP_REVOKED -> s.displayName() + " (" + s.id().shortForm() + ") ended its own access: it revoked its token";
            case TOKEN_REUSED -> s.displayName() + " (" + s.id().shortForm() + "): a used code or refresh token was presented"
                    + " again, so the app's access was ended; the token may have been stolen";
            case APP_CHANGED -> s.displayName() + " (" + s.id().shortForm() + ") lost its access: the app's permissions changed";
            case CODE_UNUSED -> s.displayName() + " (" + s.id().shortForm() + ") never finished signing in; its code expired unused";
            case APP_SIGNED_OUT -> s.displayName() + " (" + s.id().shortForm() + ") ended its own access: it signed out through"
                    + " Lanyard's logout endpoint with an ID token of the grant";
        };
        record(team.get(), ending.at(), actor, Optional.of(s.account()), Optional.of(s.id()), action, detail,
                from.map(Session::ip));
    }

    private void keyRevoked(Session s, ApiKey key, Session.Ending ending, KeyContext c) {
        Optional<Account> owner = Optional.ofNullable(c.owners().get(s.account()));
        Optional<TeamId> team = owner.map(Account::team).or(() -> c.by().map(Account::team));
        if (team.isEmpty()) {
            unattributed(AuditAction.KEY_REVOKED);
            return;
        }
        if (ending.reason() == EndReason.IDLE_EXPIRED || ending.reason() == EndReason.LIFETIME_EXPIRED) {
            record(team.get(), ending.at(), AuditEntry.Actor.SYSTEM, Optional.of(s.account()), Optional.of(s.id()), AuditAction.SESSION_EXPIRED,
                    "API key “" + key.name() + "” (" + key.shown() + "…) expired", Optional.empty());
            return;
        }
        String whose = ending.by().filter(b -> !b.equals(s.account())).map(b -> " of " + owner.map(Account::email).orElse("a member"))
                .orElse("");
        record(team.get(), ending.at(), c.actor(), Optional.of(s.account()), Optional.of(s.id()), AuditAction.KEY_REVOKED,
                "Revoked API key “" + key.name() + "” (" + key.shown() + "…)" + whose + ending.note().map(n -> ": " + n).orElse(""),
                c.ip());
    }

    @EventListener
    void on(dev.lanyard.factors.FactorEvent event) {
        Account who = event.account();
        AuditEntry.Actor self = AuditEntry.Actor.of(who, Optional.empty());
        if (event instanceof dev.lanyard.factors.FactorEvent.Enabled e) {
            record(who.team(), e.at(), AuditEntry.Actor.of(who, Optional.of(e.session())), Optional.of(who.id()), Optional.empty(),
                    AuditAction.TWO_FACTOR_ENABLED, "Turned on two-factor authentication with an authenticator app",
                    Optional.ofNullable(e.address()));
        } else if (event instanceof dev.lanyard.factors.FactorEvent.Disabled e) {
            record(who.team(), e.at(), AuditEntry.Actor.of(who, Optional.of(e.session())), Optional.of(who.id()), Optional.empty(),
                    AuditAction.TWO_FACTOR_DISABLED, "Turned off two-factor authentication", Optional.ofNullable(e.address()));
        } else if (event instanceof dev.lanyard.factors.FactorEvent.RecoveryCodesRegenerated e) {
            record(who.team(), e.at(), AuditEntry.Actor.of(who, Optional.of(e.session())), Optional.of(who.id()), Optional.empty(),
                    AuditAction.RECOVERY_CODES_REGENERATED, "Regenerated the recovery codes", Optional.ofNullable(e.address()));
        } else if (event instanceof dev.lanyard.factors.FactorEvent.RecoveryCodeUsed e) {
            record(who.team(), e.at(), self, Optional.of(who.id()), Optional.empty(), AuditAction.RECOVERY_CODE_USED,
                    "Signed in with a recovery code; " + (e.remaining() == 1 ? "1 is left" : e.remaining() + " are left"),
                    Optional.ofNullable(e.address()));
        } else if (event instanceof dev.lanyard.factors.FactorEvent.ResetByAdmin e) {
            record(who.team(), e.at(), actor(e.admin(), Optional.of(e.adminSession())), Optional.of(who.id()), Optional.empty(),
                    AuditAction.TWO_FACTOR_RESET, "Reset the second factors of " + who.email() + ": " + e.reason() + " — "
                            + "removed " + e.removed(),
                    session(e.adminSession(), e.admin()).map(Session::ip));
        } else if (event instanceof dev.lanyard.factors.FactorEvent.SecondFactorFailed e) {
            record(who.team(), e.at(), new AuditEntry.Actor(Optional.empty(), who.email(), "", Optional.empty()),
                    Optional.of(who.id()), Optional.empty(), AuditAction.SECOND_FACTOR_FAILED,
                    "Failed sign-in as " + who.email() + ": right password, "
                            + (e.passkey() ? "a passkey that could not be verified" : "wrong two-factor code"), Optional.ofNullable(e.address()));
        }
    }

    @EventListener
    void on(dev.lanyard.privacy.PrivacyEvent event) {
        if (event instanceof dev.lanyard.privacy.PrivacyEvent.DataExported e) {
            Account who = e.account();
            record(who.team(), e.at(), AuditEntry.Actor.of(who, Optional.of(e.from())), Optional.of(who.id()), Optional.of(e.from()),
                    AuditAction.DATA_EXPORTED, "Downloaded a copy of their data (JSON)", session(e.from(), who.id()).map(Session::ip));
        }
    }

    @EventListener
    void on(SignInRefused event) {
        Optional<Account> owner = accounts.find(event.owner());
        if (owner.isEmpty()) {
            unattributed(AuditAction.SIGN_IN_FAILED);
            return;
        }
        record(owner.get().team(), event.at(), AuditEntry.Actor.of(owner.get(), Optional.empty()), Optional.of(event.owner()),
                Optional.empty(), AuditAction.SIGN_IN_FAILED, "Sign-in as " + owner.get().email()
                        + " refused: already signed in as many times as allowed at once (" + event.limit() + ")",
                Optional.ofNullable(event.address()));
    }

    @EventListener
    void on(AdminSignOut event) {
        AuditEntry.Actor admin = actor(event.admin(), Optional.of(event.adminSession()));
        Optional<String> ip = session(event.adminSession(), event.admin()).map(Session::ip);
        String sessions = event.ended() == 1 ? "1 session" : event.ended() + " sessions";
        if (event instanceof AdminSignOut.Member e) {
            record(e.team(), e.at(), admin, Optional.of(e.member()), Optional.empty(), AuditAction.FORCED_SIGN_OUT,
                    "Force sign-out of " + email(e.member()) + ": " + e.reason() + " — " + sessions, ip);
        } else if (event instanceof AdminSignOut.Team e) {
            record(e.team(), e.at(), admin, Optional.empty(), Optional.empty(), AuditAction.TEAM_SIGN_OUT,
                    e.complete() ? "Sign-out of every session of the team but the admin's own: " + e.reason() + " — " + sessions
                            : "Sign-out of the team's sessions, which failed after " + sessions + ": " + e.reason()
                              + " — the team's other sessions stayed active", ip);
        }
    }

    private void record(TeamId team, Instant at, AuditEntry.Actor actor, Optional<AccountId> subject,
                        Optional<SessionId> session, AuditAction action, String detail, Optional<String> ip) {
        audit.record(new AuditEntry.Draft(team, at, actor, subject, session, action, detail, ip));
    }

    /** An admin and the session (or API key) they act with, with its address when it is a session. */
    private record Acting(AuditEntry.Actor actor, Optional<String> ip) {
    }

    /**
     * The admin of an account event, which names only who acted: the session of the request that made the change is
     * this thread's principal (events are recorded on the publisher's thread), taken when it is that admin's.
     */
    private Acting acting(AccountId admin) {
        Optional<SessionId> via = CurrentSession.actingFor(admin);
        return new Acting(actor(admin, via), via.flatMap(s -> session(s, admin)).map(Session::ip));
    }

    private AuditEntry.Actor actor(AccountId id, Optional<SessionId> via) {
        return accounts.find(id).map(a -> AuditEntry.Actor.of(a, via))
                .orElse(new AuditEntry.Actor(Optional.of(id), "", "", via));
    }

    private String email(AccountId id) {
        return accounts.find(id).map(Account::email).orElse(id.value());
    }

    private Optional<Session> session(SessionId id, AccountId owner) {
        try {
            return Optional.of(sessions.get(id, owner));
        } catch (SessionProblem.NotFound gone) {
            return Optional.empty();
        }
    }

    private void unattributed(AuditAction action) {
        meters.counter("lanyard.audit.unattributed", "action", action.code()).increment();
        if (action != AuditAction.SIGN_IN_FAILED) log.warn("No team found for an audit entry ({}); not recorded", action.code());
    }
}
