package dev.lanyard.signin;

import dev.lanyard.account.PasswordChange;
import dev.lanyard.session.ClientOrigin;
import dev.lanyard.session.CurrentSession;
import dev.lanyard.session.Session;
import dev.lanyard.session.Sessions;

/** Builds a {@link PasswordChange} from a request: the session it is made from, as the notification email names it. */
final class PasswordChanges {
    private PasswordChanges() {
    }

    static PasswordChange request(CurrentSession current, Sessions sessions, ClientOrigin origin, String currentPassword,
                                  String newPassword, boolean signOutOthers) {
        Session session = sessions.current(current);
        return new PasswordChange(currentPassword, newPassword, signOutOthers, new PasswordChange.Origin(
                current.id().value(), session.device().description(), session.location().label(), origin.ip()));
    }
}
