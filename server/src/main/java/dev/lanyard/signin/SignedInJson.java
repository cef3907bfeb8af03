package dev.lanyard.signin;

import java.time.Clock;

import dev.lanyard.session.Session;
import dev.lanyard.session.SessionJson;
import dev.lanyard.session.SessionSettings;
import dev.lanyard.session.SessionView;
import dev.lanyard.session.Sessions;

/** A session that just started, as a sign-in's or a sign-up's answer shows it ({@link AuthApi}, {@link SignUpApi}). */
final class SignedInJson {
    private SignedInJson() {
    }

    /**
     * The new session as the answer shows it: read again, since the risk assessment flags it as it starts (synchronously, in
     * the sign-in's transaction) and the row the start returned is from before (outside review: the answer said no flags,
     * the next GET of the session showed them). One primary-key read.
     */
    static SessionJson of(Sessions sessions, SessionSettings settings, Clock clock, Sessions.Started started) {
        Session s;
        try {
            s = sessions.get(started.session().id(), started.session().account());
        } catch (dev.lanyard.session.SessionProblem.NotFound endedMeanwhile) {
            s = started.session();
        }
        // Just signed in: where it signed in is where it is.
        return SessionJson.of(s, java.util.Optional.of(new dev.lanyard.session.SignInPlace(s.ip(), s.location())), true,
                SessionView.activeNow(s, settings.activeWindow(), clock.instant()), true);
    }
}
