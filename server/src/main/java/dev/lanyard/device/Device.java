package dev.lanyard.device;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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

    /**
     * The device as a session card's title names it: "Chrome 131 on macOS 14", "Safari 17 on iPhone", "Edge 129 on Xbox",
     * "PlayStation 5", "Unknown device". The rule is "&lt;browser&gt; on &lt;where it runs&gt;". A computer runs it on its
     * system. A phone, a tablet or an appliance ({@link DeviceType#appliance()}) runs it on the device, named as the user
     * agent names it, since a member knows a TV or a console by its name, not by its firmware ("PS5 OS 2", "Tizen 6"); one
     * the user agent does not name is told by its system, as a computer. An appliance's own browser, named after the
     * device or its maker ("Samsung Internet" on a Samsung Smart TV, "NintendoBrowser" on a Nintendo Switch, "Kindle" on
     * a Kindle), goes without saying: the title is the device's name alone.
     */
    public String description() {
        String where = !model.isEmpty() && type.toldByKind() ? model : (osVersion.isEmpty() ? os : os + " " + osVersion);
        String b = browser.isEmpty() || (type.appliance() && !model.isEmpty() && namedAfterTheDevice()) ? ""
                : (browserVersion.isEmpty() ? browser : browser + " " + browserVersion);
        if (b.isEmpty() && where.isEmpty()) return "Unknown device";
        if (b.isEmpty()) return where;
        if (where.isEmpty()) return b;
        return b + " on " + where;
    }

    /**
     * Whether the browser's name begins with the device's first word (its maker, or its line: "LG Browser" on an LG Smart
     * TV, "Tesla Browser" in a Tesla) or is one of its words ("Viera" on a Panasonic Viera). Only the first word may begin
     * it: "TV Bro" is no browser of an "Nvidia Shield Android TV".
     */
    private boolean namedAfterTheDevice() {
        String name = letters(browser);
        List<String> words = Arrays.stream(model.split("[\\s-]+")).map(Device::letters).filter(w -> !w.isEmpty()).toList();
        return !name.isEmpty() && !words.isEmpty() && (name.startsWith(words.get(0)) || words.contains(name));
    }

    private static String letters(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
    }
}
