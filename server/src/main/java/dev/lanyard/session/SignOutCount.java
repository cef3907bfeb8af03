package dev.lanyard.session;

import java.util.List;

/**
 * How many sessions and how many API keys an admin's sign-out of a member or of the team ended, apart, as the member's
 * page counts them before it ("Force sign-out: 826 sessions and 1 API key"): an API key is a session row, and counted
 * together they read as 827 sessions (outside review).
 *
 * @param sessions the sign-ins and apps' sessions it ended, API keys left out
 * @param apiKeys  the API keys it revoked
 */
public record SignOutCount(int sessions, int apiKeys) {
    public static final SignOutCount NONE = new SignOutCount(0, 0);

    public SignOutCount {
        if (sessions < 0 || apiKeys < 0) throw new IllegalArgumentException("A count cannot be negative");
    }

    /** What {@code ended}, the rows of the sessions and keys just ended, counts. */
    static SignOutCount of(List<Session> ended) {
        int keys = (int) ended.stream().filter(Session::apiKey).count();
        return new SignOutCount(ended.size() - keys, keys);
    }

    /** Sessions and API keys together: what the API's {@code ended} has always said. */
    public int total() {
        return sessions + apiKeys;
    }

    SignOutCount plus(SignOutCount other) {
        return new SignOutCount(sessions + other.sessions, apiKeys + other.apiKeys);
    }

    /**
     * The count as a sentence says it: "826 sessions and 1 API key", "3 sessions" where no key ended, "1 API key" where
     * only keys did, "0 sessions" where nothing did.
     */
    public String inWords() {
        String sessionsInWords = sessions == 1 ? "1 session" : sessions + " sessions";
        String keysInWords = apiKeys == 1 ? "1 API key" : apiKeys + " API keys";
        if (apiKeys == 0) return sessionsInWords;
        if (sessions == 0) return keysInWords;
        return sessionsInWords + " and " + keysInWords;
    }
}
