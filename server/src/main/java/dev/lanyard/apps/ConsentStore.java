package dev.lanyard.apps;

import java.util.List;
import java.util.Optional;

/** Members' consents to apps. */
interface ConsentStore {
    /** Inserts or replaces the consent of the member to the app. Safe to repeat. */
    void save(Consent consent);

    /** Deletes the consent; returns 1 or 0. Safe to repeat. */
    int delete(String clientId, String accountId);

    Optional<Consent> find(String clientId, String accountId);

    /** The member's consents, most recent first. */
    List<Consent> byMember(String accountId);

    /** Consents to the app, most recent first, at most {@code limit}. */
    List<Consent> byClient(String clientId, int limit);
}
