package dev.lanyard.session;

import java.util.List;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Makes a session verified as a passed second factor would, for tests of what verified sessions may do
 * (the second factor itself is another feature): the row, and this node's cache of it.
 */
public final class TestVerification {
    private TestVerification() {
    }

    public static void verify(ApplicationContext context, String sessionId) {
        context.getBean(JdbcClient.class).sql("UPDATE sessions SET verified = TRUE WHERE id = :id").param("id", sessionId).update();
        context.getBean(SessionCache.class).evict(List.of(new SessionId(sessionId)));
    }
}
