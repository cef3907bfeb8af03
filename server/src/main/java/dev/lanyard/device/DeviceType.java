package dev.lanyard.device;

/** What kind of device a session runs on, as shown on a session card. */
public enum DeviceType {
    DESKTOP("Desktop"), MOBILE("Mobile"), TABLET("Tablet"), BOT("Bot"), UNKNOWN("Unknown");

    private final String label;

    DeviceType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
