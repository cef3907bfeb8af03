package dev.lanyard.apps;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

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
 */
@Service
public class Apps {
    static final int MAX_APPS = 200;
    static final int MAX_REDIRECTS = 10;

    private final AppClientStore store;
    private final ConsentStore consents;
    private final GrantStore grants;
    private final Sessions sessions;
    private final ApplicationEventPublisher events;
    private final Clock clock;
    private final ReceiverAddresses receivers;
    private final ClientSecrets secrets = new ClientSecrets();
    private final Accounts accounts;
    private final LanyardAuthorizations authorizations;

    Apps(AppClientStore store, ConsentStore consents, GrantStore grants, Sessions sessions, ReceiverAddresses receivers,
         ApplicationEventPublisher events, Clock clock, Accounts accounts, LanyardAuthorizations authorizations) {
        this.accounts = accounts;
        this.authorizations = authorizations;
        this.store = store;
        this.receivers = receivers;
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
    }

    @Transactional
    public AppClient.Registered register(CurrentSession admin, AppClient.Draft draft) {
        lockAsAdmin(admin);
        AppClient.Draft clean = validate(draft);
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        AppClient app = new AppClient(Ids.random("app_", 12), admin.account().team(), Ids.random("lc_", 16), clean.name(),
                clean.description(), clean.logoUrl(), clean.redirectUris(), clean.confidential(), clean.scopes(),
                optional(clean.backchannelLogoutUri()), now, now);
        Optional<String> secret = clean.confidential() ? Optional.of(ClientSecrets.generate()) : Optional.empty();
        store.insert(app, secret.map(secrets::encode));
        events.publishEvent(new AppEvent.Registered(app.team(), app.clientId(), app.name(), admin.account().id(), now));
        return new AppClient.Registered(app, secret);
    }

    /** Changes an app's details; whether it is confidential cannot change. */
    @Transactional
    public AppClient change(CurrentSession admin, String id, AppClient.Draft draft) {
        lockAsAdmin(admin);
        AppClient app = get(admin, id);
        AppClient.Draft clean = validate(new AppClient.Draft(draft.name(), draft.description(), draft.logoUrl(),
                draft.redirectUris(), app.confidential(), draft.scopes(), draft.backchannelLogoutUri()));
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

    AppClient.Draft validate(AppClient.Draft draft) {
        String name = text(draft.name(), "name", 100);
        if (name.isEmpty()) throw new AppProblem.InvalidInput("name", "Give the app a name.");
        String description = text(draft.description(), "description", 500);
        String logo = text(draft.logoUrl(), "logoUrl", 500);
        if (!logo.isEmpty()) absolute(logo, "logoUrl", "The logo URL");
        List<String> redirects = new ArrayList<>(new LinkedHashSet<>(draft.redirectUris() == null ? List.of()
                : draft.redirectUris().stream().map(String::strip).filter(s -> !s.isEmpty()).toList()));
        if (redirects.isEmpty()) throw new AppProblem.InvalidInput("redirectUris", "Give at least one redirect URI.");
        if (redirects.size() > MAX_REDIRECTS) throw new AppProblem.InvalidInput("redirectUris", "Use at most " + MAX_REDIRECTS + " redirect URIs.");
        for (String uri : redirects) redirect(uri);
        Set<String> scopes = new LinkedHashSet<>();
        for (String scope : draft.scopes() == null ? Set.<String>of() : draft.scopes()) {
            String s = scope.strip().toLowerCase(Locale.ROOT);
            if (!AppClient.SCOPES.containsKey(s)) throw new AppProblem.InvalidInput("scopes",
                    "Unknown scope “" + scope + "”. Use " + String.join(", ", new java.util.TreeSet<>(AppClient.SCOPES.keySet())) + ".");
            scopes.add(s);
        }
        if (!scopes.contains("openid")) throw new AppProblem.InvalidInput("scopes", "Apps sign people in with OpenID Connect: include openid.");
        String backchannel = text(draft.backchannelLogoutUri(), "backchannelLogoutUri", 500);
        if (!backchannel.isEmpty()) {
            try {
                receivers.check(backchannel, "The back-channel logout URI");
            } catch (ReceiverAddresses.Refused refused) {
                throw new AppProblem.InvalidInput("backchannelLogoutUri", refused.getMessage());
            }
        }
        return new AppClient.Draft(name, description, logo, List.copyOf(redirects), draft.confidential(), Set.copyOf(scopes), backchannel);
    }

    private static String text(String value, String field, int max) {
        String clean = value == null ? "" : value.strip();
        if (clean.length() > max) throw new AppProblem.InvalidInput(field, "Use at most " + max + " characters.");
        dev.lanyard.FreeText.refusal(clean, false).ifPresent(what -> {
            throw new AppProblem.InvalidInput(field, dev.lanyard.FreeText.capitalized(what) + " are not allowed.");
        });
        return clean;
    }

    /** An http(s) URL: https, or http on this machine's loopback only. */
    private static URI absolute(String value, String field, String what) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new AppProblem.InvalidInput(field, what + " is not a valid URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean loopback = "localhost".equalsIgnoreCase(uri.getHost()) || "127.0.0.1".equals(uri.getHost()) || "[::1]".equals(uri.getHost());
        if (uri.getHost() == null || !("https".equals(scheme) || ("http".equals(scheme) && loopback))) {
            throw new AppProblem.InvalidInput(field, what + " must be an https URL (http only for localhost).");
        }
        if (uri.getRawFragment() != null) throw new AppProblem.InvalidInput(field, what + " cannot have a fragment (#).");
        if (uri.getRawUserInfo() != null) throw new AppProblem.InvalidInput(field, what + " cannot hold a user name or password.");
        return uri;
    }

    /** The parameters Lanyard adds to an authorization response (RFC 6749 §4.1.2, RFC 9207): none may appear twice in one. */
    private static final Set<String> ANSWER_PARAMETERS = Set.of("code", "state", "iss", "error", "error_description", "error_uri");

    /** Refuses a redirect URI whose own query holds a parameter every answer sent to it adds, which would then come twice. */
    private static void answered(String value, String rawQuery) {
        if (rawQuery == null) return;
        for (String pair : rawQuery.split("&")) {
            String name;
            try {
                name = java.net.URLDecoder.decode(pair.split("=", 2)[0], java.nio.charset.StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw new AppProblem.InvalidInput("redirectUris", "“" + value + "” is not a valid URI.");
            }
            if (ANSWER_PARAMETERS.contains(name)) throw new AppProblem.InvalidInput("redirectUris", "“" + value + "” cannot have “"
                    + name + "” in its query: Lanyard adds it to every answer it sends there.");
        }
    }

    /** Redirect URIs: https, http on loopback, or a native app's private-use scheme (com.example.app:/callback). */
    private static void redirect(String value) {
        // RFC 3986 §2: a URI is ASCII, anything else percent-encoded. java.net.URI takes other characters as they come,
        // and a direction control among them would show admins another address than the one kept (outside review AD).
        // Not quoted back: quoting would carry the same characters into the message.
        if (!value.chars().allMatch(c -> c > 0x20 && c < 0x7F))
            throw new AppProblem.InvalidInput("redirectUris", "A redirect URI holds visible ASCII characters only: percent-encode "
                    + "any other character, space included (RFC 3986).");
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new AppProblem.InvalidInput("redirectUris", "“" + value + "” is not a valid URI.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        answered(value, uri.getRawQuery());
        if (scheme.contains(".") && uri.getRawFragment() == null) return;
        if (Set.of("javascript", "data", "file", "vbscript").contains(scheme)) {
            throw new AppProblem.InvalidInput("redirectUris", "“" + value + "” cannot be a redirect URI.");
        }
        absolute(value, "redirectUris", "Each redirect URI");
    }
}
