package dev.lanyard.apps;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.InputErrors;
import dev.lanyard.account.AccountId;
import dev.lanyard.account.Accounts;
import dev.lanyard.account.Ids;
import dev.lanyard.account.Role;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionProblem;
import dev.lanyard.session.Sessions;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Apps registered by admins, and the access members gave them: registering, changing and
 * deleting apps; the apps a member connected, and revoking them (which ends every grant of the
 * app for the member, through its sessions, and forgets the consent).
 *
 * <p>The rules of an app's fields are {@link AppInput}'s, built here (no Spring bean of its own).
 */
@Service
public class Apps {
    static final int MAX_APPS = 200;

    private final AppClientStore store;
    private final ConsentStore consents;
    private final GrantStore grants;
    private final Sessions sessions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final AppInput input;
    private final ClientSecrets secrets = new ClientSecrets();
    private final Accounts accounts;
    private final LanyardAuthorizations authorizations;

    Apps(AppClientStore store, ConsentStore consents, GrantStore grants, Sessions sessions, ReceiverAddresses receivers,
         ApplicationEventPublisher events, Clock clock, Accounts accounts, LanyardAuthorizations authorizations) {
        this.accounts = accounts;
        this.authorizations = authorizations;
        this.store = store;
        this.input = new AppInput(receivers);
        this.consents = consents;
        this.grants = grants;
        this.sessions = sessions;
        this.events = events;
        this.clock = clock;
    }

    /**
     * An app a member connected: what they consented to that it can be granted ({@link AppClient#grantable}; a consent
     * stored before a public app's {@code offline_access} was left out may hold it), when, and the sessions of its grants.
     */
    public record Connected(AppClient app, Consent consent, List<Session> sessions) {
        public Connected {
            consent = new Consent(consent.clientId(), consent.accountId(), app.grantable(consent.scopes()), consent.consentedAt());
        }

        /** The last time any of the app's sessions was used, if ever. */
        public Optional<Instant> lastActivity() {
            return sessions.stream().map(Session::lastActiveAt).max(Comparator.naturalOrder());
        }

        /** The ids of the app's active sessions, those through which it has access now, most recently used first. */
        public List<String> activeSessionIds() {
            return sessions.stream().filter(Session::active).map(s -> s.id().value()).toList();
        }

        /** The ids of the app's ended sessions still in the member's history, most recently used first. */
        public List<String> endedSessionIds() {
            return sessions.stream().filter(s -> !s.active()).map(s -> s.id().value()).toList();
        }
    }

    /** @throws AppProblem.InvalidInput naming every field at fault ({@link AppInput}) */
    @Transactional
    public AppClient.Registered register(CurrentSession admin, AppClient.Draft draft) {
        return register(admin, draft, new InputErrors<>(AppProblem.InvalidInput.class), registered -> { });
    }

    /**
     * As {@link #register(CurrentSession, AppClient.Draft)}, running {@code alongside} in its transaction: the page keeps
     * the secret there for the one page that shows it, so an app whose secret could not be kept is not registered either.
     * The draft's fields at fault are named with those the caller read itself and refused ({@code errors}: the API's type).
     */
    @Transactional
    public AppClient.Registered register(CurrentSession admin, AppClient.Draft draft, InputErrors<AppProblem.InvalidInput> errors,
                                         java.util.function.Consumer<AppClient.Registered> alongside) {
        lockAsAdmin(admin);
        AppClient.Draft clean = input.checked(draft, errors);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        AppClient app = new AppClient(Ids.random("app_", 12), admin.account().team(), Ids.random("lc_", 16), clean.name(),
                clean.description(), clean.logoUrl(), clean.redirectUris(), clean.confidential(), clean.scopes(),
                optional(clean.backchannelLogoutUri()), now, now);
        Optional<String> secret = clean.confidential() ? Optional.of(ClientSecrets.generate()) : Optional.empty();
        store.insert(app, secret.map(secrets::encode));
        events.publishEvent(new AppEvent.Registered(app.team(), app.clientId(), app.name(), admin.account().id(), now));
        AppClient.Registered registered = new AppClient.Registered(app, secret);
        alongside.accept(registered);
        return registered;
    }

    /**
     * Changes an app's details; whether it is confidential cannot change.
     *
     * @throws AppProblem.InvalidInput naming every field at fault ({@link AppInput})
     */
    @Transactional
    public AppClient change(CurrentSession admin, String id, AppClient.Draft draft) {
        return change(admin, id, draft, new InputErrors<>(AppProblem.InvalidInput.class));
    }

    /**
     * As {@link #change(CurrentSession, String, AppClient.Draft)}, the draft's fields at fault named with those the caller
     * read itself and refused ({@code errors}: the API's type).
     */
    @Transactional
    public AppClient change(CurrentSession admin, String id, AppClient.Draft draft, InputErrors<AppProblem.InvalidInput> errors) {
        lockAsAdmin(admin);
        AppClient app = get(admin, id);
        AppClient.Draft clean = input.checked(new AppClient.Draft(draft.name(), draft.description(), draft.logoUrl(),
                draft.redirectUris(), app.confidential(), draft.scopes(), draft.backchannelLogoutUri()), errors);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        AppClient changed = new AppClient(app.id(), app.team(), app.clientId(), clean.name(), clean.description(),
                clean.logoUrl(), clean.redirectUris(), app.confidential(), clean.scopes(),
                optional(clean.backchannelLogoutUri()), app.createdAt(), now);
        if (store.update(changed) == 0) throw new AppProblem.NotFound();
        Set<String> removed = new LinkedHashSet<>(app.scopes());
        removed.removeAll(clean.scopes());
        if (!removed.isEmpty()) narrowed(app, removed);
        events.publishEvent(new AppEvent.Changed(app.team(), app.clientId(), changed.name(), admin.account().id(), now));
        return changed;
    }

    /**
     * Scopes taken away from an app, in the changing transaction: every grant that holds one ends (its member's history
     * says the app's permissions changed), and the members' stored consents lose them, so the app's next request for
     * what is left is asked of the member again only if it asks for more than they still allow. A grant holding none of
     * them goes on (outside review S: refresh and userinfo still gave what the app was no longer allowed).
     */
    private void narrowed(AppClient app, Set<String> removed) {
        for (Consent consent : consents.byClient(app.id(), Integer.MAX_VALUE)) {
            if (java.util.Collections.disjoint(consent.scopes(), removed)) continue;
            AccountId member = new AccountId(consent.accountId());
            List<SessionId> holding = grants.bySessions(grants.sessions(member.value(), app.id())).values().stream()
                    .filter(grant -> !java.util.Collections.disjoint(authorizations.scopes(grant), removed))
                    .flatMap(grant -> grant.sessionId().stream()).map(SessionId::new).toList();
            sessions.endApp(holding, member, dev.lanyard.session.EndReason.APP_CHANGED);
            Set<String> kept = new LinkedHashSet<>(consent.scopes());
            kept.removeAll(removed);
            if (kept.isEmpty()) consents.delete(app.id(), member.value());
            else consents.save(new Consent(consent.clientId(), consent.accountId(), kept, consent.consentedAt()));
        }
    }

    /** Deletes an app: every member's access to it ends first, and the tokens it holds for itself (client credentials). */
    @Transactional
    public void delete(CurrentSession admin, String id) {
        lockAsAdmin(admin);
        AppClient app = get(admin, id);
        revokeAll(app, admin);
        authorizations.endOwnGrants(app.id(), app.clientId());
        if (store.delete(app.id(), app.team()) == 0) throw new AppProblem.NotFound();
        events.publishEvent(new AppEvent.Deleted(app.team(), app.clientId(), app.name(), admin.account().id(), clock.instant()));
    }

    /** The admin's team's apps, by name. */
    public List<AppClient> list(CurrentSession admin) {
        requireAdmin(admin);
        return store.list(admin.account().team(), MAX_APPS);
    }

    /** One app of the admin's team; another team's is {@link AppProblem.NotFound}. */
    public AppClient get(CurrentSession admin, String id) {
        requireAdmin(admin);
        return store.find(id).filter(a -> a.team().equals(admin.account().team())).orElseThrow(AppProblem.NotFound::new);
    }

    /** Members' consents to one app of the admin's team, most recent first. */
    public List<Consent> consents(CurrentSession admin, String id) {
        AppClient app = get(admin, id);
        return consents.byClient(app.id(), MAX_APPS);
    }

    /** Ends every member's access to the app and forgets their consents. Returns how many members lost it. */
    @Transactional
    public int revokeForEveryone(CurrentSession admin, String id) {
        lockAsAdmin(admin);
        return revokeAll(get(admin, id), admin);
    }

    private int revokeAll(AppClient app, CurrentSession admin) {
        List<Consent> given = consents.byClient(app.id(), Integer.MAX_VALUE);
        for (Consent consent : given) revoke(app, new AccountId(consent.accountId()), admin.account().id());
        return given.size();
    }

    /** The apps the member connected, most recently consented first. */
    public List<Connected> connected(CurrentSession member) {
        AccountId owner = member.account().id();
        List<Connected> connected = new ArrayList<>();
        for (Consent consent : consents.byMember(owner.value())) {
            store.find(consent.clientId()).ifPresent(app -> connected.add(new Connected(app, consent, sessionsOf(app, owner))));
        }
        return connected;
    }

    /** One app the member connected, for the confirmation before revoking it; any other is {@link AppProblem.NotFound}. */
    public Connected connected(CurrentSession member, String appId) {
        AccountId owner = member.account().id();
        AppClient app = store.find(appId).orElseThrow(AppProblem.NotFound::new);
        Consent consent = consents.find(app.id(), owner.value()).orElseThrow(AppProblem.NotFound::new);
        return new Connected(app, consent, sessionsOf(app, owner));
    }

    private List<Session> sessionsOf(AppClient app, AccountId owner) {
        List<Session> found = new ArrayList<>();
        for (String id : grants.sessions(owner.value(), app.id())) {
            try {
                found.add(sessions.get(new SessionId(id), owner));
            } catch (SessionProblem.NotFound gone) {
                // purged with the session history
            }
        }
        found.sort(Comparator.comparing(Session::lastActiveAt).reversed());
        return found;
    }

    /** "Revoke access": ends every grant of the app for the member and forgets the consent. */
    @Transactional
    public void revokeAccess(CurrentSession member, String appId) {
        AccountId owner = member.account().id();
        AppClient app = store.find(appId).filter(a -> consents.find(a.id(), owner.value()).isPresent())
                .orElseThrow(AppProblem.NotFound::new);
        revoke(app, owner, owner);
    }

    private void revoke(AppClient app, AccountId member, AccountId by) {
        List<SessionId> ids = grants.sessions(member.value(), app.id()).stream().map(SessionId::new).toList();
        sessions.endApp(ids, member, by);
        if (consents.delete(app.id(), member.value()) == 1) {
            events.publishEvent(new AppEvent.ConsentRevoked(app.team(), app.clientId(), app.name(), member, by, clock.instant()));
        }
    }

    /** The app behind a client id, for the consent page. */
    public Optional<AppClient> byClientId(String clientId) {
        return store.findByClientId(clientId);
    }

    private static void requireAdmin(CurrentSession admin) {
        if (admin.account().role() != Role.ADMIN) throw new AppProblem.Forbidden();
    }

    /**
     * An admin, read again with the team locked (in the caller's transaction): the role a session carries may be older
     * than a demotion, and the team's members are sent back to the redirect addresses its admins registered.
     */
    private void lockAsAdmin(CurrentSession admin) {
        requireAdmin(admin);
        accounts.lockTeamAsAdmin(admin.account());
    }

    private static Optional<String> optional(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
