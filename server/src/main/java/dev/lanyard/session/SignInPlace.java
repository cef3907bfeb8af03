package dev.lanyard.session;

import java.util.Objects;

import dev.lanyard.geo.GeoLocation;

/**
 * Where a session signed in: its address and place while it is still used from there; once it has been used from
 * another address, only the network of the first (83.45.123.0/24) and its place without ISP or coordinates, which is
 * all Lanyard keeps of it (schema V39). Read a page of sessions at a time ({@link Sessions#signInPlaces}).
 */
public record SignInPlace(String ip, GeoLocation location) {
    public SignInPlace {
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(location, "location");
    }
}
