package dev.lanyard.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.function.Consumer;

/**
 * The other Lanyard nodes on the same database, as the sign-in throttle and the passkey ceremonies' limits need them
 * (decision 71): each tells them what it counted and hears what they counted. Owned here and implemented where the nodes' channel is (the session
 * module's PostgreSQL {@code LISTEN/NOTIFY}), since that module already depends on this one. On one node (SQLite)
 * there is nobody to tell and nothing to hear.
 */
public interface OtherNodes {
    /**
     * Sends {@code message} to the listeners of {@code name} on every other node, after the fact: it is handed to
     * another thread and sent on a connection of its own, outside the caller's transaction (a sign-in that fails rolls
     * its transaction back, and the failure must be told all the same), so the caller never waits and is never
     * failed by it. A message that cannot be sent is dropped (the database is down). A message is short, and holds
     * letters, digits, {@code -}, {@code _} and {@code .} only; a name is lower-case letters and dashes.
     */
    void tell(String name, String message);

    /**
     * Hears the other nodes' messages to {@code name} (never this node's own), one at a time on the thread that
     * receives them: the listener does memory work only. Once per name.
     */
    void listen(String name, Consumer<String> listener);

    /**
     * Whether this node hears the other nodes now. False while it may be missing their messages (its listening
     * connection down or its lease run out, decision 21), and before it first listens.
     */
    boolean hearing();

    /**
     * What a message holds in place of a text that must not travel (an email, a client address, an account's id): SHA-256
     * of it, base64url without padding, 43 characters, none of them a comma or a dot. Plain, not keyed: whoever can
     * {@code LISTEN} on the database can read its tables, and a key every node shares would be one more secret.
     */
    static String key(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has SHA-256", e);
        }
    }

    /** No other node: nothing is sent, nothing heard, and this node misses nothing. */
    OtherNodes NONE = new OtherNodes() {
        @Override
        public void tell(String name, String message) {
        }

        @Override
        public void listen(String name, Consumer<String> listener) {
        }

        @Override
        public boolean hearing() {
            return true;
        }
    };
}
