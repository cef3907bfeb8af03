package dev.lanyard.session;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What {@link SessionBroadcast} sends on {@link SessionBroadcast#CHANNEL}, and this node's id in it. Every notification
 * is {@code NODE|payload}; a payload without a prefix names sessions that ended.
 */
class BroadcastChannel {
    /** Under PostgreSQL's 8000 bytes for a payload, with room for the sender's id and a prefix. */
    static final int MAX_PAYLOAD = 7000;
    static final String TEAM_PREFIX = "team:";
    static final String STARTED_PREFIX = "started:";
    static final String CHANGED_PREFIX = "changed:";
    /** The last part of an ending that waits for acknowledgements: {@code ended:SEQ:ids}. */
    static final String ENDED_PREFIX = "ended:";
    /** An acknowledgement: {@code ack:NODE:SEQ}, sent once the ending is evicted. */
    static final String ACK_PREFIX = "ack:";
    /**
     * What another module's cache must forget ({@link NodeCaches}): {@code forget:NAME:keys}, its last part sent as an
     * ending's is ({@code ended:SEQ:forget:NAME:keys}), so it is acknowledged and waited for alike.
     */
    static final String FORGET_PREFIX = "forget:";
    /**
     * What another module tells the other nodes after the fact ({@link NodeNews}): {@code news:NAME:messages}, sent
     * outside any transaction, neither acknowledged nor waited for.
     */
    static final String NEWS_PREFIX = "news:";
    /** Every notification starts with the sending node's id and this separator. */
    static final char FROM = '|';

    /** This node, so that it can tell its own notifications when PostgreSQL delivers them back. */
    private final String node = Long.toHexString(new SecureRandom().nextLong());
    private final JdbcClient jdbc;

    BroadcastChannel(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** This node's id, as other nodes see it in notifications and in {@code session_nodes}. */
    String node() {
        return node;
    }

    /** {@code payload} as this node sends it: after its id and {@link #FROM}. */
    String signed(String payload) {
        return node + FROM + payload;
    }

    /** Sends {@code payload} to every node, in the caller's transaction if any (then only if it commits). */
    void send(String payload) {
        jdbc.sql("SELECT pg_notify(:channel, :payload)").param("channel", SessionBroadcast.CHANNEL).param("payload", signed(payload))
                .query((rs, n) -> 1).list();
    }

    /** {@code ids} joined by commas, as few payloads as fit in {@link #MAX_PAYLOAD} characters each, in order. */
    static List<String> payloads(List<String> ids) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String id : ids) {
            if (current.length() + id.length() + 1 > MAX_PAYLOAD) {
                out.add(current.toString());
                current.setLength(0);
            }
            if (!current.isEmpty()) current.append(',');
            current.append(id);
        }
        if (!current.isEmpty()) out.add(current.toString());
        return out;
    }

    /** The items of a comma-separated payload, blanks left out. */
    static List<String> items(String payload) {
        return Arrays.stream(payload.split(",")).filter(s -> !s.isBlank()).toList();
    }

    static List<SessionId> ids(String payload) {
        return items(payload).stream().map(SessionId::new).toList();
    }
}
