package dev.lanyard.audit;

import java.util.function.Consumer;

import dev.lanyard.account.Account;
import dev.lanyard.privacy.MemberActivity;
import org.springframework.stereotype.Component;

/**
 * A member's own activity for their data export: what {@code /settings/activity/export?format=json} writes
 * without filters, read {@link AuditLog#BATCH} entries at a time, masked for the member ({@link Viewer}).
 */
@Component
class ActivityForExport implements MemberActivity {
    private final AuditLog audit;

    ActivityForExport(AuditLog audit) {
        this.audit = audit;
    }

    @Override
    public void forEach(Account member, Consumer<Object> sink) {
        Viewer viewer = new Viewer(member.id());
        audit.export(AuditQuery.ownedBy(member.team(), member.id()), e -> sink.accept(AuditJson.of(e, viewer)));
    }
}
