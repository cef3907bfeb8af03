package dev.lanyard.ops;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A setting whose value Lanyard cannot use, found where it is read rather than where Spring binds it (a flag read by
 * one component, a combination of two settings). {@link InvalidSettingFailureAnalyzer} turns it into Spring Boot's
 * short start-up report naming the setting, as a value refused while binding gets.
 */
public final class InvalidSetting extends IllegalArgumentException {
    private final String property;
    private final String action;

    /** {@code problem} says what is wrong with {@code property}'s value; {@code action} what to set instead. */
    public InvalidSetting(String property, String problem, String action) {
        super(property + ": " + problem);
        this.property = property;
        this.action = action;
    }

    public String property() {
        return property;
    }

    /** What to set instead, as a sentence. */
    public String action() {
        return action;
    }

    /** {@code value} of {@code property} read as a boolean ({@code true}/{@code false}, any case); unset, {@code otherwise}. */
    public static boolean flag(String property, String value, boolean otherwise) {
        if (value == null || value.isBlank()) return otherwise;
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidSetting(property, "'" + value + "' is not true or false.",
                    "Set " + property + " to true or false, or leave it unset (" + otherwise + ").");
        };
    }

    /**
     * Refuses, while a settings record is bound ({@link IllegalArgumentException}: Boot's short "failed to bind" report
     * names it), a {@code value} of {@code property} that is set and is no {@link #webAddress}.
     */
    public static void requireWebAddress(String property, String value) {
        if (value != null && !value.isBlank() && !webAddress(value))
            throw new IllegalArgumentException(property + " must be an http or https URL with a host and no query or fragment"
                    + " (like https://lanyard.example.com), not '" + value + "'");
    }

    /**
     * Whether {@code value} is an http or https URL with a host and no query or fragment, the form an address that
     * Lanyard is reached at, or names itself by, must have (like {@code https://lanyard.example.com}).
     */
    public static boolean webAddress(String value) {
        try {
            URI uri = new URI(value);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) return false;
            uri.toURL();
            return uri.getHost() != null && uri.getRawQuery() == null && uri.getRawFragment() == null;
        } catch (URISyntaxException | IllegalArgumentException | java.net.MalformedURLException e) {
            return false;
        }
    }
}
