package dev.lanyard.device;

/**
 * What kind of device a session runs on, as shown on a session card. The user-agent rules class HTTP libraries (curl, a
 * member's own script) with crawlers; a signed-in one is nearly always a script, so it is not called a bot alone.
 */
public enum DeviceType {
    DESKTOP("Desktop"), MOBILE("Mobile"), TABLET("Tablet"), BOT("Script or bot"), UNKNOWN("Unknown");

    private final String label;

    DeviceType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
