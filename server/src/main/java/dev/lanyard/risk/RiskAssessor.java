package dev.lanyard.risk;

import java.util.List;

import dev.lanyard.session.AppType;
import dev.lanyard.session.Session;
import dev.lanyard.session.SessionEvent;
import dev.lanyard.session.SessionFlag;
import dev.lanyard.session.SessionProblem;
import dev.lanyard.session.Sessions;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Assesses a session when it starts and when its address changes (PRODUCT.md V3). The work runs in a
 * nested transaction (a savepoint inside the sign-in's own), so whatever goes wrong in it is rolled
 * back alone, logged and counted in {@code lanyard.risk.assessment.failures}: the sign-in goes on.
 * A sign-in costs one indexed read of what the account has seen and one upsert of what it saw.
 */
@Component
class RiskAssessor {
    private static final Logger log = LoggerFactory.getLogger(RiskAssessor.class);

    private final SeenStore seen;
    private final RiskRules rules;
    private final Sessions sessions;
    private final SignInAlerts alerts;
    private final ApplicationEventPublisher events;
    private final MeterRegistry meters;
    private final TransactionTemplate nested;

    RiskAssessor(SeenStore seen, RiskSettings settings, Sessions sessions, SignInAlerts alerts,
                 ApplicationEventPublisher events, MeterRegistry meters, PlatformTransactionManager transactions) {
        this.seen = seen;
        this.rules = new RiskRules(settings);
        this.sessions = sessions;
        this.alerts = alerts;
        this.events = events;
        this.meters = meters;
        this.nested = new TransactionTemplate(transactions);
        this.nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    @EventListener
    void on(SessionEvent event) {
        if (event instanceof SessionEvent.Started started) {
            Session s = started.session();
            // An app's grant is given from a browser session that was assessed itself; API keys publish no start.
            if (s.appType() == AppType.OAUTH || s.apiKey()) return;
            safely("sign-in", () -> signedIn(s));
        } else if (event instanceof SessionEvent.AddressChanged moved) {
            safely("address change", () -> moved(moved));
        }
    }

    private void signedIn(Session s) {
        Sighting now = Sighting.of(s.device(), s.ip(), s.location(), s.createdAt());
        SeenStore.Seen before = seen.lookup(s.account(), now);
        seen.record(s.account(), now);
        List<SessionFlag> flags = rules.atSignIn(before, now);
        if (flags.isEmpty()) return;
        sessions.flag(s.id(), s.account(), flags);
        events.publishEvent(new RiskEvent.Flagged(s.id(), s.account(), flags, now.at()));
        alerts.signedIn(s, flags);
    }

    private void moved(SessionEvent.AddressChanged moved) {
        Session s;
        try {
            s = sessions.get(moved.id(), moved.owner());
        } catch (SessionProblem.NotFound gone) {
            return;
        }
        if (!s.active() || s.apiKey() || s.appType() == AppType.OAUTH) return;
        Sighting now = Sighting.of(s.device(), moved.toIp(), moved.to(), moved.at());
        SeenStore.Seen before = seen.lookup(s.account(), now);
        seen.record(s.account(), now);
        List<SessionFlag> found = rules.atMove(before, now, s.createdAt());
        if (found.isEmpty()) return;
        List<SessionFlag> added = sessions.addFlags(s.id(), s.account(), found, RiskRules::subject);
        if (added.isEmpty()) return;
        events.publishEvent(new RiskEvent.Flagged(s.id(), s.account(), added, now.at()));
    }

    private void safely(String what, Runnable work) {
        try {
            nested.executeWithoutResult(status -> work.run());
        } catch (RuntimeException e) {
            meters.counter("lanyard.risk.assessment.failures").increment();
            log.error("Could not assess a {}; it goes on unflagged: {}", what, e.toString());
        }
    }
}
