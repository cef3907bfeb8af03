package dev.lanyard.device;

import java.util.Objects;

/**
 * The device behind a session, as far as its user agent and client hints tell honestly.
 * Unknown parts are empty strings, never null.
 */
public record Device(String browser, String browserVersion, String os, String osVersion,
                     DeviceType type, String model) {

    public Device {
        browser = Objects.requireNonNullElse(browser, "");
        browserVersion = Objects.requireNonNullElse(browserVersion, "");
        os = Objects.requireNonNullElse(os, "");
        osVersion = Objects.requireNonNullElse(osVersion, "");
        type = Objects.requireNonNullElse(type, DeviceType.UNKNOWN);
        model = Objects.requireNonNullElse(model, "");
    }

    public static Device unknown() {
        return new Device("", "", "", "", DeviceType.UNKNOWN, "");
    }

    /** "Chrome 131 on macOS 14", "Safari on iPhone", "Unknown device". */
    public String description() {
        String b = browser.isEmpty() ? "" : (browserVersion.isEmpty() ? browser : browser + " " + browserVersion);
        String where = !model.isEmpty() && (type == DeviceType.MOBILE || type == DeviceType.TABLET)
                ? model
                : (osVersion.isEmpty() ? os : os + " " + osVersion);
        if (b.isEmpty() && where.isEmpty()) return "Unknown device";
        if (b.isEmpty()) return where;
        if (where.isEmpty()) return b;
        return b + " on " + where;
    }
}
