package dev.lanyard.apps;

import java.util.Optional;

import dev.lanyard.session.SessionId;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which app holds the tokens of a Lanyard session of app type OAuth, for those who must tell the
 * app when that session ends (back-channel logout, decision 0026).
 */
@Component
public class AppGrants {
    private final GrantStore grants;
    private final AppClientStore apps;
    private final JsonMapper json;

    AppGrants(GrantStore grants, AppClientStore apps, JsonMapper json) {
        this.grants = grants;
        this.apps = apps;
        this.json = json;
    }

    /**
     * The app whose grant lives in {@code session}, and the issuer ({@code iss}) of the ID token it was given, if it was
     * given one, otherwise the issuer the grant was made under (the authorization response's {@code iss}): a logout token
     * must carry the very same issuer. Empty only for a grant stored before Lanyard kept the second and given no ID token.
     */
    public record Holder(AppClient app, Optional<String> issuer) {
    }

    /** The holder of a grant's session; empty for any other session (a browser, an API key) or a deleted app. */
    public Optional<Holder> holderOf(SessionId session) {
        return grants.bySession(session.value()).flatMap(grant -> apps.find(grant.clientId())
                .map(app -> new Holder(app, issuer(grant.body()))));
    }

    /** {@link #holderOf} for many sessions, in two statements whatever their number; sessions without a holder are left out. */
    public java.util.Map<SessionId, Holder> holdersOf(java.util.Collection<SessionId> sessions) {
        java.util.Map<SessionId, Holder> out = new java.util.HashMap<>();
        if (sessions.isEmpty()) return out;
        java.util.Map<String, StoredGrant> found = grants.bySessions(sessions.stream().map(SessionId::value).toList());
        java.util.Map<String, Optional<AppClient>> appsById = new java.util.HashMap<>();
        found.forEach((session, grant) -> appsById.computeIfAbsent(grant.clientId(), apps::find)
                .ifPresent(app -> out.put(new SessionId(session), new Holder(app, issuer(grant.body())))));
        return out;
    }

    private Optional<String> issuer(String body) {
        JsonNode grant = json.readTree(body);
        JsonNode iss = grant.path("tokens").path("id_token").path("claims").path("iss");
        if (iss.isString()) return Optional.of(iss.asString());
        // A code never exchanged gave no ID token: the issuer the code was issued under (outside review: the mail base URL was named).
        JsonNode madeUnder = grant.path("issuer");
        return madeUnder.isString() ? Optional.of(madeUnder.asString()) : Optional.empty();
    }

    /** An app by its id, whichever team has it; for modules acting on an app they were given by id. */
    public Optional<AppClient> find(String appId) {
        return apps.find(appId);
    }

    /** An app by its OAuth client id. */
    public Optional<AppClient> byClientId(String clientId) {
        return apps.findByClientId(clientId);
    }
}
