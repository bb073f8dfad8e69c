package avqa.downloader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * yt-dlp's proxy config file and the tidying of those left behind (ProxyTest shows a live run's kept and a killed
 * run's deleted, across processes): a file still being made by another process, before its lock, is not taken for
 * one left behind; one a process was killed while making, a minute old, is.
 */
class ProxyConfigFileTest {

    @Test
    void aFileBeingMadeIsKeptAndOnesLeftBehindGo(@TempDir Path dir) throws Exception {
        Path making = Files.writeString(dir.resolve(ProxyConfigFile.PREFIX + "1" + ProxyConfigFile.MAKING), "");
        Path stale = Files.writeString(dir.resolve(ProxyConfigFile.PREFIX + "2" + ProxyConfigFile.MAKING), "");
        Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(120)));
        Path dead = Files.writeString(dir.resolve(ProxyConfigFile.PREFIX + "3" + ProxyConfigFile.SUFFIX), "--proxy 'x'\n");
        Path other = Files.writeString(dir.resolve("avqa-something-else.conf"), "");

        ProxyConfigFile made = ProxyConfigFile.write("http://u:it's@127.0.0.1:3128", dir);
        try {
            assertTrue(Files.exists(making), "another process's, between its making and its lock");
            assertFalse(Files.exists(stale), "left by a process killed as it made it");
            assertFalse(Files.exists(dead), "left by a process killed (no lock held)");
            assertTrue(Files.exists(other), "not of this kind");
            assertTrue(made.path().getFileName().toString().endsWith(ProxyConfigFile.SUFFIX));
            assertEquals("--proxy 'http://u:it'\"'\"'s@127.0.0.1:3128'\n", Files.readString(made.path()));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made.path())));
        } finally {
            made.discard();
        }
        assertFalse(Files.exists(made.path()));
    }
}
