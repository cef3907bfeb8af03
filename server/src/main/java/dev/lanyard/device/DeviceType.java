package dev.lanyard.device;

import java.util.Locale;

/**
 * What kind of device a session runs on, as shown on a session card. The user-agent rules class HTTP libraries (curl, a
 * member's own script) with crawlers; a signed-in one is nearly always a script, so it is not called a bot alone. The
 * kinds past a tablet are the ones a member signs in on now and then and would recognise by name (a TV's or a console's
 * browser, an e-reader, a headset): they read "Unknown" until the rules' classes for them were named here.
 */
public enum DeviceType {
    DESKTOP("Desktop"), MOBILE("Mobile"), TABLET("Tablet"), TV("TV"), GAME_CONSOLE("Game console"), WATCH("Watch"),
    EREADER("E-reader"), HEADSET("VR or AR headset"), CAR("Car"), SMART_HOME("Smart home device"), BOT("Script or bot"),
    UNKNOWN("Unknown");

    private final String label;

    DeviceType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The type in the API: its name in lower case, words joined by a hyphen ({@code game-console}). */
    public String code() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Whether a browser and system say too little without the kind: Safari on iOS is a phone or a tablet, Chrome on
     * Android a phone, a tablet, a TV or a headset. A desktop is what a browser and system say without it.
     */
    public boolean toldByKind() {
        return this != DESKTOP && this != BOT && this != UNKNOWN;
    }

    /**
     * Whether it is a thing bought as itself rather than a computer, phone or tablet: a TV (or its box), a console, a
     * watch, an e-reader, a headset, a car or a smart home device. Its system is firmware nobody knows by name (PS5 OS,
     * Tizen, webOS, Fire OS) and its browser is the one it came with, so it is known by the device's own name.
     */
    public boolean appliance() {
        return toldByKind() && this != MOBILE && this != TABLET;
    }
}
