package dev.lanyard.audit;

import io.swagger.v3.oas.annotations.media.Schema;
import dev.lanyard.account.AccountId;
import dev.lanyard.session.SessionId;

/**
 * An audit entry in the API and the JSON export: every stored field, so that anyone holding an
 * export can recompute the chain (docs/decisions/0010-audit-log.md).
 *
 * @param at     ISO-8601 UTC with milliseconds
 * @param actor  null when Lanyard itself acted (expiry)
 */
record AuditJson(String team, long seq, String at, String action, String actionLabel, @Schema(nullable = true) Actor actor,
                 @Schema(nullable = true) String subject, @Schema(nullable = true) String session, String detail, @Schema(nullable = true) String ip, String prevHash, String hash) {

    /** Who acted; {@code id} is null for someone without an account (a failed sign-in). */
    record Actor(@Schema(nullable = true) String id, String email, String name, @Schema(nullable = true) String session) {
    }

    static AuditJson of(AuditEntry e) {
        Actor actor = e.actor().system() ? null : new Actor(e.actor().id().map(AccountId::value).orElse(null),
                e.actor().email(), e.actor().name(), e.actor().session().map(SessionId::value).orElse(null));
        return new AuditJson(e.team().value(), e.seq(), e.at().toString(), e.action(), AuditAction.labelOf(e.action()), actor,
                e.subject().map(AccountId::value).orElse(null), e.session().map(SessionId::value).orElse(null),
                e.detail(), e.ip().orElse(null), e.prevHash(), e.hash());
    }
}
