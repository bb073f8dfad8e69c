package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegularFilesTest {

    @Test
    void findNamesTheFilesAndTheLinksToOneAsJavaDoesAndNothingElse(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.mp4"), "v");
        Files.writeString(dir.resolve("with space.mp4"), "v");
        Files.writeString(dir.resolve("line\nbreak.mp4"), "v");
        Files.writeString(dir.resolve(".hidden.mp4"), "v");
        Files.writeString(dir.resolve("été.mp4"), "v");
        Files.writeString(dir.resolve(".mp4"), "v");
        Files.writeString(dir.resolve("a.wav"), "a");
        Files.writeString(dir.resolve("a.mp4.part"), "v");
        Files.createSymbolicLink(dir.resolve("linked.mp4"), dir.resolve("a.mp4"));
        Files.createSymbolicLink(dir.resolve("dangling.mp4"), dir.resolve("nowhere.mp4"));
        Files.createDirectories(dir.resolve("folder.mp4"));
        Files.createSymbolicLink(dir.resolve("to-folder.mp4"), dir.resolve("folder.mp4"));
        Files.writeString(dir.resolve("folder.mp4/inside.mp4"), "v");
        new ProcessBuilder("mkfifo", dir.resolve("pipe.mp4").toString()).start().waitFor();

        Set<String> expected = Set.of("a", "with space", "line\nbreak", ".hidden", "été", "", "linked");
        assertEquals(expected, byJava(dir, ".mp4"), "the reference: Java's listing and a look at each name");
        assertEquals(expected, RegularFiles.named(dir, ".mp4"));
        assertEquals(Set.of("a"), RegularFiles.named(dir, ".wav"));
    }

    /**
     * A folder of fewer than {@link Workspace#FIND_FROM} names is listed by Java (a process would cost more), a larger
     * one by find: the same names either way.
     */
    @Test
    void aWorkspaceListsSmallAndLargeFoldersAlike(@TempDir Path root) throws Exception {
        Workspace workspace = new Workspace(root, "mp4", "wav");
        Path videos = Files.createDirectories(root.resolve("videos"));
        Files.writeString(videos.resolve("a.mp4"), "v");
        Files.writeString(videos.resolve("a.mp4.part"), "v");
        Files.createSymbolicLink(videos.resolve("linked.mp4"), videos.resolve("a.mp4"));
        Files.createSymbolicLink(videos.resolve("dangling.mp4"), videos.resolve("nowhere.mp4"));
        Files.createDirectories(videos.resolve("folder.mp4"));
        assertEquals(Set.of("a", "linked"), workspace.presentIds(false));
        for (int i = 0; i < Workspace.FIND_FROM; i++) {
            Files.writeString(videos.resolve("other-" + i + ".txt"), "x");
        }
        assertEquals(Set.of("a", "linked"), workspace.presentIds(false));
        assertEquals(Set.of("a", "linked"), RegularFiles.named(videos, ".mp4"));
        assertEquals(Set.of(), workspace.presentIds(true), "no audio folder");
    }

    @Test
    void aFolderThatIsItselfALinkIsListedWhereItPoints(@TempDir Path tmp) throws Exception {
        // videos/ on another disk, linked into the data directory
        Path elsewhere = Files.createDirectories(tmp.resolve("disk2/videos"));
        Files.writeString(elsewhere.resolve("a.mp4"), "v");
        Files.createSymbolicLink(elsewhere.resolve("b.mp4"), elsewhere.resolve("a.mp4"));
        Path linked = Files.createSymbolicLink(Files.createDirectories(tmp.resolve("data")).resolve("videos"), elsewhere);
        assertEquals(Set.of("a", "b"), byJava(linked, ".mp4"));
        assertEquals(Set.of("a", "b"), RegularFiles.named(linked, ".mp4"));
    }

    @Test
    void whatFindCannotAnswerIsLeftToTheCaller(@TempDir Path dir) throws Exception {
        assertNull(RegularFiles.named(dir.resolve("missing"), ".mp4"), "a folder that is not there");
        Files.writeString(dir.resolve("a.mp4"), "v");
        assertNull(RegularFiles.named(dir, "*"), "a suffix that find would read as a pattern");
        assertNull(RegularFiles.named(dir, ""), "no suffix");
    }

    private static Set<String> byJava(Path dir, String suffix) throws Exception {
        Set<String> ids = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(suffix) && Files.isRegularFile(f)) {
                    ids.add(name.substring(0, name.length() - suffix.length()));
                }
            }
        }
        return ids;
    }
}
