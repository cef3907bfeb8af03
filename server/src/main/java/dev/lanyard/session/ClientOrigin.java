package dev.lanyard.session;

import java.util.Objects;

import dev.lanyard.device.Device;
import dev.lanyard.geo.GeoLocation;

/** Where a request comes from: its device, its user agent string, its client IP and that IP's place. */
public record ClientOrigin(Device device, String userAgent, String ip, GeoLocation location) {
    public ClientOrigin {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(location, "location");
        userAgent = Objects.requireNonNullElse(userAgent, "");
        ip = Objects.requireNonNullElse(ip, "");
    }
}
