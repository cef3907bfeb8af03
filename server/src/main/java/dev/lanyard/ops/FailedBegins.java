package dev.lanyard.ops;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * A pooled connection whose transaction could not begin is not lent again: the pool closes it when it comes back.
 *
 * <p>On SQLite a transaction begins with {@code BEGIN IMMEDIATE} ({@code transaction_mode=IMMEDIATE}), which fails
 * when another process holds the write lock for longer than {@code busy_timeout}. The driver marks the connection as
 * in a transaction before it runs {@code BEGIN}, and keeps the mark when {@code BEGIN} fails. Back in the pool, such a
 * connection poisoned every transaction that borrowed it: Spring saw auto-commit off and began none, each statement
 * committed on its own, and the commit failed (a 500 for every write, for good, each write kept all the same). The
 * failed transaction itself is answered 503 as a database outage; the next one gets a connection that works.
 *
 * <p>Only {@code setAutoCommit(false)} is watched: Spring's reset after a transaction ({@code setAutoCommit(true)})
 * puts the driver's mark right whatever happened in between. Applies to PostgreSQL too, where a connection that
 * cannot begin is broken anyway.
 */
@Component
final class FailedBegins implements BeanPostProcessor, Ordered {

    /** Before {@link SqlStatementMetrics} wraps the pool, so that the connections seen here are the pool's own. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        return bean instanceof HikariDataSource pool ? evicting(pool) : bean;
    }

    /** {@code pool}, whose connections are evicted when their {@code setAutoCommit(false)} fails. */
    static DataSource evicting(HikariDataSource pool) {
        return SqlStatementMetrics.wrapped(pool, FailedBegins.class, "EvictingFailedBegins", connection -> new Lent(pool, connection));
    }

    private record Lent(HikariDataSource pool, Connection target) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object same = SqlStatementMetrics.identity(proxy, method, args);
            if (same != null) return same;
            try {
                return SqlStatementMetrics.invoke(target, method, args);
            } catch (SQLException e) {
                if (method.getName().equals("setAutoCommit") && !(Boolean) args[0]) pool.evictConnection(target);
                throw e;
            }
        }
    }
}
