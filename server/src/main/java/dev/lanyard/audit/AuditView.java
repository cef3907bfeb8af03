package dev.lanyard.audit;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import dev.lanyard.account.AccountId;
import dev.lanyard.geo.ClientAddresses;
import dev.lanyard.session.SessionId;

/** An audit entry as a row of the audit pages: every value phrased for a person. */
record AuditView(long seq, java.time.Instant at, String when, String actionCode, String action, String actor, String actorEmail,
                 String actorId, String session, String ip, String detail) {

    static final DateTimeFormatter EXACT =
            DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm:ss 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /**
     * The entry as {@code viewer} may see it: other people's addresses masked, their session ids left out, an address in
     * RFC 5952's form. The API and the exports give the address as stored, which a version 1 hash covers (decision 10).
     */
    static AuditView of(AuditEntry e, Viewer viewer) {
        AuditEntry.Actor a = e.actor();
        String actor = a.system() ? "Lanyard" : !a.name().isEmpty() ? a.name()
                : a.id().isEmpty() ? "Someone without access" : a.id().get().value();
        return new AuditView(e.seq(), e.at(), EXACT.format(e.at()), e.action(), AuditAction.labelOf(e.action()), actor, a.email(),
                a.id().map(AccountId::value).orElse(""), viewer.session(e).map(SessionId::shortForm).orElse(""),
                viewer.ip(e).map(ClientAddresses::shown).orElse(""), e.detail());
    }
}
