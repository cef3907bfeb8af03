package dev.lanyard.session;

import java.util.List;
import java.util.Optional;

import dev.lanyard.account.AccountEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Ends a member's other sign-ins when they change their password and ask for it (PRODUCT.md V4), and all of them
 * when they reset it by a mailed link, in the transaction of the change: their history says "Password changed". API keys stay, as with "sign out all
 * other sessions" (decision 0018).
 */
@Component
class PasswordChangeSignOut {
    private final SessionStore store;
    private final SessionBroadcast broadcast;

    PasswordChangeSignOut(SessionStore store, SessionBroadcast broadcast) {
        this.store = store;
        this.broadcast = broadcast;
    }

    @EventListener
    void passwordChanged(AccountEvent.PasswordChanged changed) {
        if (!changed.signOutOthers()) return;
        var owner = changed.account().id();
        SessionId from = new SessionId(changed.fromSession());
        Session.Ending ending = Session.Ending.by(EndReason.PASSWORD_CHANGED, changed.at(), owner, from);
        List<SessionId> ended = store.endSignIns(owner, Optional.of(from), ending);
        broadcast.ended(ended, owner, ending);
    }

    /** A reset by a mailed link (decision 67) is made from no session: every sign-in ends. */
    @EventListener
    void passwordReset(AccountEvent.PasswordReset reset) {
        var owner = reset.account().id();
        Session.Ending ending = Session.Ending.by(EndReason.PASSWORD_CHANGED, reset.at(), owner, null);
        List<SessionId> ended = store.endSignIns(owner, Optional.empty(), ending);
        broadcast.ended(ended, owner, ending);
    }
}
