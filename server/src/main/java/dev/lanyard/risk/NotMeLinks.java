package dev.lanyard.risk;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.lanyard.account.Accounts;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionId;
import dev.lanyard.session.SessionProblem;
import dev.lanyard.session.Sessions;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The "This wasn't me" link of a sign-in alert (PRODUCT.md V5). The link itself is the authority, for
 * its one session only: whoever opens it, signed in or not, may end that session once, and then, once,
 * every sign-in of the same member. An unknown, expired or malformed link is {@link Unusable}, all alike.
 */
@Service
public class NotMeLinks {
    private final AlertStore store;
    private final Sessions sessions;
    private final Accounts accounts;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    NotMeLinks(AlertStore store, Sessions sessions, Accounts accounts, ApplicationEventPublisher events, Clock clock) {
        this.store = store;
        this.sessions = sessions;
        this.accounts = accounts;
        this.events = events;
        this.clock = clock;
    }

    /** Where a link stands. */
    public enum Stage {
        /** Its session can be ended. */
        FRESH,
        /** Its session was ended through it; every other session can be ended too. */
        SESSION_ENDED,
        /** Every session was ended through it; nothing is left to do but change the password. */
        ALL_ENDED
    }

    /** What the link's page shows: the session it names and how far the link has been used. */
    public record Report(Session session, Stage stage, Instant expiresAt) {
    }

    /** The link cannot be used: unknown, expired, or its session is gone. Says nothing about which. */
    public static final class Unusable extends RuntimeException {
        Unusable() {
            super("This link can no longer be used: links in sign-in alerts expire after a day. "
                    + "Sign in to review your sessions and sign out any you don't recognize.");
        }
    }

    public Report open(String token) {
        AlertStore.Link link = usable(token);
        return report(link);
    }

    /**
     * Ends the link's session (once; a repeat changes nothing and shows where things stand), and gives the member back the
     * time zone they had before that sign-in, if it brought another: not theirs, it must not date their mails.
     */
    @Transactional
    public Report endSession(String token) {
        AlertStore.Link link = usable(token);
        Instant now = clock.instant();
        if (store.use(SignInAlerts.hash(token), now) == 1) {
            accounts.disownTimeZone(link.account(), link.session().value());
            boolean ended = sessions.endReported(link.session(), link.account());
            events.publishEvent(new RiskEvent.Reported(link.session(), link.account(), false, ended ? 1 : 0, now));
        }
        return report(store.link(SignInAlerts.hash(token)).orElseThrow(Unusable::new));
    }

    /** After {@link #endSession}: ends every sign-in of the member (API keys stay), once. */
    @Transactional
    public Report endAll(String token) {
        AlertStore.Link link = usable(token);
        Instant now = clock.instant();
        if (store.useForAll(SignInAlerts.hash(token), now) == 1) {
            List<SessionId> ended = sessions.endAllReported(link.account());
            events.publishEvent(new RiskEvent.Reported(link.session(), link.account(), true, ended.size(), now));
        }
        return report(store.link(SignInAlerts.hash(token)).orElseThrow(Unusable::new));
    }

    private AlertStore.Link usable(String token) {
        if (!SignInAlerts.plausible(token)) throw new Unusable();
        AlertStore.Link link = store.link(SignInAlerts.hash(token)).orElseThrow(Unusable::new);
        if (link.expired(clock.instant())) throw new Unusable();
        return link;
    }

    private Report report(AlertStore.Link link) {
        Session session;
        try {
            session = sessions.get(link.session(), link.account());
        } catch (SessionProblem.NotFound gone) {
            throw new Unusable();
        }
        Stage stage = link.allAt().isPresent() ? Stage.ALL_ENDED : link.usedAt().isPresent() ? Stage.SESSION_ENDED : Stage.FRESH;
        return new Report(session, stage, link.expiresAt());
    }
}
