package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import avqa.downloader.settings.SettingsTable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive kinds met in the wild, made with the real tools and imported with the real bsdtar: RAR v5,
 * 7z, a zip and a 7z split into byte-parts; and a RAR import that streams (a data directory too small to
 * hold the archive unpacked still imports what the plan needs).
 */
class ArchiveFormatsTest extends LoopbackServerTest {

    static final List<String> IDS = List.of("00000001", "00000002", "vv00000003");

    /** Builds the archive of the three test videos (in a folder, as the authors' archives are); returns the path to import. */
    static Path archive(Path tmp, String kind) throws Exception {
        Map<String, Path> entries = new LinkedHashMap<>();
        for (String id : IDS) {
            entries.put(id + ".mp4", clip);
        }
        Path src = ArchiveMaker.folder(tmp, "MUSIC-AVQA-videos-Real", entries);
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        switch (kind) {
            case "rar5" -> {
                ArchiveMaker.rar(src, out.resolve("videos.rar"));
                return out.resolve("videos.rar");
            }
            case "7z" -> {
                ArchiveMaker.sevenZip(src, out.resolve("videos.7z"));
                return out.resolve("videos.7z");
            }
            case "zip-parts" -> {
                ArchiveMaker.zip(src, out.resolve("videos.zip"));
                List<Path> parts = ArchiveMaker.split(out.resolve("videos.zip"), 200_000);
                assertTrue(parts.size() >= 3, "split into parts: " + parts);
                return parts.get(0);
            }
            case "zip-letters" -> {
                // split's default names: videos.zip.aa, .ab, …
                ArchiveMaker.zip(src, out.resolve("videos.zip"));
                List<Path> parts = ArchiveMaker.splitLettered(out.resolve("videos.zip"), 200_000);
                assertTrue(parts.size() >= 3 && parts.get(0).toString().endsWith("videos.zip.aa"), "split into parts: " + parts);
                return parts.get(0);
            }
            case "rar5-volumes" -> {
                // volumes smaller than a video: each video spans two or more of them
                ArchiveMaker.need("rar");
                ArchiveMaker.run(src, "rar", "a", "-ma5", "-m0", "-r", "-idq", "-v100k", out.resolve("videos.rar").toString(), ".");
                List<Path> volumes;
                try (var s = Files.list(out)) {
                    volumes = s.sorted().toList();
                }
                assertTrue(volumes.size() >= 3 && volumes.get(0).toString().endsWith("videos.part01.rar")
                        || volumes.get(0).toString().endsWith("videos.part1.rar"), "rar's volumes: " + volumes);
                return volumes.get(0);
            }
            case "7z-parts" -> {
                ArchiveMaker.sevenZip(src, out.resolve("videos.7z"), "-v200k", "-mx0");
                List<Path> parts;
                try (var s = Files.list(out)) {
                    parts = s.sorted().toList();
                }
                assertTrue(parts.size() >= 3 && parts.get(0).toString().endsWith(".7z.001"), "7-Zip's own parts: " + parts);
                return parts.get(0);
            }
            case "zip-windows" -> {
                // folders separated by \ (MUSIC-AVQA-videos-Real\00000001.mp4) in a zip whose entries say they
                // were made on Unix (as Python's zipfile writes them there), which no reader turns into /
                Path zip = out.resolve("videos.zip");
                try (var z = new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(zip.toFile())) {
                    for (String id : IDS) {
                        String name = "MUSIC-AVQA-videos-Real\\" + id + ".mp4";
                        // named once it says Unix: an entry made on FAT has its \\ turned into / as it is named
                        z.putArchiveEntry(new org.apache.commons.compress.archivers.zip.ZipArchiveEntry("entry") {
                            {
                                setUnixMode(0100644);
                                setName(name);
                            }
                        });
                        Files.copy(clip, z);
                        z.closeArchiveEntry();
                    }
                }
                return zip;
            }
            default -> throw new IllegalArgumentException(kind);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rar5", "rar5-volumes", "7z", "zip-parts", "zip-letters", "7z-parts", "zip-windows"})
    void eachKindImportsEveryVideoWithoutARequest(String kind, @TempDir Path tmp) throws Exception {
        ArchiveMaker.need("bsdtar");
        Path first = archive(tmp, kind);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", IDS);
        try (ConnectionSentinel network = new ConnectionSentinel()) {
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            args.addAll(List.of("--import-archive", first.toString(), "--proxy", network.proxyUrl()));

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertEquals(0, network.connections(), "nothing was requested from the network");
        }
        for (String id : IDS) {
            assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, kind + ": " + id);
            assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 2.5, kind + ": " + id + ".wav");
        }
        String provenance = Files.readString(data.resolve("metadata/provenance.jsonl"));
        assertTrue(provenance.contains("\"group\":\"archive " + first.getFileName() + "\""), provenance);
        assertTrue(provenance.contains("MUSIC-AVQA-videos-Real" + (kind.equals("zip-windows") ? "\\\\" : "/") + "00000001.mp4"),
                "the entry is named: " + provenance);
        assertTrue(Fixture.lastSummary(data).contains("3 imported from archives"), Fixture.lastSummary(data));
        assertEquals(List.of(), openFilesUnder(first.getParent()), kind + ": the archive is let go when its import ends");
    }

    /**
     * The parts split names with letters by default ({@code split -b 50M videos.zip videos.zip.}) are byte-parts as
     * {@code .00}, {@code .01}, … are: read in order from {@code .aa} (or {@code .aaa}, and on past {@code .yz} as
     * split widens them), a later one never the first, one missing between them named; after an archive's name only.
     */
    @Test
    void splitsLetteredPartsAreBytePartsAfterAnArchivesNameOnly(@TempDir Path tmp) throws Exception {
        for (String name : List.of("x.zip.aa", "x.zip.ab", "x.zip.ac", "x.zip.ae", "y.tar.gz.aaa", "y.tar.gz.aab",
                "clip.aa", "clip.ab")) {
            // not an archive's first bytes: as a later part, alone
            Files.write(tmp.resolve(name), new byte[] {1});
        }
        Path first = tmp.resolve("x.zip.aa");
        Path later = tmp.resolve("x.zip.ab");
        assertEquals(List.of(first, later, tmp.resolve("x.zip.ac")), ArchiveFormat.parts(first));
        assertEquals("x.zip.ad", ArchiveFormat.missingPart(ArchiveFormat.parts(first)));
        assertEquals(first, ArchiveFormat.firstPart(later));
        assertEquals(null, ArchiveFormat.firstPart(first));
        assertTrue(ArchiveFormat.laterPart(later) && ArchiveFormat.laterPartByName("x.zip.ab") && ArchiveFormat.numberedPart("x.zip.ab"));
        assertFalse(ArchiveFormat.laterPartByName("x.zip.aa"));
        assertTrue(ArchiveFormat.namedAsArchive("x.zip.ab"));
        assertEquals(List.of(tmp.resolve("y.tar.gz.aaa"), tmp.resolve("y.tar.gz.aab")), ArchiveFormat.parts(tmp.resolve("y.tar.gz.aaa")));
        assertEquals(tmp.resolve("y.tar.gz.aaa"), ArchiveFormat.firstPart(tmp.resolve("y.tar.gz.aab")));

        Path clip = tmp.resolve("clip.ab");
        assertEquals(List.of(tmp.resolve("clip.aa")), ArchiveFormat.parts(tmp.resolve("clip.aa")));
        assertFalse(ArchiveFormat.laterPart(clip) || ArchiveFormat.laterPartByName("clip.ab") || ArchiveFormat.numberedPart("clip.ab")
                || ArchiveFormat.namedAsArchive("clip.aa"));
        assertEquals(null, ArchiveFormat.firstPart(clip));
        assertFalse(ArchiveFormat.laterPartByName("videos.tar.gz") || ArchiveFormat.laterPartByName("videos.zip.part"));
        // a file of its own after an archive's name (another archive, a copy, a signature, a tar's compression): no part
        for (String own : List.of("videos.7z.zip", "MUSIC-AVQA.tar.zip", "videos.zip.rar", "videos.zip.bak", "x.tar.old",
                "videos.tar.gz.sig", "videos.zip.asc", "videos.zip.txt", "videos.tar.br", "videos.tar.lzo", "videos.tar.sz",
                "videos.tar.xz", "videos.tar.zst")) {
            assertFalse(ArchiveFormat.numberedPart(own) || ArchiveFormat.laterPartByName(own), own);
        }
        // split's own two letters are all parts: .br is a 48-part split's 44th, .bz a 52-part one's last
        assertTrue(ArchiveFormat.numberedPart("videos.zip.br") && ArchiveFormat.numberedPart("videos.zip.bz")
                && ArchiveFormat.numberedPart("videos.tar.ab"));

        // without -a, split goes on from yz to zaaa
        Path widened = Files.createDirectories(tmp.resolve("widened"));
        for (char a = 'a'; a <= 'y'; a++) {
            for (char b = 'a'; b <= 'z'; b++) {
                Files.write(widened.resolve("w.7z." + a + b), new byte[] {1});
            }
        }
        Files.write(widened.resolve("w.7z.zaaa"), new byte[] {1});
        List<Path> all = ArchiveFormat.parts(widened.resolve("w.7z.aa"));
        assertEquals(651, all.size());
        assertEquals(widened.resolve("w.7z.zaaa"), all.get(650));
        assertEquals(widened.resolve("w.7z.aa"), ArchiveFormat.firstPart(widened.resolve("w.7z.zaaa")));
    }

    /**
     * A zip spanned by {@code zip -s} ({@code videos.z01}, {@code videos.z02}, …, {@code videos.zip} last) is no set of
     * byte-parts: each volume's offsets count from its own start. Any volume of it given as a file is refused in one
     * line before the run starts, which names the command that joins it; met in a folder given, that is said once,
     * nothing of it is read, and it is not called damaged (exit 1). The zip that command makes imports every video.
     */
    @Test
    void aZipSpannedByZipSIsRefusedInOneLineThatSaysHowToJoinIt(@TempDir Path tmp) throws Exception {
        ArchiveMaker.need("zip");
        Map<String, Path> entries = new LinkedHashMap<>();
        for (String id : IDS) {
            entries.put(id + ".mp4", clip);
        }
        Path src = ArchiveMaker.folder(tmp, "MUSIC-AVQA-videos-Real", entries);
        Path spanned = Files.createDirectories(tmp.resolve("spanned"));
        Path last = spanned.resolve("videos.zip");
        // not zip's least, 64k: zip 3.0 joined such a set of these clips into a zip that unzip -t calls broken
        ArchiveMaker.run(src, "zip", "-q", "-r", "-s", "100k", last.toString(), ".");
        assertTrue(Files.isRegularFile(spanned.resolve("videos.z02")), "spanned into volumes");
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        // beside the volumes' folder: that folder given again would meet them again
        Path whole = tmp.resolve("videos-whole.zip");
        String join = "join them first with `zip -s 0 " + last + " --out " + whole + "` and import that";
        for (Path given : List.of(last, spanned.resolve("videos.z01"))) {
            Path data = tmp.resolve("given-" + given.getFileName());
            List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
            args.addAll(List.of("--import-archive", given.toString()));

            Fixture.Outcome refused = Fixture.run(args);

            assertEquals(2, refused.exit(), refused.stderr());
            assertEquals(List.of("avqa-downloader: --import-archive: " + given + " is one volume of a zip spanned by zip -s "
                    + "(videos.z01 … videos.zip), whose volumes are not read as they are: " + join), refused.stderr().lines().toList());
            assertFalse(Files.exists(data.resolve("avqa_download.log")), "nothing started");
        }

        Path data = tmp.resolve("folder");
        List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
        args.addAll(List.of("--import-archive", spanned.toString()));
        Fixture.Outcome outcome = Fixture.run(args);
        assertEquals(1, outcome.exit(), outcome.stderr());
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertEquals(1, log.lines().filter(l -> l.contains("Nothing of videos.zip was imported: ") && l.endsWith(join)).count(), log);
        assertFalse(log.contains("damaged?") || log.contains("could not be read") || log.contains("Importing " + last)
                || log.contains("Importing " + spanned.resolve("videos.z01")), log);

        // as the line says
        ArchiveMaker.run(spanned, "zip", "-q", "-s", "0", last.toString(), "--out", whole.toString());
        Path joined = tmp.resolve("joined");
        List<String> joinedArgs = Fixture.localArgs(joined, meta, SettingsTable.YOUTUBE_TEMPLATE);
        joinedArgs.addAll(List.of("--import-archive", whole.toString()));
        Fixture.Outcome imported = Fixture.run(joinedArgs);
        assertEquals(0, imported.exit(), imported.stderr() + Files.readString(joined.resolve("avqa_download.log")));
        for (String id : IDS) {
            assertTrue(Fixture.probe(joined.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
        }
    }

    /**
     * A folder of videos already unpacked (as users have MUSIC-AVQA-videos-Real/) is read as an archive is: its
     * files wherever they sit, a damaged one failed alone, one no planned video names left alone, a link to a
     * file taken as the file; the folder is only read, and let go; a rerun with nothing left reads nothing.
     */
    @Test
    void aFolderOfUnpackedVideosIsImportedAsAnArchiveIsAndLeftAsItWas(@TempDir Path tmp) throws Exception {
        Path folder = tmp.resolve("MUSIC-AVQA-videos-Real");
        Files.createDirectories(folder.resolve("part 2"));
        Files.copy(clip, folder.resolve("00000001.mp4"));
        Files.copy(clip, folder.resolve("part 2/00000002.mp4"));
        Files.write(folder.resolve("00000003.mp4"), new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
        Files.copy(clip, folder.resolve("99999999.mp4"));
        Files.writeString(folder.resolve("README.txt"), "videos");
        // a compressed file that is no archive (a gzip of text) is no archive of the folder's
        try (var gz = new java.util.zip.GZIPOutputStream(Files.newOutputStream(folder.resolve("avqa-test.json.gz")))) {
            gz.write("[{\"video_id\": \"00000001\"}]".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        Path elsewhere = tmp.resolve("elsewhere");
        Files.createDirectories(elsewhere);
        Files.copy(clip, elsewhere.resolve("clip.mp4"));
        Files.createSymbolicLink(folder.resolve("vv00000004.mp4"), elsewhere.resolve("clip.mp4"));
        // and an archive in it, as gdown --folder leaves the authors' archives
        Files.createDirectories(folder.resolve("archives"));
        ArchiveMaker.zip(ArchiveMaker.folder(tmp, "synthetic", Map.of("vv00000005.mp4", clip)), folder.resolve("archives/synthetic.zip"));
        Map<String, String> before = new java.util.TreeMap<>();
        try (var walk = Files.walk(folder)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                before.put(folder.relativize(f).toString(), Files.getLastModifiedTime(f) + " " + Files.size(f));
            }
        }
        // given as a symbolic link to the folder (on another disk, say): walked where it leads
        Path given = tmp.resolve("videos-link");
        Files.createSymbolicLink(given, folder);
        List<String> ids = List.of("00000001", "00000002", "00000003", "vv00000004", "vv00000005");
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE);
        try (ConnectionSentinel network = new ConnectionSentinel()) {
            // the folder's zip given on its own too: read once
            args.addAll(List.of("--import-archive", given.toString(), "--import-archive",
                    given.resolve("archives/synthetic.zip").toString(), "--proxy", network.proxyUrl()));

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(1, outcome.exit(), "the damaged video fails: " + outcome.stderr());
            assertEquals(0, network.connections(), "nothing was requested from the network");
        }
        for (String id : List.of("00000001", "00000002", "vv00000004", "vv00000005")) {
            assertTrue(Fixture.probe(data.resolve("videos/" + id + ".mp4"))[0] > 2.5, id);
            assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 2.5, id + ".wav");
        }
        assertFalse(Files.exists(data.resolve("videos/00000003.mp4")));
        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("Failed: 00000003 [invalid-output]"), log);
        // the entry that failed is named: of two of one name, the line says which
        assertTrue(log.lines().anyMatch(l -> l.contains("Failed: 00000003 [invalid-output]") && l.matches(
                ".*; the entry \\S*00000003\\.mp4 of \\S+$")), log);
        assertTrue(log.contains("match no planned video by name and were left alone (for example [99999999.mp4])"), log);
        assertEquals(1, log.lines().filter(l -> l.contains("Importing " + given.resolve("archives/synthetic.zip"))).count(), log);
        assertFalse(log.contains("avqa-test.json.gz"), "a gzip of text is no archive: " + log);
        assertTrue(log.contains("The folder videos-link holds 1 archive files, read after it (a split archive's "
                + "later parts with its first): [archives/synthetic.zip]"), log);
        String provenance = Files.readString(data.resolve("metadata/provenance.jsonl"));
        assertTrue(provenance.contains("\"group\":\"archive videos-link\"") && provenance.contains("part 2/00000002.mp4"),
                provenance);
        Map<String, String> after = new java.util.TreeMap<>();
        try (var walk = Files.walk(folder)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                after.put(folder.relativize(f).toString(), Files.getLastModifiedTime(f) + " " + Files.size(f));
            }
        }
        assertEquals(before, after, "the folder is only read");
        assertEquals(List.of(), openFilesUnder(folder), "its files are let go");
        assertEquals(List.of(), openFilesUnder(elsewhere), "and the file a link led to");

        // the damaged file replaced by a good one: the rerun imports it, and the rest stay as they were
        long firstImported = Files.getLastModifiedTime(data.resolve("videos/00000001.mp4")).toMillis();
        Files.delete(folder.resolve("00000003.mp4"));
        Files.copy(clip, folder.resolve("00000003.mp4"));
        assertEquals(0, Fixture.run(args).exit());
        assertTrue(Fixture.probe(data.resolve("audio/00000003.wav"))[1] > 2.5);
        assertTrue(Fixture.lastSummary(data).contains("1 imported from archives"), Fixture.lastSummary(data));
        assertEquals(firstImported, Files.getLastModifiedTime(data.resolve("videos/00000001.mp4")).toMillis());
    }

    /**
     * A folder under the one given that cannot be read (a permission, as the user nobody meets it) is passed over
     * with one line in words, and the walk goes on: the other folders' files are still listed, in name order; a
     * file that cannot be read likewise. Root reads any folder, so the refusals are met here as the walk is given
     * them by the file system: the folder's listing (or the file's look-up) refused, the visitor told so instead.
     */
    @Test
    void aFolderOrFileUnderTheOneGivenThatCannotBeReadIsSaidInOneLineAndTheRestIsStillListed(@TempDir Path tmp)
            throws Exception {
        Path given = tmp.resolve("dirU");
        for (String f : List.of("aaa/vid00000001.mp4", "m\u001bm/vid00000003.mp4", "fff/vid00000004.mp4",
                "zzz/vid00000002.mp4")) {
            Files.createDirectories(given.resolve(f).getParent());
            Files.copy(clip, given.resolve(f));
        }
        List<String> said = new ArrayList<>();
        FileTrees.Listing listing = new FileTrees.Listing(given, said::add);
        Path refusedFolder = listing.root.resolve("m\u001bm");
        Path refusedFile = listing.root.resolve("fff/vid00000004.mp4");
        Files.walkFileTree(listing.root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.equals(refusedFolder)) {
                    assertEquals(FileVisitResult.CONTINUE, listing.visitFileFailed(dir, new AccessDeniedException(dir.toString())),
                            "the walk goes on");
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return listing.preVisitDirectory(dir, attrs);
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                return file.equals(refusedFile) ? listing.visitFileFailed(file, new AccessDeniedException(file.toString()))
                        : listing.visitFile(file, attrs);
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                return listing.visitFileFailed(file, e);
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                return listing.postVisitDirectory(dir, e);
            }
        });

        assertEquals(List.of(given.resolve("aaa/vid00000001.mp4"), given.resolve("zzz/vid00000002.mp4")), listing.files(),
                "what can be read is still listed, in name order");
        assertEquals(List.of("Cannot read the file " + given + "/fff/vid00000004.mp4 (permission denied): it is not imported",
                "Cannot read the folder " + given + "/m\\u001bm (permission denied): its files are not imported"), said,
                "one line each, in words, the control character shown escaped");
        for (String line : said) {
            assertFalse(line.contains("java.") || line.contains("Exception") || line.contains("\u001b"), line);
        }
        // the folder given itself that cannot be read is not passed over: its import fails, as an archive's does
        assertThrows(AccessDeniedException.class,
                () -> listing.visitFileFailed(listing.root, new AccessDeniedException(listing.root.toString())));
    }

    /**
     * A pipe, a link to a device that never ends (/dev/zero) and a link to nothing, under names a planned video
     * has, are never opened (the pipe would wait for a writer for ever): each is said in one line.
     */
    @Test
    void aPipeOrADeviceInAFolderIsNamedAndNeverOpened(@TempDir Path tmp) throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("given"));
        Files.write(folder.resolve("vid00000001.mp4"), new byte[] {1});
        Process mkfifo = new ProcessBuilder("mkfifo", folder.resolve("vid00000002.mp4").toString()).start();
        assertEquals(0, mkfifo.waitFor());
        Files.createSymbolicLink(folder.resolve("vid00000003.mp4"), Path.of("/dev/zero"));
        Files.createSymbolicLink(folder.resolve("vid00000004.mp4"), folder.resolve("gone.mp4"));
        List<String> said = new java.util.ArrayList<>();

        List<Path> files = FileTrees.filesUnder(folder, said::add);

        assertEquals(List.of(folder.resolve("vid00000001.mp4")), files);
        assertEquals(List.of("The entry " + folder + "/vid00000002.mp4 is not a file but a pipe, device or socket: it is not imported",
                "The entry " + folder + "/vid00000003.mp4 is not a file but a link to a pipe, device or socket: it is not imported",
                "The entry " + folder + "/vid00000004.mp4 is not a file but a link to nothing: it is not imported"),
                said.stream().sorted().toList());
    }

    /** The files under {@code dir} this JVM (where the run ran) holds open. */
    static List<String> openFilesUnder(Path dir) throws Exception {
        List<String> open = new java.util.ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(dir.toRealPath())) {
                        open.add(target.toString());
                    }
                } catch (java.io.IOException gone) {
                    // closed meanwhile
                }
            }
        }
        return open;
    }

    /**
     * An import uses every core: each entry is written out as the archive is read, and its check and
     * audio are done by import-media's threads meanwhile (more than one of them); stage 5 waits for them all, so not
     * one of the videos is asked of the mirror that also has them.
     */
    @Test
    void theWorkersMakeTheAudioWhileTheArchiveIsReadAndStage5WaitsForThem(@TempDir Path tmp) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ids.add("inflight" + i);
        }
        List<String> args = importOfServedVideos(tmp, ids); // with 2 workers
        Path data = tmp.resolve("data");

        Fixture.Outcome outcome = Fixture.run(args);

        assertEquals(0, outcome.exit(), outcome.stderr());
        for (String id : ids) {
            assertTrue(server.hits(id).isEmpty(), id + " was asked of the mirror while its import was under way");
            assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")), id);
        }
        java.util.Set<String> threads = new java.util.HashSet<>();
        for (String line : Files.readAllLines(data.resolve("avqa_download.log"))) {
            // the wire tap's threads (import-media's pool)
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\[([^\\]]*WireTap)\\] .*Complete: inflight").matcher(line);
            if (m.find()) {
                threads.add(m.group(1));
            }
        }
        // more threads than workers take the entries, so that those waiting for an ffmpeg run share the next one
        assertTrue(threads.size() >= 2 && threads.size() <= avqa.downloader.settings.CamelProperties.mediaThreads(2),
                "the entries were completed by " + threads);
        assertTrue(Fixture.lastSummary(data).contains("8 imported from archives"), Fixture.lastSummary(data));
    }

    /**
     * An entry written out whose media work cannot begin (its route is not there: an edit of 07 that renamed it) is
     * said in one line and counted as a failure not recorded (exit 1), as the fast path's is (LookAheadTest); it stays
     * pending, is not asked of its source in the same run, and the next run imports it again.
     */
    @Test
    void anEntryWhoseMediaWorkCannotBeginIsSaidInOneLineAndTheNextRunImportsIt(@TempDir Path tmp) throws Exception {
        Path routes = LookAheadTest.routesWithTheMediaRouteRenamed(tmp, "import-media", 22);
        List<String> ids = List.of("nomedia1", "nomedia2");
        List<String> args = importOfServedVideos(tmp, ids);
        Path data = tmp.resolve("data");

        Fixture.Outcome outcome = Fixture.run(args, Map.of("AVQA_ROUTES_DIR", routes.toString()));

        LookAheadTest.assertSaidAndLeftPending(outcome, data, ids);
        for (String id : ids) {
            assertTrue(Files.notExists(data.resolve("videos/" + id + ".mp4")), id);
            assertEquals(List.of(), server.hits(id), id + " was asked of its source");
        }

        Fixture.Outcome again = Fixture.run(args);
        assertEquals(0, again.exit(), again.stderr());
        for (String id : ids) {
            assertTrue(Files.isRegularFile(data.resolve("audio/" + id + ".wav")), id);
            assertEquals(List.of(), server.hits(id), id + " was asked of its source");
        }
        assertTrue(Fixture.lastSummary(data).contains("2 imported from archives"), Fixture.lastSummary(data));
    }

    @Test
    void aRarIsReadAsAStreamSoADataDirectorySmallerThanItsContentsStillImportsWhatIsPlanned(@TempDir Path tmp)
            throws Exception {
        ArchiveMaker.need("bsdtar");
        // 60 MB of entries no annotation names, and one planned video: unpacked whole, it would not fit in 20 MB
        Map<String, Path> entries = new LinkedHashMap<>();
        Random random = new Random(7);
        for (int i = 0; i < 6; i++) {
            Path junk = tmp.resolve("junk" + i + ".mp4");
            byte[] bytes = new byte[10 << 20];
            random.nextBytes(bytes);
            Files.write(junk, bytes);
            entries.put("unplanned" + i + ".mp4", junk);
        }
        entries.put("00000001.mp4", clip);
        Path src = ArchiveMaker.folder(tmp, "big", entries);
        Path rar = tmp.resolve("big.rar");
        ArchiveMaker.rar(src, rar);
        Path data = tmp.resolve("data");
        Files.createDirectories(data);
        boolean mounted = DiskTest.sh("mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", data.toString());
        if (!mounted) {
            System.err.println("SKIPPED: the streaming import test needs to mount a small tmpfs (run as root, as CI does)");
        }
        assumeTrue(mounted, "cannot mount a tmpfs here");
        try {
            Path meta = tmp.resolve("meta");
            Fixture.annotations(meta, "test", List.of("00000001"));
            List<String> args = new ArrayList<>(Fixture.localArgs(data, meta, SettingsTable.YOUTUBE_TEMPLATE));
            args.addAll(List.of("--import-archive", rar.toString()));

            Fixture.Outcome outcome = Fixture.run(args);

            assertEquals(0, outcome.exit(), outcome.stderr());
            assertTrue(Fixture.probe(data.resolve("videos/00000001.mp4"))[0] > 2.5);
            String log = Files.readString(data.resolve("avqa_download.log"));
            assertTrue(log.contains("6 video entries of big.rar match no planned video by name and were left alone"), log);
        } finally {
            DiskTest.sh("umount", "-l", data.toString());
        }
    }

    /** Arguments for a run that imports a zip of these videos (each also served at its source), 2 workers. */
    private List<String> importOfServedVideos(Path tmp, List<String> ids) throws Exception {
        Map<String, Path> entries = new LinkedHashMap<>();
        for (String id : ids) {
            entries.put(id + ".mp4", clip);
            server.serve(id, clip);
        }
        Path zip = tmp.resolve("videos.zip");
        ArchiveMaker.zip(ArchiveMaker.folder(tmp, "videos", entries), zip);
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", ids);
        List<String> args = Fixture.localArgs(tmp.resolve("data"), meta, server.mediaFileTemplate());
        args.addAll(List.of("--import-archive", zip.toString()));
        return args;
    }

    /**
     * The authors' archives hold .mp4 files; a run keeping its videos as .mkv (--video-format mkv) imports them, each put
     * into Matroska by ffmpeg with its streams copied as they are, without a request (they "matched no planned video by
     * name", and every clip went to its source; a probe's finding). An entry in a container no video is kept in (.webm)
     * is said in one line with what to do.
     */
    @Test
    void theAuthorsMp4EntriesAreImportedIntoTheContainerAsked(@TempDir Path tmp) throws Exception {
        Map<String, Path> entries = new LinkedHashMap<>();
        entries.put("00000001.mp4", clip);
        entries.put("00000002.mp4", clip);
        entries.put("vv00000003.webm", clip);
        Path folder = ArchiveMaker.folder(tmp, "MUSIC-AVQA-videos-Real", entries);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", IDS);
        List<String> args = Fixture.localArgs(data, meta, "http://127.0.0.1:9/{id}.mkv");
        args.addAll(List.of("--import-archive", folder.toString(), "--video-format", "mkv", "--retry-attempts", "1"));

        Fixture.run(args);

        String log = Files.readString(data.resolve("avqa_download.log"));
        for (String id : List.of("00000001", "00000002")) {
            Path video = data.resolve("videos/" + id + ".mkv");
            assertTrue(Files.isRegularFile(video), log);
            assertTrue(Fixture.ffprobeFormat(video).contains("matroska"), id);
            assertTrue(Fixture.probe(data.resolve("audio/" + id + ".wav"))[1] > 2.5, id);
        }
        assertEquals("archive " + folder.getFileName(), ResearchOutputsTest.assertProvenanceOfEveryFile(data)
                .get("videos/00000001.mkv").path("group").asText());
        assertTrue(log.contains("1 video entry of " + folder.getFileName() + " is named as a planned video but is not a .mp4 "
                + "or .mkv file (--video-format mkv), and was not imported (for example [MUSIC-AVQA-videos-Real/"
                + "vv00000003.webm]): remux it (ffmpeg -i IN -c copy OUT.mkv) into a folder and give it to "
                + "--import-archive"), log);
        assertFalse(log.contains("match no planned video by name"), log);
    }

    /**
     * A folder given to --import-archive that holds the run's own data directory (the folder of a lab's share, say): the
     * data directory is passed over, said in one line. Before, the copies --verify or an import had set aside in
     * rejected/ came back as complete videos, a download's archives/*.part was read as a damaged archive, and the
     * data directory's own videos were taken again as imported from the folder (a probe's findings). A folder inside one
     * of the tool's own folders imports nothing; one of the user's own in the data directory is read.
     */
    @Test
    void theDataDirectoryInAFolderGivenToImportIsPassedOver(@TempDir Path tmp) throws Exception {
        Path share = tmp.resolve("share");
        Files.createDirectories(share.resolve("clips"));
        Files.copy(clip, share.resolve("clips/00000001.mp4"));
        Path data = share.resolve("data");
        Files.createDirectories(data.resolve("rejected"));
        Files.copy(clip, data.resolve("rejected/00000002.mp4"));
        Files.createDirectories(data.resolve("archives"));
        Map<String, Path> entries = new LinkedHashMap<>();
        entries.put("vv00000003.mp4", clip);
        Path zip = tmp.resolve("whole.zip");
        ArchiveMaker.zip(ArchiveMaker.folder(tmp, "v", entries), zip);
        byte[] bytes = Files.readAllBytes(zip);
        Files.write(data.resolve("archives/videos.zip.part"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Path meta = tmp.resolve("meta");
        Fixture.annotations(meta, "test", IDS);
        List<String> args = Fixture.localArgs(data, meta, "http://127.0.0.1:9/{id}.mp4");
        args.addAll(List.of("--retry-attempts", "1", "--import-archive", share.toString()));

        Fixture.run(args);

        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(Files.isRegularFile(data.resolve("videos/00000001.mp4")), log);
        assertFalse(Files.exists(data.resolve("videos/00000002.mp4")), "not taken back from rejected/: " + log);
        assertFalse(Files.exists(data.resolve("videos/vv00000003.mp4")), log);
        assertTrue(log.contains("The folder " + data + " is this run's data directory: its own folders (videos/, audio/, "
                + "rejected/, archives/, …) are passed over"), log);
        assertFalse(log.contains("videos.zip.part"), "the download's part is not read: " + log);
        assertTrue(Files.isRegularFile(data.resolve("rejected/00000002.mp4")), "left as it is");

        List<String> inside = Fixture.localArgs(data, meta, "http://127.0.0.1:9/{id}.mp4");
        inside.addAll(List.of("--retry-attempts", "1", "--import-archive", data.resolve("rejected").toString()));
        Fixture.run(inside);
        log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("The folder " + data.resolve("rejected") + " is in rejected/ of this run's data directory: "
                + "nothing in it is imported"), log);
        assertFalse(Files.exists(data.resolve("videos/00000002.mp4")), log);

        // a folder of the user's own in the data directory (downloads/, say) is imported from
        Files.createDirectories(data.resolve("downloads"));
        Files.copy(clip, data.resolve("downloads/vv00000003.mp4"));
        List<String> downloads = Fixture.localArgs(data, meta, "http://127.0.0.1:9/{id}.mp4");
        downloads.addAll(List.of("--retry-attempts", "1", "--import-archive", data.resolve("downloads").toString()));
        Fixture.run(downloads);
        assertTrue(Files.isRegularFile(data.resolve("videos/vv00000003.mp4")), Files.readString(data.resolve("avqa_download.log")));
    }

    /**
     * A video complete but for its audio (the WAV deleted) when its archive is imported again: its audio is made from
     * the video here, and the archive's entry is not taken (it replaced the video, and its provenance, with a copy of
     * the archive's, counted as imported; a probe's finding).
     */
    @Test
    void aVideoHereNeedingOnlyItsAudioIsNotTakenFromTheArchiveAgain(@TempDir Path tmp) throws Exception {
        Map<String, Path> entries = new LinkedHashMap<>();
        for (String id : IDS) {
            entries.put(id + ".mp4", clip);
        }
        Path zip = tmp.resolve("videos.zip");
        ArchiveMaker.zip(ArchiveMaker.folder(tmp, "videos", entries), zip);
        Path meta = tmp.resolve("meta");
        Path data = tmp.resolve("data");
        Fixture.annotations(meta, "test", IDS);
        List<String> args = Fixture.localArgs(data, meta, "http://127.0.0.1:9/{id}.mp4");
        args.addAll(List.of("--import-archive", zip.toString()));
        assertEquals(0, Fixture.run(args).exit());
        Path video = data.resolve("videos/00000002.mp4");
        Object inode = Files.readAttributes(video, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        Files.delete(data.resolve("audio/00000002.wav"));

        assertEquals(0, Fixture.run(args).exit());

        String log = Files.readString(data.resolve("avqa_download.log"));
        assertTrue(log.contains("Read videos.zip: 0 entries taken as planned videos, 2 of videos already complete, 1 of "
                + "videos here already (their audio or frames are made from them)"), log);
        assertTrue(Fixture.lastSummary(data).contains("0 imported from archives, 1 audio re-extracted"), Fixture.lastSummary(data));
        assertEquals(inode, Files.readAttributes(video, java.nio.file.attribute.BasicFileAttributes.class).fileKey(),
                "the video here is kept, not replaced");
        assertTrue(Fixture.probe(data.resolve("audio/00000002.wav"))[1] > 2.5);
    }
}
