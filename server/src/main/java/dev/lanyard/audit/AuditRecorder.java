package dev.lanyard.audit;

import java.util.Optional;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.keys.ApiKeyEvent;
import dev.lanyard.keys.KeyScope;
import dev.lanyard.session.AdminSignOut;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionEvent;
import dev.lanyard.session.SignInRefused;
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
 *
 * <p>This class records what sessions, API keys, apps, passkeys, Shared Signals, the risk rules, second factors and
 * the privacy module publish; {@link AccountAuditRecorder} records account and team changes, {@link
 * EndedSessionsRecorder} every session that ends. {@link AuditEntries} writes the entries for all three.
 */
@Component
class AuditRecorder {
    private final AuditEntries entries;
    private final Accounts accounts;

    AuditRecorder(AuditEntries entries, Accounts accounts) {
        this.entries = entries;
        this.accounts = accounts;
    }

    @EventListener
    void on(SessionEvent event) {
        if (event instanceof SessionEvent.Started e) {
            Optional<Account> owner = accounts.find(e.owner());
            if (owner.isEmpty()) {
                entries.unattributed(AuditAction.SIGNED_IN);
                return;
            }
            Optional<Session> s = Optional.of(e.session()); // the row as inserted: no need to read it back
            String where = s.map(x -> " on " + Phrases.device(x) + " (" + x.appType().label() + ") "
                    + x.location().where()).orElse("");
            entries.record(owner.get().team(), e.at(), AuditEntry.Actor.of(owner.get(), Optional.empty()), Optional.of(e.owner()),
                    Optional.of(e.id()), AuditAction.SIGNED_IN, (e.session().appType() == dev.lanyard.session.AppType.OAUTH ? "Signed in"
                            : "Signed in with " + e.verification().method()) + where, s.map(Session::ip));
        } else if (event instanceof SessionEvent.Approved e) {
            Optional<Account> owner = accounts.find(e.owner());
            if (owner.isEmpty()) {
                entries.unattributed(AuditAction.SESSION_APPROVED);
                return;
            }
            Optional<Session> from = entries.session(e.from(), e.owner());
            entries.record(owner.get().team(), e.at(), AuditEntry.Actor.of(owner.get(), Optional.of(e.from())), Optional.of(e.owner()),
                    Optional.of(e.id()), AuditAction.SESSION_APPROVED, Phrases.approved(entries.session(e.id(), e.owner()), e.id(), from),
                    from.map(Session::ip));
        } else if (event instanceof SessionEvent.Verified e) {
            Optional<Account> owner = accounts.find(e.owner());
            if (owner.isEmpty()) {
                entries.unattributed(AuditAction.SESSION_VERIFIED);
                return;
            }
            Optional<Session> target = entries.session(e.id(), e.owner());
            entries.record(owner.get().team(), e.at(), AuditEntry.Actor.of(owner.get(), Optional.of(e.id())), Optional.of(e.owner()),
                    Optional.of(e.id()), AuditAction.SESSION_VERIFIED, Phrases.verified(target, e.id(), e.how()),
                    target.map(Session::ip));
        } else if (event instanceof SessionEvent.Renamed e) {
            Optional<Account> owner = accounts.find(e.owner());
            if (owner.isEmpty()) {
                entries.unattributed(AuditAction.SESSION_RENAMED);
                return;
            }
            String device = entries.session(e.id(), e.owner()).map(Phrases::device).orElse("a session");
            entries.record(owner.get().team(), e.at(), AuditEntry.Actor.of(owner.get(), Optional.empty()), Optional.of(e.owner()),
                    Optional.of(e.id()), AuditAction.SESSION_RENAMED,
                    e.name().isEmpty() ? "Removed the name of " + device : "Renamed " + device + " to " + Phrases.quoted(e.name()),
                    Optional.empty());
        }
        // AddressChanged: see the class comment.
    }

    /** What an entry of a key's admin scope taken by Lanyard's regular check, not with a change of role, adds. */
    static final String FOUND_BY_CHECK = ". Found by Lanyard's regular check of API keys: its owner was made a member by a version"
            + " of Lanyard that left the scope on keys";

    @EventListener
    void on(ApiKeyEvent event) {
        if (event instanceof ApiKeyEvent.Created e) {
            Optional<Account> owner = accounts.find(e.key().owner());
            if (owner.isEmpty()) {
                entries.unattributed(AuditAction.KEY_CREATED);
                return;
            }
            String scopes = e.key().scopes().stream().map(KeyScope::code).sorted().collect(java.util.stream.Collectors.joining(", "));
            entries.record(owner.get().team(), e.at(), entries.actor(e.by(), Optional.of(e.fromSession())), Optional.of(e.key().owner()),
                    Optional.of(e.key().id()), AuditAction.KEY_CREATED, "Created API key " + Phrases.quoted(e.key().name()) + " ("
                            + e.key().shown() + "…) with scopes " + scopes
                            + e.key().expiresAt().map(x -> ", expiring " + dev.lanyard.account.MailTimes.utc(x)).orElse(", never expiring"),
                    entries.session(e.fromSession(), e.by()).map(Session::ip));
        } else if (event instanceof ApiKeyEvent.AdminScopeRemoved e) {
            Optional<Account> owner = accounts.find(e.key().owner());
            if (owner.isEmpty()) {
                entries.unattributed(AuditAction.KEY_ADMIN_SCOPE_REMOVED);
                return;
            }
            // Taken with a change of role, by the admin who made it; else found by Lanyard's check, which the entry says.
            AuditEntries.Acting by = e.by().map(entries::acting).orElse(new AuditEntries.Acting(AuditEntry.Actor.SYSTEM, Optional.empty()));
            String scopes = e.now().stream().map(KeyScope::code).sorted().collect(java.util.stream.Collectors.joining(", "));
            entries.record(owner.get().team(), e.at(), by.actor(), Optional.of(e.key().owner()), Optional.of(e.key().id()),
                    AuditAction.KEY_ADMIN_SCOPE_REMOVED, "Removed the admin scope from API key " + Phrases.quoted(e.key().name()) + " ("
                            + e.key().shown() + "…) of " + Phrases.email(owner.get().email()) + ", who is no longer an admin; its scopes are now "
                            + scopes + (e.by().isPresent() ? "" : FOUND_BY_CHECK), by.ip());
        }
    }

    @EventListener
    void on(dev.lanyard.apps.AppEvent event) {
        if (event instanceof dev.lanyard.apps.AppEvent.Registered e) {
            AuditEntries.Acting by = entries.acting(e.by());
            entries.record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(),
                    AuditAction.APP_REGISTERED, "Registered the app " + Phrases.quoted(e.name()) + " (" + e.clientId() + ")", by.ip());
        } else if (event instanceof dev.lanyard.apps.AppEvent.Changed e) {
            AuditEntries.Acting by = entries.acting(e.by());
            entries.record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(),
                    AuditAction.APP_CHANGED, "Changed the app " + Phrases.quoted(e.name()) + " (" + e.clientId() + ")", by.ip());
        } else if (event instanceof dev.lanyard.apps.AppEvent.Deleted e) {
            AuditEntries.Acting by = entries.acting(e.by());
            entries.record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(),
                    AuditAction.APP_DELETED, "Deleted the app " + Phrases.quoted(e.name()) + " (" + e.clientId() + ")", by.ip());
        } else if (event instanceof dev.lanyard.apps.AppEvent.ConsentGiven e) {
            AuditEntries.Acting by = entries.acting(e.member());
            entries.record(e.team(), e.at(), by.actor(), Optional.of(e.member()), Optional.empty(), AuditAction.CONSENT_GIVEN,
                    "Allowed the app " + Phrases.quoted(e.name()) + " to " + String.join(", ", new java.util.TreeSet<>(e.scopes())),
                    by.ip());
        } else if (event instanceof dev.lanyard.apps.AppEvent.ConsentRevoked e) {
            AuditEntries.Acting by = entries.acting(e.by());
            entries.record(e.team(), e.at(), by.actor(), Optional.of(e.member()), Optional.empty(), AuditAction.CONSENT_REVOKED,
                    e.by().equals(e.member()) ? "Revoked the access of the app " + Phrases.quoted(e.name())
                            : "Revoked the access of the app " + Phrases.quoted(e.name()) + " for " + entries.email(e.member()), by.ip());
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
            detail = "Renamed the passkey " + Phrases.quoted(e.before()) + " (" + e.passkey().shortId() + "…) to "
                    + Phrases.quoted(e.passkey().name());
        } else {
            action = AuditAction.PASSKEY_REMOVED;
            detail = Phrases.passkey("Removed", event.passkey());
        }
        AccountId owner = event.passkey().owner();
        Optional<Account> account = accounts.find(owner);
        if (account.isEmpty()) {
            entries.unattributed(action);
            return;
        }
        entries.record(account.get().team(), event.at(), AuditEntry.Actor.of(account.get(), Optional.of(event.fromSession())),
                Optional.of(owner), Optional.empty(), action, detail, entries.session(event.fromSession(), owner).map(Session::ip));
    }

    @EventListener
    void on(dev.lanyard.signals.SignalEvent event) {
        if (event instanceof dev.lanyard.signals.SignalEvent.ReceiverEnabled e) {
            AuditEntries.Acting by = entries.acting(e.by());
            entries.record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.SIGNALS_ENABLED,
                    "Let the app " + Phrases.quoted(e.name()) + " (" + e.clientId() + ") receive Shared Signals", by.ip());
        } else if (event instanceof dev.lanyard.signals.SignalEvent.ReceiverDisabled e) {
            AuditEntries.Acting by = entries.acting(e.by());
            entries.record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.SIGNALS_DISABLED,
                    "Stopped Shared Signals to the app " + Phrases.quoted(e.name()) + " (" + e.clientId() + ")", by.ip());
        } else if (event instanceof dev.lanyard.signals.SignalEvent.StreamDeleted e) {
            AuditEntries.Acting by = entries.acting(e.by());
            entries.record(e.team(), e.at(), by.actor(), Optional.empty(), Optional.empty(), AuditAction.SIGNALS_STREAM_DELETED,
                    "Deleted the Shared Signals stream " + e.streamId() + (e.description().isBlank() ? "" : " " + Phrases.quoted(e.description()))
                            + " of the app " + Phrases.quoted(e.name()) + " (" + e.clientId() + ")", by.ip());
        }
    }

    @EventListener
    void on(dev.lanyard.risk.RiskEvent event) {
        Optional<Account> owner = accounts.findIncludingRemoved(event.owner());
        if (event instanceof dev.lanyard.risk.RiskEvent.Flagged e) {
            if (owner.isEmpty()) {
                entries.unattributed(AuditAction.SESSION_FLAGGED);
                return;
            }
            Optional<Session> s = entries.session(e.session(), e.owner());
            entries.record(owner.get().team(), e.at(), AuditEntry.Actor.SYSTEM, Optional.of(e.owner()), Optional.of(e.session()),
                    AuditAction.SESSION_FLAGGED, Phrases.flagged(s.map(Phrases::device).orElse("a session"), e.added()),
                    s.map(Session::ip));
        } else if (event instanceof dev.lanyard.risk.RiskEvent.AlertSent e) {
            if (owner.isEmpty()) {
                entries.unattributed(AuditAction.SIGN_IN_ALERT_SENT);
                return;
            }
            String device = entries.session(e.session(), e.owner()).map(Phrases::device).orElse("a session");
            entries.record(owner.get().team(), e.at(), AuditEntry.Actor.SYSTEM, Optional.of(e.owner()), Optional.of(e.session()),
                    AuditAction.SIGN_IN_ALERT_SENT, Phrases.alert(e.email(), device, e.mailed()), Optional.empty());
        } else if (event instanceof dev.lanyard.risk.RiskEvent.Reported e) {
            if (owner.isEmpty()) {
                entries.unattributed(AuditAction.SIGN_IN_REPORTED);
                return;
            }
            String device = entries.session(e.session(), e.owner()).map(Phrases::device).orElse("a session");
            entries.record(owner.get().team(), e.at(), AuditEntry.Actor.of(owner.get(), Optional.empty()), Optional.of(e.owner()),
                    Optional.of(e.session()), AuditAction.SIGN_IN_REPORTED, Phrases.reported(device, e.all(), e.ended()),
                    Optional.empty());
        } else if (event instanceof dev.lanyard.risk.RiskEvent.AlertSettingChanged e) {
            if (owner.isEmpty()) {
                entries.unattributed(AuditAction.ALERT_SETTING_CHANGED);
                return;
            }
            entries.record(owner.get().team(), e.at(), AuditEntry.Actor.of(owner.get(), Optional.of(e.from())), Optional.of(e.owner()),
                    Optional.empty(), AuditAction.ALERT_SETTING_CHANGED, Phrases.alertSetting(e.newDeviceEmails()),
                    entries.session(e.from(), e.owner()).map(Session::ip));
        }
    }

    @EventListener
    void on(dev.lanyard.factors.FactorEvent event) {
        Account who = event.account();
        AuditEntry.Actor self = AuditEntry.Actor.of(who, Optional.empty());
        if (event instanceof dev.lanyard.factors.FactorEvent.Enabled e) {
            entries.record(who.team(), e.at(), AuditEntry.Actor.of(who, Optional.of(e.session())), Optional.of(who.id()), Optional.empty(),
                    AuditAction.TWO_FACTOR_ENABLED, "Turned on two-factor authentication with an authenticator app",
                    Optional.ofNullable(e.address()));
        } else if (event instanceof dev.lanyard.factors.FactorEvent.Disabled e) {
            entries.record(who.team(), e.at(), AuditEntry.Actor.of(who, Optional.of(e.session())), Optional.of(who.id()), Optional.empty(),
                    AuditAction.TWO_FACTOR_DISABLED, "Turned off two-factor authentication", Optional.ofNullable(e.address()));
        } else if (event instanceof dev.lanyard.factors.FactorEvent.RecoveryCodesRegenerated e) {
            entries.record(who.team(), e.at(), AuditEntry.Actor.of(who, Optional.of(e.session())), Optional.of(who.id()), Optional.empty(),
                    AuditAction.RECOVERY_CODES_REGENERATED, "Regenerated the recovery codes", Optional.ofNullable(e.address()));
        } else if (event instanceof dev.lanyard.factors.FactorEvent.RecoveryCodeUsed e) {
            String left = e.remaining() == 1 ? "1 is left" : e.remaining() + " are left";
            entries.record(who.team(), e.at(), e.verifying().isPresent() ? AuditEntry.Actor.of(who, e.verifying()) : self,
                    Optional.of(who.id()), e.verifying(), AuditAction.RECOVERY_CODE_USED,
                    (e.verifying().isPresent() ? "Used a recovery code to verify a session already signed in; "
                            : "Signed in with a recovery code; ") + left, Optional.ofNullable(e.address()));
        } else if (event instanceof dev.lanyard.factors.FactorEvent.ResetByAdmin e) {
            entries.record(who.team(), e.at(), entries.actor(e.admin(), Optional.of(e.adminSession())), Optional.of(who.id()), Optional.empty(),
                    AuditAction.TWO_FACTOR_RESET, "Reset the second factors of " + Phrases.email(who.email()) + ": "
                            + Phrases.reason(e.reason()) + " — removed " + e.removed(Phrases::quoted),
                    entries.session(e.adminSession(), e.admin()).map(Session::ip));
        } else if (event instanceof dev.lanyard.factors.FactorEvent.SecondFactorFailed e) {
            String what = e.passkey() ? "a passkey that could not be verified" : "wrong two-factor code";
            if (e.verifying().isPresent()) {
                // A member already signed in, verifying that session: no sign-in failed, and no one else is shown to know the password.
                entries.record(who.team(), e.at(), AuditEntry.Actor.of(who, e.verifying()), Optional.of(who.id()), e.verifying(),
                        AuditAction.SECOND_FACTOR_FAILED, "Failed to verify a session already signed in: " + what,
                        Optional.ofNullable(e.address()));
                return;
            }
            entries.record(who.team(), e.at(), new AuditEntry.Actor(Optional.empty(), who.email(), "", Optional.empty()),
                    Optional.of(who.id()), Optional.empty(), AuditAction.SECOND_FACTOR_FAILED,
                    "Failed sign-in as " + Phrases.email(who.email()) + ": right password, " + what, Optional.ofNullable(e.address()));
        }
    }

    @EventListener
    void on(dev.lanyard.privacy.PrivacyEvent event) {
        if (event instanceof dev.lanyard.privacy.PrivacyEvent.DataExported e) {
            Account who = e.account();
            entries.record(who.team(), e.at(), AuditEntry.Actor.of(who, Optional.of(e.from())), Optional.of(who.id()), Optional.of(e.from()),
                    AuditAction.DATA_EXPORTED, "Downloaded a copy of their data (JSON)", entries.session(e.from(), who.id()).map(Session::ip));
        }
    }

    @EventListener
    void on(SignInRefused event) {
        Optional<Account> owner = accounts.find(event.owner());
        if (owner.isEmpty()) {
            entries.unattributed(AuditAction.SIGN_IN_FAILED);
            return;
        }
        entries.record(owner.get().team(), event.at(), AuditEntry.Actor.of(owner.get(), Optional.empty()), Optional.of(event.owner()),
                Optional.empty(), AuditAction.SIGN_IN_FAILED, "Sign-in as " + Phrases.email(owner.get().email())
                        + " refused: already signed in as many times as allowed at once (" + event.limit() + ")",
                Optional.ofNullable(event.address()));
    }

    @EventListener
    void on(AdminSignOut event) {
        AuditEntry.Actor admin = entries.actor(event.admin(), Optional.of(event.adminSession()));
        Optional<String> ip = entries.session(event.adminSession(), event.admin()).map(Session::ip);
        // Sessions and API keys apart, as the member's page counts them (outside review: "— 827 sessions" were 826 and a key).
        String sessions = event.ended().inWords();
        if (event instanceof AdminSignOut.Member e) {
            entries.record(e.team(), e.at(), admin, Optional.of(e.member()), Optional.empty(), AuditAction.FORCED_SIGN_OUT,
                    "Force sign-out of " + entries.email(e.member()) + ": " + Phrases.reason(e.reason()) + " — " + sessions, ip);
        } else if (event instanceof AdminSignOut.Team e) {
            entries.record(e.team(), e.at(), admin, Optional.empty(), Optional.empty(), AuditAction.TEAM_SIGN_OUT,
                    e.complete() ? "Sign-out of every session of the team but the admin's own: " + Phrases.reason(e.reason())
                              + " — " + sessions + (e.resumed() ? ", finished after a restart cut it short" : "")
                            : "Sign-out of the team's sessions, which failed after " + sessions + ": " + Phrases.reason(e.reason())
                              + " — the team's other sessions stayed active", ip);
        }
    }
}
