package dev.lanyard.session;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import dev.lanyard.account.AccountId;
import dev.lanyard.testsupport.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.ResponseEntity;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * A member holds at most two downloads, being written or sent; the node writes at most six at once. An export is
 * written to a file only its owner may read, gone from its directory once opened, and closed on every path.
 * Sending to real clients, slow ones among them: {@link SlowDownloadsTest}.
 */
class DownloadsTest {
    private static final Path FDS = Path.of("/proc/self/fd");
    private final MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-04T12:00:00Z"));
    @TempDir
    Path directory;

    private Downloads downloads() {
        return new Downloads(clock, directory, Duration.ofMinutes(30), 1 << 20);
    }

    /** The files being sent take at most the node's budget; one larger than it is still sent alone. */
    @Test
    void theFilesBeingSentStayWithinTheNodesBudget() throws Exception {
        Downloads downloads = new Downloads(clock, directory, Duration.ofMinutes(30), 100);
        StreamingResponseBody sixty = out -> out.write(new byte[60]);
        Download first = downloads.limited(new AccountId("acc_ada"), () -> ResponseEntity.ok(sixty));
        assertThatThrownBy(() -> downloads.limited(new AccountId("acc_bob"), () -> ResponseEntity.ok(sixty)))
                .as("120 bytes past a budget of 100").isInstanceOf(SessionProblem.TooManyDownloads.class);
        assertThat(downloads.running(new AccountId("acc_bob"))).as("its slot given back").isZero();
        if (Files.isDirectory(FDS)) assertThat(openFiles()).as("its file closed").hasSize(1);
        Download small = downloads.limited(new AccountId("acc_bob"), () -> ResponseEntity.ok(out -> out.write(new byte[40])));
        small.close();
        first.close();

        Download alone = downloads.limited(new AccountId("acc_cy"), () -> ResponseEntity.ok(out -> out.write(new byte[500])));
        assertThat(downloads.running(new AccountId("acc_cy"))).as("larger than the budget, but nothing else is sent").isEqualTo(1);
        alone.close();
    }

    @Test
    void aMemberHasTwoSlotsAndTheNodeWritesSixAndEachComesBackOnce() {
        Downloads downloads = downloads();
        AccountId ada = new AccountId("acc_ada");
        Downloads.Slot first = downloads.take(ada);
        downloads.take(ada);
        assertThatThrownBy(() -> downloads.take(ada)).isInstanceOf(SessionProblem.TooManyDownloads.class);
        first.release();
        first.release(); // given back once, however often
        Downloads.Slot third = downloads.take(ada);
        assertThatThrownBy(() -> downloads.take(ada)).as("still two, not three").isInstanceOf(SessionProblem.TooManyDownloads.class);
        third.release();

        List<Downloads.Slot> others = new ArrayList<>();
        for (int i = 0; i < Downloads.IN_ALL - 1; i++) others.add(downloads.take(new AccountId("acc_" + i)));
        assertThatThrownBy(() -> downloads.take(new AccountId("acc_bob"))).as("six in all").isInstanceOf(SessionProblem.TooManyDownloads.class);
        others.get(0).release();
        downloads.take(new AccountId("acc_bob"));
    }

    @Test
    void aWrittenExportNoLongerCountsAgainstTheNodeOnlyAgainstItsMember() {
        Downloads downloads = downloads();
        for (int i = 0; i < Downloads.IN_ALL; i++) downloads.take(new AccountId("acc_" + i)).written(0);
        assertThat(downloads.writing()).isZero();

        AccountId ada = new AccountId("acc_ada");
        downloads.take(ada).written(0);
        downloads.take(ada);
        assertThatThrownBy(() -> downloads.take(ada)).as("being sent still counts for its member").isInstanceOf(SessionProblem.TooManyDownloads.class);
        assertThat(downloads.running(ada)).isEqualTo(2);
    }

    @Test
    void theExportIsWrittenBeforeAnyoneReadsItToAFileOnlyItsOwnerMayReadAndNoNameReaches() throws Exception {
        assumeTrue(Files.isDirectory(FDS), "needs /proc/self/fd");
        Downloads downloads = downloads();
        AccountId ada = new AccountId("acc_ada");
        List<Set<PosixFilePermission>> seen = new ArrayList<>();
        StreamingResponseBody body = out -> {
            out.write("seq,at\r\n".getBytes(UTF_8));
            out.flush();
            List<Path> open = openFiles();
            assertThat(open).hasSize(1);
            seen.add(Files.getPosixFilePermissions(open.get(0)));
            try (Stream<Path> listed = Files.list(directory)) {
                assertThat(listed).as("unlinked as it was opened").isEmpty();
            }
        };

        Download download = downloads.limited(ada, () -> ResponseEntity.ok().header("Cache-Control", "no-store").body(body));

        assertThat(seen).containsExactly(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        assertThat(downloads.writing()).isZero();
        assertThat(downloads.running(ada)).isEqualTo(1);
        assertThat(openFiles()).hasSize(1);

        download.close();
        download.close();
        assertThat(openFiles()).as("closed, and so gone").isEmpty();
        assertThat(downloads.running(ada)).isZero();
    }

    @Test
    void anExportThatFailsToBeWrittenLeavesNoFileAndGivesBothSlotsBack() throws Exception {
        assumeTrue(Files.isDirectory(FDS), "needs /proc/self/fd");
        Downloads downloads = downloads();
        AccountId ada = new AccountId("acc_ada");
        StreamingResponseBody fails = out -> {
            out.write(1);
            throw new IOException("the database went away");
        };

        assertThatThrownBy(() -> downloads.limited(ada, () -> ResponseEntity.ok(fails))).isInstanceOf(UncheckedIOException.class);
        assertThatThrownBy(() -> downloads.limited(ada, () -> ResponseEntity.ok(out -> {
            throw new IllegalStateException("a bug");
        }))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> downloads.limited(ada, () -> {
            throw new IllegalStateException("the export could not start");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(openFiles()).isEmpty();
        assertThat(downloads.running(ada)).isZero();
        assertThat(downloads.writing()).isZero();
    }

    /** What a download records runs once its file is whole: never for one that failed; if it fails, the download is dropped. */
    @Test
    void whatADownloadRecordsRunsOnlyOnceItsFileIsWrittenAndItsFailureDropsTheDownload() throws Exception {
        Downloads downloads = downloads();
        AccountId ada = new AccountId("acc_ada");
        java.util.concurrent.atomic.AtomicInteger recorded = new java.util.concurrent.atomic.AtomicInteger();
        StreamingResponseBody fails = out -> {
            out.write(1);
            throw new IOException("the disk is full");
        };

        assertThatThrownBy(() -> downloads.limited(ada, () -> ResponseEntity.ok(fails), recorded::incrementAndGet))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(recorded).hasValue(0);

        downloads.limited(ada, () -> ResponseEntity.ok(out -> out.write(1)), recorded::incrementAndGet);
        assertThat(recorded).hasValue(1);

        Downloads other = downloads();
        assertThatThrownBy(() -> other.limited(ada, () -> ResponseEntity.ok(out -> out.write(1)), () -> {
            throw new IllegalStateException("the audit log could not be written");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(other.running(ada)).isZero();
        assertThat(other.writing()).isZero();
    }

    /** A slot never given back (its response never sent) counts no more after the longest a download may take. */
    @Test
    void aSlotNeverGivenBackCountsNoMoreAfterTheLongestADownloadMayRun() {
        Downloads downloads = downloads();
        AccountId ada = new AccountId("acc_ada");
        downloads.take(ada);
        downloads.take(ada);
        assertThatThrownBy(() -> downloads.take(ada)).isInstanceOf(SessionProblem.TooManyDownloads.class);

        clock.advance(Downloads.LOST_AFTER.plusSeconds(1));

        downloads.take(ada);
    }

    /** This process's open files that were made in {@link #directory}, as links under /proc/self/fd. */
    private List<Path> openFiles() throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> fds = Files.list(FDS)) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith(directory.resolve("lanyard-download-").toString())) found.add(fd);
                } catch (IOException closedMeanwhile) {
                    // The listing's own descriptor, or one closed since.
                }
            }
        }
        return found;
    }
}
