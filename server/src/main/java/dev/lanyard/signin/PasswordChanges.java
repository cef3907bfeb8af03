package dev.lanyard.signin;

import dev.lanyard.account.PasswordChange;
import dev.lanyard.session.ClientOrigin;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.SessionView;
import dev.lanyard.session.Sessions;

/** Builds a {@link PasswordChange} from a request: the session it is made from, as the notification email names it. */
final class PasswordChanges {
    private PasswordChanges() {
    }

    static PasswordChange request(CurrentSession current, Sessions sessions, java.time.Clock clock, ClientOrigin origin,
                                  String currentPassword, String newPassword, boolean signOutOthers) {
        SessionView session = SessionView.of(sessions.current(current), true, java.time.Duration.ZERO, clock);
        return new PasswordChange(currentPassword, newPassword, signOutOthers, new PasswordChange.Origin(
                current.id().value(), session.device(), session.location(), origin.ip()));
    }
}
