package dev.lanyard.keys;

import java.util.Optional;

/** What an API key may do. {@code sessions:write} includes reading; {@code admin} is for admins' keys only. */
public enum KeyScope {
    SESSIONS_READ("sessions:read", "Read your sessions"),
    SESSIONS_WRITE("sessions:write", "Read, rename and end your sessions"),
    ADMIN("admin", "Act as a team admin");

    private final String code;
    private final String label;

    KeyScope(String code, String label) {
        this.code = code;
        this.label = label;
    }

    public String code() {
        return code;
    }

    public String label() {
        return label;
    }

    public static Optional<KeyScope> ofCode(String code) {
        for (KeyScope scope : values()) {
            if (scope.code.equals(code)) return Optional.of(scope);
        }
        return Optional.empty();
    }
}
