package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.api.io.TempDir;

/**
 * A copy of the dataset on a read-only file system (a read-only bind mount, as a lab keeps an archived copy on a
 * read-only share; root writes past permission bits, so the mount is the real case): --verify checks it fully and
 * prints its report, writing nothing there (no lock, no log, no folder, no verify_report.json); --repair and a run
 * are refused in one line. Needs mount (root, as CI has); skipped otherwise.
 */
class ReadOnlyCopyTest extends LoopbackServerTest {

    /** A dataset of two videos a run finished, made once for the class and copied for each test. */
    @TempDir
    static Path shared;
    private static List<String> finishedArgs;

    private final List<Path> mounted = new ArrayList<>();

    @AfterEach
    void unmount() throws Exception {
        for (Path m : mounted) {
            DiskTest.sh("umount", "-l", m.toString());
        }
        mounted.clear();
    }

    /** With --checksums too: a file SHA256SUMS does not list (a copy made by an older version) is said, not added. */
    @Test
    void aReadOnlyCopyVerifiesCleanAndNothingOnItChanges(@TempDir Path tmp) throws Throwable {
        Mounted ro = readOnlyCopy(tmp, copy -> {
            Path sums = copy.resolve("SHA256SUMS");
            Files.write(sums, Files.readAllLines(sums).stream().filter(l -> !l.endsWith("audio/rocopy0.wav")).toList());
        });

        Fixture.Outcome report = Fixture.run(args(ro.dir(), "--verify", "--checksums"));

        String out = report.stdout() + report.stderr();
        assertEquals(0, report.exit(), out);
        assertTrue(report.stdout().contains("Verified " + ro.dir() + ": 2 of 2 annotated videos complete."), out);
        assertTrue(report.stdout().contains("Checksums: 4 files hashed again against SHA256SUMS: 0 changed, 0 missing, "
                + "1 not listed before (not added: the data directory is read-only)."), out);
        assertTrue(report.stdout().contains("Report not written: " + ro.dir() + " is on a read-only file system"), out);
        assertFalse(out.contains("Report written to") || out.contains("cannot write"), out);
        ro.assertUnchanged();
    }

    @Test
    void aDamagedVideoOnAReadOnlyCopyIsReported(@TempDir Path tmp) throws Throwable {
        Mounted ro = readOnlyCopy(tmp, ReadOnlyCopyTest::damageVideo);

        Fixture.Outcome report = Fixture.run(args(ro.dir(), "--verify"));

        String out = report.stdout() + report.stderr();
        assertEquals(1, report.exit(), out);
        assertTrue(report.stdout().contains("1 of 2 annotated videos complete")
                && report.stdout().contains("invalid videos (1):\n    rocopy1 (not a readable media file)"), out);
        assertTrue(report.stdout().contains("Report not written: " + ro.dir() + " is on a read-only file system"), out);
        ro.assertUnchanged();
    }

    /**
     * A read-only copy without its annotation files (metadata/avqa-*.json): --verify says so plainly and what to do (it
     * said "cannot read … (No such file or directory)", and to fix the source and run with --refresh-metadata, which
     * is refused there). With the list of their ids a run left (metadata/video_ids.json) the videos are checked against
     * it, without the coverage report; without that either, there is nothing to check against: refused, exit 2.
     */
    @Test
    void aReadOnlyCopyWithoutItsAnnotationFilesSaysSoAndWhatToDo(@TempDir Path tmp) throws Throwable {
        for (boolean idList : List.of(true, false)) {
            Path t = Files.createDirectories(tmp.resolve("ids-" + idList));
            Mounted ro = readOnlyCopy(t, copy -> {
                Files.delete(copy.resolve("metadata/avqa-test.json"));
                if (!idList) {
                    Files.delete(copy.resolve("metadata/video_ids.json"));
                }
            });
            // its own JVM: what the console says, log lines too (a read-only copy has no log file)
            Path out = t.resolve("console.txt");
            Process p = Fixture.startJvm(args(ro.dir(), "--verify"), java.util.Map.of(), out);
            assertTrue(p.waitFor(180, java.util.concurrent.TimeUnit.SECONDS), "--verify ends");
            String said = Files.readString(out);

            String missing = ro.dir().resolve("metadata") + " has no annotation file avqa-test.json to check the videos "
                    + "against: run --verify where the annotation files are, or copy it into " + ro.dir().resolve("metadata")
                    + " (this copy is read-only: nothing is fetched into it)";
            for (String misleading : List.of("once the source is fixed", "--refresh-metadata", "No such file", "cannot read")) {
                assertFalse(said.contains(misleading), idList + ": " + said);
            }
            if (idList) {
                assertEquals(0, p.exitValue(), said);
                assertTrue(said.contains("WARN  No coverage report: " + missing + "\n"), said);
                assertTrue(said.contains("Verified " + ro.dir() + ": 2 of 2 annotated videos complete."), said);
            } else {
                assertEquals(2, p.exitValue(), said);
                assertEquals("avqa-downloader: " + missing, said.strip(), "one line, before any file is checked");
            }
            ro.assertUnchanged();
        }
    }

    @Test
    void repairAndARunAreRefusedInOneLine(@TempDir Path tmp) throws Throwable {
        Mounted ro = readOnlyCopy(tmp, ReadOnlyCopyTest::damageVideo);

        Fixture.Outcome repair = Fixture.run(args(ro.dir(), "--verify", "--repair"));

        assertEquals(2, repair.exit(), repair.stdout() + repair.stderr());
        assertEquals("avqa-downloader: --repair cannot move files aside in " + ro.dir() + ": its file system is read-only; "
                + "--verify alone checks it and writes nothing there", repair.stderr().strip());
        assertEquals("", repair.stdout(), "refused before anything");

        Fixture.Outcome run = Fixture.run(args(ro.dir()));

        assertEquals(2, run.exit(), run.stdout() + run.stderr());
        assertEquals(1, run.stderr().strip().lines().count(), run.stderr());
        assertTrue(run.stderr().contains("cannot write to " + ro.dir() + ": its file system is read-only"), run.stderr());
        ro.assertUnchanged();
    }

    /**
     * A read-only bind mount is told as such before anything is tried (Java's FileStore misses it); a share exported
     * read-only but mounted read-write says so only when written to: the lock's EROFS tells it too.
     */
    @Test
    void theLockOnAReadOnlyFileSystemSaysItIsReadOnly(@TempDir Path tmp) throws Throwable {
        Path ro = readOnlyCopy(tmp, copy -> { }).dir();
        assertTrue(ReadOnlyDataDir.is(ro), "a read-only bind mount is told by its mount, before any write");

        assertThrows(ReadOnlyDataDir.Found.class, () -> DataDirLock.acquire(ro));
    }

    /**
     * A writable data directory whose videos/ is a read-only mount of its own (the videos bound in from a read-only
     * share): --verify checks it as a read-only copy, writing nothing (in its writable folders neither) and saying
     * where it is read-only; --repair and a run are refused in one line naming videos/. (Before, --verify was refused
     * too, "permission denied".)
     */
    @Test
    void aDataDirectoryWithAReadOnlyVideosFolderIsCheckedAsAReadOnlyCopy(@TempDir Path tmp) throws Throwable {
        Path copy = copy(tmp);
        Path videos = bindReadOnly(copy.resolve("videos"), copy.resolve("videos"));
        List<String> before = listing(copy);

        Fixture.Outcome report = Fixture.run(args(copy, "--verify"));

        String out = report.stdout() + report.stderr();
        assertEquals(0, report.exit(), out);
        assertTrue(report.stdout().contains("Verified " + copy + ": 2 of 2 annotated videos complete."), out);
        assertTrue(report.stdout().contains("Report not written: " + videos + " is on a read-only file system"), out);
        assertEquals(before, listing(copy), "nothing written, in the writable folders neither");

        Fixture.Outcome repair = Fixture.run(args(copy, "--verify", "--repair"));
        assertEquals(2, repair.exit(), repair.stdout() + repair.stderr());
        assertTrue(repair.stderr().strip().startsWith("avqa-downloader: --repair cannot move files aside in " + videos
                + ": its file system is read-only"), repair.stderr());
        Fixture.Outcome run = Fixture.run(args(copy));
        assertEquals(2, run.exit(), run.stdout() + run.stderr());
        assertEquals(1, run.stderr().strip().lines().count(), run.stderr());
        assertTrue(run.stderr().contains("cannot write to " + videos + ": its file system is read-only"), run.stderr());
        assertEquals(before, listing(copy));
    }

    /**
     * --doctor, asked whether a run can go, says FAIL for a read-only copy (a run there is refused) and for a data
     * directory still to be made on one, naming where; it said "Ready" before.
     */
    @Test
    void theDoctorSaysARunCannotWriteToAReadOnlyCopy(@TempDir Path tmp) throws Throwable {
        Mounted ro = readOnlyCopy(tmp, copy -> { });

        for (Path dir : List.of(ro.dir(), ro.dir().resolve("new"))) {
            Fixture.Outcome doctor = Fixture.run(args(dir, "--doctor"));

            String out = doctor.stdout() + doctor.stderr();
            assertEquals(1, doctor.exit(), out);
            assertTrue(out.lines().anyMatch(l -> l.startsWith("FAIL  disk") && l.contains(ro.dir() + " is on a read-only "
                    + "file system, and a run writes its files there")), out);
        }
        ro.assertUnchanged();
    }

    /**
     * A writable folder where a read-only mount once was, hidden since by a writable one mounted on a folder above it
     * (a share mounted over the place): a run there is not refused, and --verify writes its report.
     */
    @Test
    void aWritableFolderOverAHiddenReadOnlyMountIsNotTakenForReadOnly(@TempDir Path tmp) throws Throwable {
        Path old = copy(tmp);
        Path share = Files.createDirectories(tmp.resolve("share"));
        assertTrue(DiskTest.sh("cp", "-a", old.toString(), share.resolve("data").toString()));
        Path mnt = tmp.resolve("mnt");
        Path below = Files.createDirectories(mnt.resolve("data"));
        boolean bound = DiskTest.sh("mount", "--bind", old.toString(), below.toString());
        if (bound) {
            mounted.add(below);
        }
        bound = bound && DiskTest.sh("mount", "-o", "remount,bind,ro", below.toString());
        boolean over = bound && DiskTest.sh("mount", "--bind", share.toString(), mnt.toString());
        if (over) {
            // the top one first: unmounting it shows the one below again
            mounted.add(0, mnt);
        } else {
            System.err.println("SKIPPED: ReadOnlyCopyTest needs to bind-mount a folder read-only (root, as CI has)");
        }
        assumeTrue(over, "cannot bind-mount a folder read-only here (needs root)");
        Path dir = mnt.resolve("data");
        assertTrue(Files.isWritable(dir) && Files.exists(dir.resolve("videos/rocopy0.mp4")));
        assertFalse(ReadOnlyDataDir.is(dir), "the mount that holds it is the writable one above");

        Fixture.Outcome report = Fixture.run(args(dir, "--verify"));

        assertEquals(0, report.exit(), report.stdout() + report.stderr());
        assertTrue(report.stdout().contains("Report written to " + dir.resolve("verify_report.json")), report.stdout());
        Fixture.Outcome run = Fixture.run(args(dir));
        assertEquals(0, run.exit(), run.stdout() + run.stderr());
    }

    /** The mount that holds a path, from mountinfo: the deepest mount point above it, the last mounted there. */
    @Test
    void mountinfoTellsTheMountOfAPath(@TempDir Path tmp) throws Exception {
        Path info = tmp.resolve("mountinfo");
        Files.writeString(info, String.join("\n",
                "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
                "40 22 254:0 /srv/lab /mnt/lab\\040copy ro,relatime shared:2 - ext4 /dev/vda rw",
                "41 22 0:50 / /mnt/scratch rw,relatime - tmpfs tmpfs ro,size=100k",
                "42 22 254:0 /srv/x /mnt/over ro - ext4 /dev/vda rw",
                "43 42 254:0 /srv/y /mnt/over rw - ext4 /dev/vda rw", ""));

        assertEquals(true, ReadOnlyDataDir.mountedReadOnly(Path.of("/mnt/lab copy/data"), info));
        assertEquals(false, ReadOnlyDataDir.mountedReadOnly(Path.of("/mnt/lab/data"), info));
        assertEquals(true, ReadOnlyDataDir.mountedReadOnly(Path.of("/mnt/scratch"), info), "its file system read-only");
        assertEquals(false, ReadOnlyDataDir.mountedReadOnly(Path.of("/mnt/over/data"), info), "the last mounted there");
        Files.writeString(info, String.join("\n",
                "22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw",
                "50 22 254:0 /srv/old /mnt/share/lab ro - ext4 /dev/vda rw",
                "51 22 0:60 / /mnt/share rw - nfs4 server:/share rw",
                "52 22 254:0 /srv/u /mnt/home/u rw - ext4 /dev/vda rw",
                "53 22 0:61 / /mnt/home ro - nfs4 server:/home rw", ""));
        assertEquals(false, ReadOnlyDataDir.mountedReadOnly(Path.of("/mnt/share/lab/data"), info),
                "a mount on a folder above hides the one mounted deeper before it");
        assertEquals(true, ReadOnlyDataDir.mountedReadOnly(Path.of("/mnt/home/u/data"), info), "so it does the other way");
        assertEquals(null, ReadOnlyDataDir.mountedReadOnly(Path.of("/x"), tmp.resolve("none")));
    }

    /** A copy of the finished dataset bind-mounted read-only at {@code dir}, and what was on it then. */
    private record Mounted(Path copy, Path dir, List<String> before) {
        void assertUnchanged() throws IOException {
            assertEquals(before, listing(copy), "nothing on the read-only copy changed");
        }
    }

    /** A copy of the finished dataset, {@code edit}ed, then bind-mounted read-only. */
    private Mounted readOnlyCopy(Path tmp, ThrowingConsumer<Path> edit) throws Throwable {
        Path copy = copy(tmp);
        edit.accept(copy);
        Path ro = readOnly(copy, tmp);
        return new Mounted(copy, ro, listing(copy));
    }

    private static void damageVideo(Path copy) throws IOException {
        Files.write(copy.resolve("videos/rocopy1.mp4"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    }

    /** A copy (times kept) of the finished dataset. */
    private Path copy(Path tmp) throws Exception {
        synchronized (ReadOnlyCopyTest.class) {
            if (finishedArgs == null) {
                List<String> ids = serveClips("rocopy", 2);
                Fixture.annotations(shared.resolve("meta"), "test", ids);
                List<String> args = Fixture.localArgs(shared.resolve("data"), shared.resolve("meta"),
                        server.mediaFileTemplate());
                Fixture.Outcome run = Fixture.run(args);
                assertEquals(0, run.exit(), run.stdout() + run.stderr());
                finishedArgs = args;
            }
        }
        Path copy = tmp.resolve("copy");
        assertTrue(DiskTest.sh("cp", "-a", shared.resolve("data").toString(), copy.toString()));
        return copy;
    }

    /** {@code dir} bind-mounted read-only at {@code tmp/ro}; the test is skipped, saying why, when mount is not permitted. */
    private Path readOnly(Path dir, Path tmp) throws Exception {
        return bindReadOnly(dir, Files.createDirectories(tmp.resolve("ro")));
    }

    /** {@code dir} bind-mounted read-only at {@code ro} (skipped, saying why, when mount is not permitted). */
    private Path bindReadOnly(Path dir, Path ro) throws Exception {
        boolean bound = DiskTest.sh("mount", "--bind", dir.toString(), ro.toString());
        if (bound) {
            mounted.add(ro);
        }
        boolean readOnly = bound && DiskTest.sh("mount", "-o", "remount,bind,ro", ro.toString());
        if (!readOnly) {
            System.err.println("SKIPPED: ReadOnlyCopyTest needs to bind-mount a folder read-only (root, as CI has)");
        }
        assumeTrue(readOnly, "cannot bind-mount a folder read-only here (needs root)");
        return ro;
    }

    /** The finished dataset's options, with the data directory {@code dataDir} and {@code more}. */
    private static List<String> args(Path dataDir, String... more) {
        List<String> args = new ArrayList<>(finishedArgs);
        args.set(args.indexOf("--data-dir") + 1, dataDir.toString());
        args.addAll(List.of(more));
        return args;
    }

    /** Every path under {@code dir}, with its size and modification time. */
    static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            List<String> out = new ArrayList<>();
            for (Path p : all.sorted().toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                out.add(dir.relativize(p) + " " + (a.isDirectory() ? "dir" : a.size()) + " " + a.lastModifiedTime());
            }
            return out;
        }
    }
}
