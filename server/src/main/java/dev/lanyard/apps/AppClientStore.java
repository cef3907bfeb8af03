package dev.lanyard.apps;

import java.util.List;
import java.util.Optional;

import dev.lanyard.account.TeamId;

/** Registered apps. */
interface AppClientStore {
    void insert(AppClient client, Optional<String> secretHash);

    /** Replaces the app's fields (not its secret); returns 1, or 0 if {@code team} has no such app. Safe to repeat. */
    int update(AppClient client);

    /** Deletes the app if {@code team} has it; returns 1 or 0. Safe to repeat. */
    int delete(String id, TeamId team);

    Optional<AppClient> find(String id);

    Optional<AppClient> findByClientId(String clientId);

    /** The hash of a confidential app's secret. */
    Optional<String> secretHash(String id);

    /** The redirect URIs of every public app (PKCE only), of every team: the origins a browser app calls from. */
    List<String> publicRedirectUris();

    /** The team's apps by name, at most {@code limit}. */
    List<AppClient> list(TeamId team, int limit);
}
