package dev.lanyard.apps;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import dev.lanyard.account.TeamId;

/**
 * An app registered by a team's admins to sign its members in through Lanyard (OAuth 2.1 /
 * OpenID Connect). Public apps prove possession with PKCE only; confidential ones also hold a
 * secret, of which Lanyard keeps a hash. Redirect URIs match exactly.
 */
public record AppClient(String id, TeamId team, String clientId, String name, String description, String logoUrl,
                        List<String> redirectUris, boolean confidential, Set<String> scopes,
                        Optional<String> backchannelLogoutUri, Instant createdAt, Instant updatedAt) {
    /** The scopes an app may ask for, and what each means to the person asked. */
    public static final java.util.Map<String, String> SCOPES = java.util.Map.of(
            "openid", "Confirm who you are (your Lanyard account id)",
            "profile", "See your name",
            "email", "See your email address",
            "offline_access", "Stay connected when you are not using the app (until you revoke access, or for as long as your team lets a session last)");

    public AppClient {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(name, "name");
        description = Objects.requireNonNullElse(description, "");
        logoUrl = Objects.requireNonNullElse(logoUrl, "");
        redirectUris = List.copyOf(redirectUris);
        scopes = Set.copyOf(scopes);
        backchannelLogoutUri = Objects.requireNonNullElse(backchannelLogoutUri, Optional.empty());
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    /**
     * Of {@code scopes}, those a grant of this app holds: a public app gets no refresh token (PKCE only), so
     * {@code offline_access} would give it nothing and is never granted to it, though it may ask for it.
     */
    public Set<String> grantable(java.util.Collection<String> scopes) {
        Set<String> granted = new java.util.LinkedHashSet<>(scopes);
        if (!confidential) granted.remove(AuthorizationServerConfiguration.OFFLINE_ACCESS);
        return granted;
    }

    /** What an admin enters to register or change an app. */
    public record Draft(String name, String description, String logoUrl, List<String> redirectUris, boolean confidential,
                        Set<String> scopes, String backchannelLogoutUri) {
    }

    /** A newly registered app and, for a confidential one, its secret: shown once, never stored. */
    public record Registered(AppClient client, Optional<String> secret) {
    }
}
