package dev.lanyard.risk;

import java.time.Clock;

import dev.lanyard.session.CurrentSession;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** A member's "Email me when a new device signs in" (PRODUCT.md V5); on by default. */
@Service
public class AlertSettings {
    private final AlertStore store;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    AlertSettings(AlertStore store, ApplicationEventPublisher events, Clock clock) {
        this.store = store;
        this.events = events;
        this.clock = clock;
    }

    public boolean newDeviceEmails(CurrentSession current) {
        return store.newDeviceEmails(current.account().id());
    }

    /** Turns the emails on or off for the caller; a change is in the audit log. Returns whether anything changed. */
    @Transactional
    public boolean setNewDeviceEmails(CurrentSession current, boolean on) {
        if (!store.setNewDeviceEmails(current.account().id(), on)) return false;
        events.publishEvent(new RiskEvent.AlertSettingChanged(current.account().id(), current.id(), on, clock.instant()));
        return true;
    }
}
