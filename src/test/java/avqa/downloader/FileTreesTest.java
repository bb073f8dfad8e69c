package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file error said in words: the kind of failure, not its path again (the sentence names the path) nor its class. */
class FileTreesTest {

    @Test
    void aFileErrorIsSaidByItsKindNotByItsPathAgain(@TempDir Path tmp) {
        Path gone = tmp.resolve("gone");
        IOException missing = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> Files.getFileStore(gone));
        assertEquals("no such file or directory", FileTrees.describe(missing));
        assertEquals("it already exists", FileTrees.describe(new java.nio.file.FileAlreadyExistsException(tmp.toString())));
        assertEquals("Not a directory", FileTrees.describe(new java.nio.file.FileSystemException(gone.toString(), null,
                "Not a directory")));
        assertEquals("an input/output error", FileTrees.describe(new IOException()));
        assertEquals("not a directory", FileTrees.describe(new java.nio.file.NotDirectoryException(gone.toString())));
        assertEquals("a file system error", FileTrees.describe(new java.nio.file.FileSystemException(gone.toString())));
    }
}
