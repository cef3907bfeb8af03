package dev.lanyard.session;

/** Which kind of client holds a session (PRODUCT.md S2). */
public enum AppType {
    WEB("Web"), ADMIN("Admin"), MOBILE("Mobile"), SYNC("Sync"), API("API"), OAUTH("OAuth");

    private final String label;

    AppType(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static java.util.Optional<AppType> parse(String value) {
        if (value == null) return java.util.Optional.empty();
        for (AppType type : values()) {
            if (type.name().equalsIgnoreCase(value.strip())) return java.util.Optional.of(type);
        }
        return java.util.Optional.empty();
    }
}
