package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A single-process run and cluster nodes never share a data directory; nodes find the dead ones. */
class DataDirLockTest {

    /** What a file outside the data directory holds (a progress file the run reads, if a link leads to it). */
    private static final String PRECIOUS = "{\"completed\": [\"precious\"]}\n";

    @Test
    void aSingleRunAndClusterNodesExcludeEachOther(@TempDir Path data) throws Exception {
        try (DataDirLock single = DataDirLock.acquire(data)) {
            DataDirLock.HeldException e = assertThrows(DataDirLock.HeldException.class,
                    () -> DataDirLock.acquireShared(data, "host-1"));
            assertTrue(e.getMessage().startsWith("a single-process avqa-downloader (pid "), e.getMessage());
        }
        try (DataDirLock node = DataDirLock.acquireShared(data, "host-1")) {
            DataDirLock.HeldException e = assertThrows(DataDirLock.HeldException.class, () -> DataDirLock.acquire(data));
            assertTrue(e.getMessage().startsWith("another avqa-downloader (cluster nodes (--role planner or worker))"),
                    e.getMessage());
        }
    }

    @Test
    void aNodeWhoseLockIsFreeIsDeadAndOneThatHoldsItIsNot(@TempDir Path data) throws Exception {
        Files.createDirectories(data.resolve(".partial/host-2"));
        Files.writeString(data.resolve(".partial/host-2.lock"), "");
        // another live node's work-area lock (one JVM cannot hold the shared .lock twice)
        try (DataDirLock alive = DataDirLock.acquireShared(data, "host-1");
             FileChannel other = FileChannel.open(data.resolve(".partial/host-3.lock"), StandardOpenOption.CREATE,
                     StandardOpenOption.WRITE);
             FileLock held = other.lock()) {
            assertEquals(List.of("host-2"), DataDirLock.deadNodes(data, "host-1"));
            assertTrue(Files.notExists(data.resolve(".partial/host-2.lock")), "the dead node's lock file is gone");
            assertTrue(Files.exists(data.resolve(".partial/host-3.lock")), "a live node's lock file stays");
        }
    }
    /**
     * The data directory's own files as symbolic links to files outside it: the run refuses at start, in one line
     * naming the link, before it writes anything (the files pointed to stay as they were); a .lock that is a
     * folder is named as such. The work area (.partial, emptied at every start) and rejected/ as links to a folder
     * elsewhere are refused too: a folder there named as a video was taken and removed as its work folder.
     */
    @Test
    void aSymbolicLinkAmongTheDataDirectorysOwnFilesIsRefusedBeforeAnythingIsWritten(@TempDir Path tmp) throws Exception {
        for (String name : List.of(".lock", "SHA256SUMS", "avqa_download.log", ".download_progress.journal",
                "metadata/provenance.jsonl", "runs", ".partial", "rejected")) {
            Path data = tmp.resolve("data-" + name.replace('/', '-'));
            Path victim = tmp.resolve("victim-" + name.replace('/', '-'));
            Files.writeString(victim, "precious\n");
            Files.createDirectories(data.resolve(name).getParent());
            Files.createSymbolicLink(data.resolve(name), List.of("runs", ".partial", "rejected").contains(name) ? tmp : victim);
            List<String> before;
            try (var files = Files.walk(data)) {
                before = files.map(Path::toString).sorted().toList();
            }

            Fixture.Outcome run = Fixture.run(Fixture.localArgs(data, tmp.resolve("meta"), "http://127.0.0.1:9/{id}.mp4"));

            assertEquals(2, run.exit(), name + ": " + run.stderr());
            assertEquals("avqa-downloader: " + data.resolve(name) + " is a symbolic link: avqa-downloader never writes "
                    + "through a link in its data directory; remove it (or put the file it points to there instead) and "
                    + "run again", run.stderr().strip(), name);
            assertEquals("precious\n", Files.readString(victim), name);
            try (var files = Files.walk(data)) {
                assertEquals(before, files.map(Path::toString).sorted().toList(), name + ": nothing written");
            }
        }
    }

    /**
     * A folder where one of the data directory's own files should be (made by hand, or by a copy gone wrong): a run and
     * --verify refuse it at start, in one line naming it and what it keeps, exit 2, and leave it as it is. A folder
     * SHA256SUMS was met by --verify --checksums as "this was not expected", and a run went on without its checksums; a
     * folder download_progress.json or log was "this was not expected".
     */
    @Test
    void aFolderInThePlaceOfOneOfTheDataDirectorysOwnFilesIsRefused(@TempDir Path tmp) throws Exception {
        Fixture.annotations(tmp.resolve("meta"), "test", List.of("00000001"));
        Map<String, String> keeps = Map.of(".lock", "the lock that keeps two runs apart", "SHA256SUMS",
                "the checksums of the files it made", "download_progress.json", "the record of complete videos",
                "avqa_download.log", "its log", "metadata/outputs.json", "what the audio and frames were made with",
                "metadata/provenance.jsonl", "where each file came from");
        for (Map.Entry<String, String> e : keeps.entrySet()) {
            Path data = tmp.resolve("data-" + e.getKey().replace('/', '-'));
            Files.createDirectories(data.resolve(e.getKey()).resolve("inside"));
            List<String> args = Fixture.localArgs(data, tmp.resolve("meta"), "http://127.0.0.1:9/{id}.mp4");
            List<String> verify = new java.util.ArrayList<>(args);
            verify.addAll(List.of("--verify", "--checksums"));
            for (List<String> command : List.of(args, verify)) {
                Fixture.Outcome run = Fixture.run(command);
                assertEquals(2, run.exit(), e.getKey() + ": " + run.stderr());
                assertEquals("avqa-downloader: " + data.resolve(e.getKey()) + " is a folder, where avqa-downloader keeps "
                        + e.getValue() + ": move it out of the data directory and run again", run.stderr().strip());
                assertTrue(Files.isDirectory(data.resolve(e.getKey()).resolve("inside")), "left as it is");
            }
        }
    }

    /** A file where the data directory, or one of its folders, should be: said to be a file, not a folder. */
    @Test
    void aFileWhereAFolderShouldBeIsSaidToBeOne(@TempDir Path tmp) throws Exception {
        Fixture.annotations(tmp.resolve("meta"), "test", List.of("00000001"));
        Path file = Files.writeString(tmp.resolve("afile"), "not a folder\n");
        Fixture.Outcome run = Fixture.run(Fixture.localArgs(file, tmp.resolve("meta"), "http://127.0.0.1:9/{id}.mp4"));
        assertEquals(2, run.exit(), run.stderr());
        assertEquals("avqa-downloader: cannot write to " + file + ": " + file + " is a file, not a folder (move it away, "
                + "or choose another --data-dir)", run.stderr().strip());

        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        Files.writeString(data.resolve("audio"), "not a folder\n");
        run = Fixture.run(Fixture.localArgs(data, tmp.resolve("meta"), "http://127.0.0.1:9/{id}.mp4"));
        assertEquals(2, run.exit(), run.stderr());
        assertTrue(run.stderr().contains("cannot create " + data.resolve("audio") + ": " + data.resolve("audio")
                + " is a file, not a folder (move it away, or choose another --data-dir)"), run.stderr());
        assertEquals("not a folder\n", Files.readString(data.resolve("audio")));

        // rejected/, made when a damaged file is first set aside: a file of that name failed each such video, and the
        // failure's record with it, in Camel's words, and the run said "none failed" (an adversarial probe)
        Path rejecting = tmp.resolve("data-rejected");
        Files.createDirectories(rejecting);
        Files.writeString(rejecting.resolve("rejected"), "not a folder\n");
        run = Fixture.run(Fixture.localArgs(rejecting, tmp.resolve("meta"), "http://127.0.0.1:9/{id}.mp4"));
        assertEquals(2, run.exit(), run.stderr());
        assertEquals("avqa-downloader: " + rejecting.resolve("rejected") + " is a file, not a folder: a run sets aside "
                + "there what it finds damaged; move that file away and run again", run.stderr().strip());
    }
    /**
     * A data directory behind a symbolic link works; files written through a temporary file renamed over them
     * (download_progress.json, failed_downloads.json) replace a link in their place, never write through it, nor
     * through a link left under the temporary name.
     */
    @Test
    void filesWrittenThroughARenameReplaceALinkInTheirPlace(@TempDir Path tmp) throws Exception {
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", List.of("linked0"));
        Files.createDirectories(tmp.resolve("elsewhere"));
        Path data = Files.createSymbolicLink(tmp.resolve("data"), tmp.resolve("elsewhere"));
        List<String> names = List.of("download_progress.json", "failed_downloads.json", ".download_progress.json.tmp",
                ".failed_downloads.json.tmp");
        for (String name : names) {
            Files.writeString(tmp.resolve("victim" + name), PRECIOUS);
            Files.createSymbolicLink(data.resolve(name), tmp.resolve("victim" + name));
        }

        Fixture.Outcome run = Fixture.run(Fixture.localArgs(data, meta, "http://127.0.0.1:9/{id}.mp4"));

        assertTrue(run.exit() != 2, run.stderr());
        for (String name : names) {
            assertEquals(PRECIOUS, Files.readString(tmp.resolve("victim" + name)), name);
        }
        assertTrue(Files.isRegularFile(data.resolve("failed_downloads.json"), java.nio.file.LinkOption.NOFOLLOW_LINKS),
                run.stderr());
    }
}
