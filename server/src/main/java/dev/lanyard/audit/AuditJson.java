package dev.lanyard.audit;

import io.swagger.v3.oas.annotations.media.Schema;
import dev.lanyard.account.AccountId;
import dev.lanyard.session.SessionId;

/**
 * An audit entry in the API and the JSON export: every stored field, so that anyone holding an
 * export can recompute the chain (docs/decisions/0010-audit-log.md), except what belongs to another
 * person than the reader: their address is masked and their session id left out, and
 * {@code withheld} names those fields (docs/decisions/0014-strict-input-and-what-each-viewer-sees.md).
 * An entry with nothing withheld recomputes (in hash versions 2 and 3 from the address's network and
 * {@code ipCommit}; the salt is never shown); every entry's {@code prevHash} still links to the hash before it.
 *
 * @param at     ISO-8601 UTC with milliseconds
 * @param actor  null when Lanyard itself acted (expiry)
 */
record AuditJson(String team, long seq, String at, String action, String actionLabel, @Schema(nullable = true) Actor actor,
                 @Schema(nullable = true) String subject, @Schema(nullable = true) String session, String detail,
                 @Schema(nullable = true) String ip, String prevHash, String hash,
                 @Schema(description = "The encoding of hash (docs/decisions/0010, 0049 and 0054): 1 covers the address, "
                         + "2 its network (an IPv6 address's /48) and ipCommit, 3 its network (a 6to4 address's IPv4 /24) and ipCommit") int hashVersion,
                 @Schema(nullable = true, description = "In hash versions 2 and 3, SHA-256 of a secret salt and the full address, "
                         + "as the hash covers it") String ipCommit,
                 @Schema(nullable = true) java.util.List<String> withheld) {

    /** Who acted; {@code id} is null for someone without an account (a failed sign-in) and for the server's operator. */
    record Actor(@Schema(nullable = true) String id, String email, String name, @Schema(nullable = true) String session) {
    }

    /** The entry as {@code viewer} may see it; {@code withheld} names the fields masked or left out for them. */
    static AuditJson of(AuditEntry e, Viewer viewer) {
        Actor actor = e.actor().system() ? null : new Actor(e.actor().id().map(AccountId::value).orElse(null),
                e.actor().email(), e.actor().name(), viewer.actorSession(e).map(SessionId::value).orElse(null));
        return new AuditJson(e.team().value(), e.seq(), e.at().toString(), e.action(), AuditAction.labelOf(e.action()), actor,
                e.subject().map(AccountId::value).orElse(null), viewer.session(e).map(SessionId::value).orElse(null),
                e.detail(), viewer.ip(e).orElse(null), e.prevHash(), e.hash(), e.version(),
                e.seal().map(AuditEntry.Seal::commit).orElse(null), viewer.withheld(e));
    }
}
