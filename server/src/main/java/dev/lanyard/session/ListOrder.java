package dev.lanyard.session;

import java.util.Optional;

/**
 * The orders an API client may read a member's active sessions in, page by page. Most recently active first is what
 * people look at, but a session used between two pages moves ahead of the cursor and no page lists it (outside review:
 * a quarter of a busy member's sessions missed on one walk); by sign-in no use moves a session, so a walk lists every
 * session that stays active through it exactly once. Each order's cursors read only in that order.
 */
public enum ListOrder {
    /** The current session first, then the others most recently active first, then the API keys never used. */
    RECENTLY_ACTIVE("recently-active"),
    /** Newest sign-in first (an API key: when it was made), the id breaking ties. */
    SIGNED_IN("signed-in");

    /** What the API document says of {@code ?order=}, on a member's own list and on an admin's list of a member's sessions. */
    public static final String DESCRIPTION = "recently-active (the default): most recently active first, then API keys "
            + "never used, newest first (on your own list, the session making the request first, on the first page only); "
            + "a session used while you walk through the pages can move ahead of the cursor and be on none of them. "
            + "signed-in: newest sign-in first (an API key: when it was made), an order no use changes, so a walk through "
            + "the pages lists each session that stays active through it exactly once, the session making the request "
            + "where it signed in (one signed in during the walk is newer than the first page). A cursor reads only in the order that gave it (400 invalid-cursor in the other)";

    private final String code;

    ListOrder(String code) {
        this.code = code;
    }

    /** How the API names it, in {@code ?order=}. */
    public String code() {
        return code;
    }

    /** The order of this name, {@link #RECENTLY_ACTIVE} for none; empty for a name no order has. */
    public static Optional<ListOrder> parse(String value) {
        if (value == null || value.isEmpty()) return Optional.of(RECENTLY_ACTIVE);
        for (ListOrder order : values()) {
            if (order.code.equals(value)) return Optional.of(order);
        }
        return Optional.empty();
    }

    /** What the API answers to a name no order has, naming the field. */
    public static SessionProblem.InvalidInput unknown() {
        return new SessionProblem.InvalidInput("order", "order must be recently-active (the default) or signed-in.");
    }
}
