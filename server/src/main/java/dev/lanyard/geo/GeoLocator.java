package dev.lanyard.geo;

import java.net.InetAddress;

/**
 * Finds where an IP address is. Implementations never throw: an address they know nothing
 * about is {@link GeoLocation#unknown()}, and loopback, private, link-local, unique-local and
 * carrier-grade NAT (100.64.0.0/10) addresses are {@link GeoLocation#local()}.
 */
public interface GeoLocator {

    GeoLocation locate(InetAddress address);
}
