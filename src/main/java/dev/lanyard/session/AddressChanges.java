package dev.lanyard.session;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;

import dev.lanyard.geo.GeoLocation;
import dev.lanyard.geo.GeoLocator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

/**
 * Notices that a session is used from a new client address: stores the address and its place,
 * and publishes {@link SessionEvent.AddressChanged} for the timeline. One write per change, never
 * per request.
 */
@Component
class AddressChanges {
    private final SessionStore store;
    private final GeoLocator geo;
    private final ApplicationEventPublisher events;

    AddressChanges(SessionStore store, GeoLocator geo, ApplicationEventPublisher events) {
        this.store = store;
        this.geo = geo;
        this.events = events;
    }

    void moved(Session session, String fromIp, String toIp, Instant at) {
        GeoLocation to = locate(toIp);
        store.updateAddress(session.id(), toIp, to);
        // The cached session still holds its sign-in address; a later move is compared with the last one.
        GeoLocation from = fromIp.equals(session.ip()) ? session.location() : locate(fromIp);
        events.publishEvent(new SessionEvent.AddressChanged(session.id(), session.account(), fromIp, toIp, from, to, at));
    }

    private GeoLocation locate(String ip) {
        try {
            // Addresses come from requests as literals; no DNS lookup happens.
            return geo.locate(InetAddress.getByName(ip));
        } catch (UnknownHostException e) {
            return GeoLocation.unknown();
        }
    }
}
