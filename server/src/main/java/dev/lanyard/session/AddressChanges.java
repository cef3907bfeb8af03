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

    /** A client address and its place. */
    record Address(String ip, GeoLocation location) {
        Address {
            java.util.Objects.requireNonNull(ip, "ip");
            java.util.Objects.requireNonNull(location, "location");
        }
    }

    /** The address with its place; a literal address is never looked up in DNS. */
    Address at(String ip) {
        return new Address(ip, locate(ip));
    }

    /** Stores that the session is now used from {@code to}, and tells the timeline where it came from. */
    void moved(SessionId session, dev.lanyard.account.AccountId owner, Address from, Address to, Instant at) {
        store.updateAddress(session, from, to);
        events.publishEvent(new SessionEvent.AddressChanged(session, owner, from.ip(), to.ip(),
                from.location(), to.location(), at));
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
