package dev.lanyard.account;

import java.util.Objects;

/**
 * A member's request to change their password (PRODUCT.md V4), and where it was made from, for the
 * notification email and the audit log. Never printed with the passwords.
 *
 * @param signOutOthers whether the member's other sign-ins end with the change (API keys never do)
 * @param origin        the session the change was made from and its device, place and address
 */
public record PasswordChange(String current, String next, boolean signOutOthers, Origin origin) {

    /** Where the change was made: the session's public id, its device and place as people read them, the client address. */
    public record Origin(String session, String device, String location, String address) {
        public Origin {
            Objects.requireNonNull(session, "session");
            device = Objects.requireNonNullElse(device, "");
            location = Objects.requireNonNullElse(location, "");
            address = Objects.requireNonNullElse(address, "");
        }
    }

    public PasswordChange {
        current = Objects.requireNonNullElse(current, "");
        next = Objects.requireNonNullElse(next, "");
        Objects.requireNonNull(origin, "origin");
    }

    @Override
    public String toString() {
        return "PasswordChange[signOutOthers=" + signOutOthers + ", origin=" + origin + "]";
    }
}
