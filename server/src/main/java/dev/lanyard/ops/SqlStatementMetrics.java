package dev.lanyard.ops;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import javax.sql.DataSource;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;
import org.springframework.util.ClassUtils;

/**
 * Counts the SQL statements the application executes, as {@code lanyard.sql.statements{kind=read|write}}
 * ({@code lanyard_sql_statements_total} in Prometheus), so a benchmark or an operator can see how many
 * statements a request costs. A statement is a read when its SQL starts with {@code SELECT} or
 * {@code WITH}, and a write otherwise; each entry of a batch counts as one statement.
 *
 * <p>Every {@link DataSource} bean is wrapped in a JDK proxy that implements the same interfaces and
 * delegates everything, {@code unwrap}, {@code isWrapperFor} and {@code close} included. Only
 * connections and statements are proxied, never result sets, and the kind is decided once, when a
 * statement is prepared. Nothing here is a dependency of another module, nor depends on one.
 */
@Component
public final class SqlStatementMetrics implements BeanPostProcessor, MeterBinder {
    private static final String METER = "lanyard.sql.statements";

    private final LongAdder reads = new LongAdder();
    private final LongAdder writes = new LongAdder();
    /** The same counts for each thread: reads, writes. */
    private final ThreadLocal<long[]> onThread = ThreadLocal.withInitial(() -> new long[2]);

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DataSource dataSource && !counted(dataSource)) return counting(dataSource);
        return bean;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        FunctionCounter.builder(METER, reads, LongAdder::sum).tag("kind", "read")
                .description("SQL statements executed that read (SELECT, WITH)").register(registry);
        FunctionCounter.builder(METER, writes, LongAdder::sum).tag("kind", "write")
                .description("SQL statements executed that write or do anything but read").register(registry);
    }

    /** Statements counted as reads so far. */
    public long reads() {
        return reads.sum();
    }

    /** Statements counted as writes so far. */
    public long writes() {
        return writes.sum();
    }

    /**
     * Statements counted as reads on the calling thread so far: what one call costs, without the
     * work other threads (outbox drains, the activity flush) do meanwhile.
     */
    public long readsOnThisThread() {
        return onThread.get()[0];
    }

    /** As {@link #readsOnThisThread()}, for writes. */
    public long writesOnThisThread() {
        return onThread.get()[1];
    }

    /** Whether the SQL only reads: its first keyword, past comments and parentheses, is SELECT or WITH. */
    static boolean isRead(String sql) {
        if (sql == null) return false;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else {
                break;
            }
        }
        return keywordAt(sql, i, "SELECT") || keywordAt(sql, i, "WITH");
    }

    private static boolean keywordAt(String sql, int at, String keyword) {
        int end = at + keyword.length();
        return sql.regionMatches(true, at, keyword, 0, keyword.length())
                && (end == sql.length() || !Character.isLetterOrDigit(sql.charAt(end)) && sql.charAt(end) != '_');
    }

    private void count(boolean read, long statements) {
        if (statements <= 0) return;
        (read ? reads : writes).add(statements);
        onThread.get()[read ? 0 : 1] += statements;
    }

    private boolean counted(DataSource dataSource) {
        return Proxy.isProxyClass(dataSource.getClass())
                && Proxy.getInvocationHandler(dataSource) instanceof WrappedPool handler && handler.owner() == this;
    }

    private DataSource counting(DataSource target) {
        return wrapped(target, this, "Counting", connection -> new CountingConnection(this, connection));
    }

    /**
     * {@code pool} as a proxy with every interface of it (Closeable, its MXBean...), so nothing that looks for one
     * misses it, that delegates everything and lends its connections through {@code connections}' handler.
     */
    static DataSource wrapped(DataSource pool, Object owner, String name, Function<Connection, InvocationHandler> connections) {
        Class<?>[] interfaces = ClassUtils.getAllInterfacesForClass(pool.getClass(), pool.getClass().getClassLoader());
        return (DataSource) Proxy.newProxyInstance(pool.getClass().getClassLoader(), interfaces,
                new WrappedPool(owner, pool, name, connections));
    }

    /** {@code method} on {@code target}, throwing what it throws. */
    static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Identity, not the target's equality: a pool and a proxy of it are different objects. */
    static Object identity(Object proxy, Method method, Object[] args) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> null;
        };
    }

    private record WrappedPool(Object owner, DataSource target, String name, Function<Connection, InvocationHandler> connections)
            implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object same = identity(proxy, method, args);
            if (same != null) return same;
            if (method.getName().equals("toString")) return name + "(" + target + ")";
            Object result = SqlStatementMetrics.invoke(target, method, args);
            if (result instanceof Connection connection && method.getName().equals("getConnection")) {
                return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{Connection.class},
                        connections.apply(connection));
            }
            return result;
        }
    }

    private record CountingConnection(SqlStatementMetrics owner, Connection target) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object same = identity(proxy, method, args);
            if (same != null) return same;
            String name = method.getName();
            Object result = SqlStatementMetrics.invoke(target, method, args);
            Class<?> type = switch (name) {
                case "createStatement" -> Statement.class;
                case "prepareStatement" -> PreparedStatement.class;
                case "prepareCall" -> CallableStatement.class;
                default -> null;
            };
            if (type == null || result == null) return result;
            // A prepared statement's SQL is known now; a plain statement's comes with each execute.
            Boolean read = type == Statement.class ? null : isRead((String) args[0]);
            return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[]{type},
                    new CountingStatement(owner, (Statement) result, (Connection) proxy, read));
        }
    }

    private static final class CountingStatement implements InvocationHandler {
        private final SqlStatementMetrics owner;
        private final Statement target;
        private final Connection connection;
        /** Null for a plain statement, whose kind depends on the SQL of each call. */
        private final Boolean read;
        /** Entries added to the batch of a plain statement, by kind; of a prepared one, all of its kind. */
        private long batchReads;
        private long batchWrites;

        CountingStatement(SqlStatementMetrics owner, Statement target, Connection connection, Boolean read) {
            this.owner = owner;
            this.target = target;
            this.connection = connection;
            this.read = read;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            Object same = identity(proxy, method, args);
            if (same != null) return same;
            String name = method.getName();
            switch (name) {
                case "getConnection":
                    return connection;
                case "addBatch":
                    Object added = SqlStatementMetrics.invoke(target, method, args);
                    boolean entryReads = read != null ? read : isRead((String) args[0]);
                    if (entryReads) batchReads++;
                    else batchWrites++;
                    return added;
                case "clearBatch":
                    batchReads = 0;
                    batchWrites = 0;
                    return SqlStatementMetrics.invoke(target, method, args);
                case "executeBatch", "executeLargeBatch":
                    try {
                        return SqlStatementMetrics.invoke(target, method, args);
                    } finally {
                        owner.count(true, batchReads);
                        owner.count(false, batchWrites);
                        batchReads = 0;
                        batchWrites = 0;
                    }
                case "execute", "executeQuery", "executeUpdate", "executeLargeUpdate":
                    boolean reads = args != null && args.length > 0 && args[0] instanceof String sql ? isRead(sql)
                            : read != null && read;
                    owner.count(reads, 1);
                    return SqlStatementMetrics.invoke(target, method, args);
                default:
                    return SqlStatementMetrics.invoke(target, method, args);
            }
        }
    }

    @Override
    public String toString() {
        return "SqlStatementMetrics[reads=" + reads() + ", writes=" + writes() + "]";
    }
}
