package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionRulesTest {

    /** videos/ and audio/ are listed at once; what each holds decides, as when they were listed one after the other. */
    @Test
    void aVideoIsCompleteWithItsVideoItsAudioAndItsRecord(@TempDir Path root) throws Exception {
        Workspace workspace = prepared(root);
        ProgressBook progress = book(root);
        for (String id : new String[] {"both", "videoOnly", "audioOnly", "notRecorded"}) {
            if (!id.equals("audioOnly")) {
                Files.writeString(workspace.videosDir().resolve(id + ".mp4"), "v");
            }
            if (!id.equals("videoOnly")) {
                Files.writeString(workspace.audioDir().resolve(id + ".wav"), "a");
            }
            if (!id.equals("notRecorded")) {
                progress.markComplete(id);
            }
        }

        CompletionRules rules = rules(workspace, progress);

        assertEquals(VideoTask.State.COMPLETE, state(rules, "both"));
        assertEquals(VideoTask.State.EXTRACT_AUDIO, state(rules, "videoOnly"));
        assertEquals(VideoTask.State.EXTRACT_AUDIO, state(rules, "notRecorded"));
        assertEquals(VideoTask.State.DOWNLOAD, state(rules, "audioOnly"));
        assertEquals(VideoTask.State.DOWNLOAD, state(rules, "absent"));
    }

    /** An audio/ that cannot be listed (listed on another thread) is said as when it was listed on this one. */
    @Test
    void anAudioFolderThatCannotBeReadIsSaidInOneLine(@TempDir Path root) throws Exception {
        Workspace workspace = prepared(root);
        ProgressBook progress = book(root);
        Files.delete(workspace.audioDir());
        Files.writeString(workspace.audioDir(), "not a folder");

        BadInputException e = assertThrows(BadInputException.class, () -> rules(workspace, progress));
        assertTrue(e.getMessage().startsWith("cannot read " + workspace.audioDir()), e.getMessage());
    }

    private static Workspace prepared(Path root) {
        Workspace workspace = new Workspace(root, "mp4", "wav");
        workspace.prepare(false);
        return workspace;
    }

    private static ProgressBook book(Path root) {
        ProgressBook progress = new ProgressBook(root);
        progress.load();
        return progress;
    }

    private static CompletionRules rules(Workspace workspace, ProgressBook progress) {
        OutputSettings outputs = new OutputSettings(workspace, "wav", "", "", "", "", "%06d.jpg", false, false, false);
        return new CompletionRules(progress, new FailureRecords(workspace), false, false, outputs, workspace);
    }

    private static VideoTask.State state(CompletionRules rules, String id) {
        return rules.task(id, VideoTask.download(id, "http://127.0.0.1:9/" + id)).state();
    }
}
