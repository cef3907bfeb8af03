package dev.lanyard.session;

import java.util.Optional;

import dev.lanyard.account.AccountEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Ends a member's other sign-ins when they change their password and ask for it (PRODUCT.md V4), and all of them
 * when they reset it by a mailed link, in the transaction of the change: their history says "Password changed". API keys stay, as with "sign out all
 * other sessions" (decision 0018). A sign-in that had expired before the change, but that the sweep had not ended yet,
 * ends as expired when it expired ({@link SessionEnds#endSignIns}): the change did not end it.
 */
@Component
class PasswordChangeSignOut {
    private final SessionEnds ends;

    PasswordChangeSignOut(SessionEnds ends) {
        this.ends = ends;
    }

    @EventListener
    void passwordChanged(AccountEvent.PasswordChanged changed) {
        if (!changed.signOutOthers()) return;
        var owner = changed.account().id();
        SessionId from = new SessionId(changed.fromSession());
        ends.endSignIns(owner, Optional.of(from), Session.Ending.by(EndReason.PASSWORD_CHANGED, changed.at(), owner, from));
    }

    /** A reset by a mailed link (decision 67) is made from no session: every sign-in ends. */
    @EventListener
    void passwordReset(AccountEvent.PasswordReset reset) {
        var owner = reset.account().id();
        ends.endSignIns(owner, Optional.empty(), Session.Ending.by(EndReason.PASSWORD_CHANGED, reset.at(), owner, null));
    }
}
