package avqa.downloader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.apache.camel.Variable;

/**
 * What a batch's yt-dlp delivered, read while it runs: yt-dlp writes a line to the batch's print file as
 * each video is in place, and the video goes on at once (its check, then its media work, handed on as a
 * video of the fast path is: FetchedInFlight), while yt-dlp fetches the next. So a stop of the run, or its
 * end, loses only the videos delivered and not yet made, not the batch, and the media work of a batch
 * overlaps its downloads. The follower of a yt-dlp run works on a thread of
 * its own and ends once the run has ended and every video it delivered was handed on.
 */
public final class BatchDeliveries {

    /** The name of the print file in the batch's work directory. */
    static final String PRINT_FILE = "delivered.txt";
    /** How often the print file is looked at while yt-dlp runs. */
    private static final long LOOK_MILLIS = 25;

    private final YtDlp ytDlp;

    public BatchDeliveries(YtDlp ytDlp) {
        this.ytDlp = ytDlp;
    }

    /** A yt-dlp run of the batch is about to start: its deliveries are followed from the first line. */
    public void follow(@Variable("job") VideoJob batch) {
        batch.members().follow(new Follow(batch));
    }

    /**
     * Waits until the batch's yt-dlp has delivered more, or has ended; false once it has ended and every
     * video it delivered was handed on.
     */
    public boolean awaitMore(@Variable("job") VideoJob batch) throws IOException, InterruptedException {
        return batch.members().follow().awaitMore();
    }

    /** The videos delivered since the last look, each moved into its own work directory and noted as fetched. */
    public List<VideoJob> delivered(@Variable("job") VideoJob batch) throws IOException {
        return batch.members().follow().take();
    }

    /** The follower is done (however it ended). */
    public void followed(@Variable("job") VideoJob batch) {
        batch.members().follow().done.countDown();
    }

    /** The batch's yt-dlp has ended: waits until the follower has handed on all it delivered. */
    public void ended(@Variable("job") VideoJob batch) throws InterruptedException {
        Follow follow = batch.members().follow();
        synchronized (follow) {
            follow.ended = true;
            follow.notifyAll();
        }
        follow.done.await();
    }

    /** One yt-dlp run's deliveries: how far its print file was read, and what it delivered not yet handed on. */
    final class Follow {

        private final VideoJob batch;
        private final Path printFile;
        private final Map<String, VideoJob> byUrl = new HashMap<>();
        private final List<VideoJob> pending = new ArrayList<>();
        private final List<VideoJob> notTaken = new ArrayList<>();
        private final CountDownLatch done = new CountDownLatch(1);
        private long read;
        private boolean ended;
        private volatile long lastDelivered = System.currentTimeMillis();
        private volatile boolean late;
        private volatile long lateAt;
        private Path realDir;

        Follow(VideoJob batch) {
            this.batch = batch;
            this.printFile = batch.workDir().resolve(PRINT_FILE);
            for (VideoJob member : batch.members().untried()) {
                byUrl.putIfAbsent(member.url(), member);
            }
        }

        synchronized boolean awaitMore() throws IOException, InterruptedException {
            while (true) {
                boolean last = ended;
                readLines();
                if (!pending.isEmpty()) {
                    return true;
                }
                if (last) {
                    return false;
                }
                stopIfLate();
                wait(LOOK_MILLIS);
            }
        }

        /**
         * A video of the batch may take avqa.download.timeout, counted from the last one delivered (or the batch's
         * start): past it, the batch's yt-dlp is stopped, and that video fails as a download that took too long; the
         * videos after it go on in the batch's next yt-dlp run. (camel-exec's timeout, that time for each video left,
         * let one video that trickles hold all the others behind it for as long.)
         */
        private void stopIfLate() {
            long perVideo = ytDlp.timeoutSeconds * 1000L;
            long now = System.currentTimeMillis();
            if (!late && perVideo > 0 && now - lastDelivered > perVideo) {
                lateAt = now;
                late = true;
                WorkArea.stopProcessesUsing(batch.workDir());
            }
        }

        /**
         * Whether this run's yt-dlp was stopped as a video took longer than avqa.download.timeout ({@link #stopIfLate}),
         * and no video was delivered since: the one it was on is that late video.
         */
        boolean late() {
            return late && lastDelivered < lateAt;
        }

        /**
         * Whether yt-dlp was stopped for a late video that it delivered as it was stopped (its line came between the
         * look and the stop): the video it had gone on to is not to blame, and goes on in the next start.
         */
        boolean stoppedAfterADelivery() {
            return late && lastDelivered >= lateAt;
        }

        /** The videos yt-dlp delivered whose file could not be moved into their own work directory. */
        synchronized List<VideoJob> notTaken() {
            return List.copyOf(notTaken);
        }

        synchronized List<VideoJob> take() {
            List<VideoJob> out = List.copyOf(pending);
            pending.clear();
            return out;
        }

        /** Reads the whole lines written since the last look (yt-dlp writes each line at once, ending in a newline). */
        private void readLines() throws IOException {
            if (!Files.isRegularFile(printFile)) {
                return;
            }
            try (FileChannel channel = FileChannel.open(printFile)) {
                long size = channel.size();
                if (size <= read) {
                    return;
                }
                ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(size - read, 1 << 20));
                channel.read(buffer, read);
                byte[] bytes = buffer.array();
                int end = buffer.position();
                while (end > 0 && bytes[end - 1] != '\n') {
                    end--;
                }
                read += end;
                String text = new String(bytes, 0, end, StandardCharsets.UTF_8);
                for (String line : text.split("\n")) {
                    deliveredLine(line);
                }
            }
        }

        /**
         * A line {@code url \t format \t extractor \t file}: the file goes into its video's own work
         * directory. One that cannot be moved there (its directory cannot be made: no space, no permission)
         * fails that video alone, for now: it is fetched again on its own, and the batch goes on.
         */
        private void deliveredLine(String line) {
            String[] f = line.split("\t", 4);
            VideoJob member = f.length == 4 ? byUrl.remove(f[0]) : null;
            if (member == null) {
                return;
            }
            try {
                take(member, f);
            } catch (IOException e) {
                member.countAttempt();
                member.batchFailure(new VideoFailure.Transient("yt-dlp delivered it, but it could not be moved out of "
                        + "the batch's work directory: " + FileTrees.describe(e), ""));
                notTaken.add(member);
            }
        }

        private void take(VideoJob member, String[] f) throws IOException {
            Path file = Path.of(f[3]).toAbsolutePath().normalize();
            if (!Files.isRegularFile(file)) {
                return;
            }
            // both real paths: yt-dlp names the file under the path it was given, which may go through
            // a symbolic link (a data directory on another disk, say)
            if (realDir == null) {
                realDir = batch.workDir().toRealPath();
            }
            file = file.toRealPath();
            if (!file.startsWith(realDir)) {
                return;
            }
            String name = file.getFileName().toString();
            Files.createDirectories(member.workDir());
            Path target = member.workDir().resolve("video" + name.substring(name.lastIndexOf('.')));
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            member.video(target);
            member.countAttempt();
            member.fetched().byYtDlp(YtDlp.formatId(f[1]));
            ytDlp.genericPages.delivered(member.url(), f[2]);
            ytDlp.classifier.ytDlpWorked();
            pending.add(member);
            lastDelivered = System.currentTimeMillis();
        }
    }
}
