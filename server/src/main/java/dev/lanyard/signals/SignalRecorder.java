package dev.lanyard.signals;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import dev.lanyard.account.Account;
import dev.lanyard.account.AccountEvent;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.apps.AppGrants;
import dev.lanyard.keys.ApiKeyEvent;
import dev.lanyard.session.AppType;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionEvent;
import dev.lanyard.session.SessionsEnded;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the signals of a change into the outbox, in the change's own transaction (the events are
 * published inside it): so a signal exists exactly when its change committed. One SET per listening
 * stream of the member's team that asked for the event, and one logout token per app that holds an
 * ended session and registered a back-channel logout URI.
 *
 * <p>Every way a session ends arrives as {@link SessionsEnded}, one event per batch; a session becomes verified
 * when it starts verified ({@link SessionEvent.Started}, second factor or passkey), is approved
 * ({@link SessionEvent.Approved}) or passes a second factor later ({@link SessionEvent.Verified}). A new cause of
 * {@code credential-change} (a password, a second factor, a passkey) is one line in a listener below.
 */
@Component
class SignalRecorder {
    private final StreamStore streams;
    private final SignalOutboxStore outbox;
    private final Accounts accounts;
    private final AppGrants grants;
    private final Transmitter transmitter;
    private final SignalDelivery delivery;
    private final JsonMapper json;
    private final Clock clock;

    SignalRecorder(StreamStore streams, SignalOutboxStore outbox, Accounts accounts, AppGrants grants,
                   Transmitter transmitter, SignalDelivery delivery, JsonMapper json, Clock clock) {
        this.streams = streams;
        this.outbox = outbox;
        this.accounts = accounts;
        this.grants = grants;
        this.transmitter = transmitter;
        this.delivery = delivery;
        this.json = json;
        this.clock = clock;
    }

    @EventListener
    void on(SessionsEnded event) {
        ended(event);
    }

    @EventListener
    void on(SessionEvent event) {
        if (event instanceof SessionEvent.Started e && e.verification().verified()) {
            accounts.findIncludingRemoved(e.owner())
                    .ifPresent(member -> emit(SecurityEvents.assuranceLevelChange(member, e.id(), e.verification(), e.at())));
        }
        if (event instanceof SessionEvent.Approved e) {
            accounts.findIncludingRemoved(e.owner()).ifPresent(member -> emit(SecurityEvents.approved(member, e.id(), e.from(), e.at())));
        }
        if (event instanceof SessionEvent.Verified e) {
            accounts.findIncludingRemoved(e.owner()).ifPresent(member -> emit(SecurityEvents.verified(member, e.id(), e.how(), e.at())));
        }
    }

    /** Causes of credential-change; a new cause is one line here (or in {@link #on(AccountEvent)}). */
    @EventListener
    void on(ApiKeyEvent event) {
        if (event instanceof ApiKeyEvent.Created e) credential(e.key().owner(), "api-key", "create", e.key().name(), e.at());
    }

    @EventListener
    void on(AccountEvent event) {
        if (event instanceof AccountEvent.MemberRemoved e) account(e.member(), e.at());
        if (event instanceof AccountEvent.PasswordChanged e) credential(e.account().id(), "password", "update", "", e.at());
    }

    /** An authenticator app (TOTP) turned on or off: CAEP's credential type "app". */
    @EventListener
    void on(dev.lanyard.factors.FactorEvent event) {
        if (event instanceof dev.lanyard.factors.FactorEvent.Enabled e) credential(e.account().id(), "app", "create", "", e.at());
        if (event instanceof dev.lanyard.factors.FactorEvent.Disabled e) credential(e.account().id(), "app", "delete", "", e.at());
        if (event instanceof dev.lanyard.factors.FactorEvent.ResetByAdmin e) {
            if (e.app()) credential(e.account().id(), "app", "delete", "", e.at());
            e.passkeys().forEach(name -> credential(e.account().id(), "fido2-platform", "delete", name, e.at()));
        }
    }

    /** A passkey added or removed: a FIDO2 credential (synced passkeys live on the platform). */
    @EventListener
    void on(dev.lanyard.passkeys.PasskeyEvent event) {
        if (event instanceof dev.lanyard.passkeys.PasskeyEvent.Added e) {
            credential(e.passkey().owner(), "fido2-platform", "create", e.passkey().name(), e.at());
        } else if (event instanceof dev.lanyard.passkeys.PasskeyEvent.Removed e) {
            credential(e.passkey().owner(), "fido2-platform", "delete", e.passkey().name(), e.at());
        }
    }

    /**
     * The signals of a batch of ended sessions, read and written in a few statements for the whole
     * batch: the owners in one, the listening streams once per team, each stream's audience once, and
     * the OAuth grants among the sessions in one (their back-channel logouts), and the outbox rows in
     * multi-row inserts.
     */
    private void ended(SessionsEnded ended) {
        Map<AccountId, Account> members = accounts.findIncludingRemoved(ended.sessions().stream().map(Session::account).toList());
        Map<dev.lanyard.session.SessionId, AppGrants.Holder> holders = grants.holdersOf(ended.sessions().stream()
                .filter(s -> !s.apiKey() && s.appType() == AppType.OAUTH).map(Session::id).toList());
        Batch batch = new Batch();
        for (Session session : ended.sessions()) {
            Account member = members.get(session.account());
            if (member == null) continue;
            if (session.apiKey()) {
                // An admin's team sign-out or the key's expiry ends a key too, not only its owner.
                batch.emit(SecurityEvents.credentialChange(member, "api-key", "revoke", session.name(), ended.endedAt(session),
                        ended.at(), SecurityEvents.initiatingEntity(ended.ending())));
                continue;
            }
            // The event's time is when the session ended (an expired one: when it expired); the SET is issued now.
            batch.emit(SecurityEvents.sessionRevoked(member, session.id(), ended.ending(), ended.endedAt(session)));
            AppGrants.Holder holder = holders.get(session.id());
            if (holder != null) backchannelLogout(member, session.id(), ended.at(), holder, batch.rows);
        }
        add(batch.rows);
    }

    private void backchannelLogout(Account member, dev.lanyard.session.SessionId id, java.time.Instant at, AppGrants.Holder found,
                                   List<SignalOutboxStore.NewSignal> rows) {
        Optional.of(found).filter(h -> h.app().backchannelLogoutUri().isPresent()).ifPresent(holder -> {
            String jti = UUID.randomUUID().toString();
            Map<String, Object> claims = SecurityEvents.logout(holder.issuer().orElse(transmitter.issuer()),
                    holder.app().clientId(), jti, member.id().value(), id, at);
            rows.add(new SignalOutboxStore.NewSignal(SignalOutboxStore.Kind.LOGOUT, Optional.empty(), holder.app().id(),
                    holder.app().backchannelLogoutUri().get(), jti, json.writeValueAsString(claims)));
        });
    }

    private void credential(AccountId owner, String type, String change, String name, java.time.Instant at) {
        accounts.findIncludingRemoved(owner).ifPresent(member -> emit(SecurityEvents.credentialChange(member, type, change, name, at)));
    }

    private void account(AccountId member, java.time.Instant at) {
        accounts.findIncludingRemoved(member).ifPresent(account -> emit(SecurityEvents.accountDisabled(account, at)));
    }

    /** One SET per stream of the member's team that listens for the event. */
    private void emit(SecurityEvents.Signal signal) {
        Batch batch = new Batch();
        batch.emit(signal);
        add(batch.rows);
    }

    /** Outbox rows of one change, with the streams of each team and the audience of each stream read once. */
    private final class Batch {
        final List<SignalOutboxStore.NewSignal> rows = new ArrayList<>();
        private final Map<dev.lanyard.account.TeamId, List<Stream>> streamsOf = new java.util.HashMap<>();
        private final Map<String, Optional<String>> audienceOf = new java.util.HashMap<>();

        void emit(SecurityEvents.Signal signal) {
            String txn = UUID.randomUUID().toString();
            for (Stream stream : streamsOf.computeIfAbsent(signal.member().team(), streams::listening)) {
                if (!stream.eventsDelivered().contains(signal.type())) continue;
                Optional<String> audience = audienceOf.computeIfAbsent(stream.appId(),
                        app -> grants.find(app).map(dev.lanyard.apps.AppClient::clientId));
                if (audience.isEmpty()) continue;
                String jti = UUID.randomUUID().toString();
                Map<String, Object> claims = SecurityEvents.set(signal, transmitter.issuer(stream), audience.get(), jti, txn, stream.config().format());
                rows.add(new SignalOutboxStore.NewSignal(stream.config().push() ? SignalOutboxStore.Kind.PUSH : SignalOutboxStore.Kind.POLL,
                        Optional.of(stream.id()), stream.appId(), "", jti, json.writeValueAsString(claims)));
            }
        }
    }

    private void add(List<SignalOutboxStore.NewSignal> rows) {
        if (rows.isEmpty()) return;
        outbox.add(rows, clock.instant());
        delivery.afterCommit();
    }
}
