package dev.lanyard.account;

import java.util.Locale;

/** Where an invitation stands: its code in the API, its label on the members page. */
public enum InvitationStatus {
    PENDING("Pending"), ACCEPTED("Accepted"), CANCELLED("Cancelled"), EXPIRED("Expired");

    private final String label;

    InvitationStatus(String label) {
        this.label = label;
    }

    /** The API's word for it: pending, accepted, cancelled or expired. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The members page's word for it. */
    public String label() {
        return label;
    }
}
