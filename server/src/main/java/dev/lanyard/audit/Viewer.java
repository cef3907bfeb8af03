package dev.lanyard.audit;

import java.util.Optional;

import dev.lanyard.account.AccountId;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.session.SessionId;

/**
 * Who reads an audit entry, and so what of it they may see in full
 * (docs/decisions/0014-strict-input-and-what-each-viewer-sees.md). The address an action came from
 * is the actor's: only the actor sees it in full, anyone else its masked form. Where Lanyard itself is the actor
 * ("Flagged … as suspicious"), the address is the subject's own session's, which the subject sees in full on
 * that session's page, so the subject sees it in full here too. A session id is
 * shown only to the person it belongs to: the actor's session to the actor, the entry's session
 * (the subject's) to the subject. The stored entry is never changed, so the chain still verifies.
 */
record Viewer(AccountId account) {

    /** The entry's address as this viewer may see it. */
    Optional<String> ip(AuditEntry e) {
        return e.ip().map(ip -> ownsAddress(e) ? ip : ClientAddresses.mask(ip));
    }

    /** The session the actor acted from, if the viewer is that actor. */
    Optional<SessionId> actorSession(AuditEntry e) {
        return isActor(e) ? e.actor().session() : Optional.empty();
    }

    /** The session the entry concerns, if it is the viewer's. */
    Optional<SessionId> session(AuditEntry e) {
        boolean theirs = e.subject().map(account::equals).orElseGet(() -> isActor(e));
        return theirs ? e.session() : Optional.empty();
    }

    /** Names of the fields this viewer gets masked or without their value, for the JSON export. */
    java.util.List<String> withheld(AuditEntry e) {
        java.util.List<String> fields = new java.util.ArrayList<>();
        if (e.ip().isPresent() && !ownsAddress(e)) fields.add("ip");
        if (e.actor().session().isPresent() && actorSession(e).isEmpty()) fields.add("actor.session");
        if (e.session().isPresent() && session(e).isEmpty()) fields.add("session");
        return fields;
    }

    private boolean ownsAddress(AuditEntry e) {
        return isActor(e) || (e.actor().system() && e.subject().map(account::equals).orElse(false));
    }

    private boolean isActor(AuditEntry e) {
        return e.actor().id().map(account::equals).orElse(false);
    }
}
