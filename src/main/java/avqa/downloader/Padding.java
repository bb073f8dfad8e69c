package avqa.downloader;

import java.io.IOException;
import org.apache.camel.Variable;

/**
 * {@code --pad-to SECONDS} for the audio: the WAV of a video shorter than that is padded by repeating its
 * last second (the frames are padded the same way by {@link Frames}). A video as long as that, whose sound
 * stops early, keeps its sound as it is: padding is for short videos, not for short sound. A WAV that padding
 * would make larger than avqa.audio.max-size (or a WAV's own 4 GiB) is not padded: the video is given up, as
 * one whose audio reached the cap is.
 */
public final class Padding {

    private final double padTo;
    private final long audioMaxBytes;

    public Padding(double padTo, long audioMaxBytes) {
        this.padTo = padTo;
        this.audioMaxBytes = audioMaxBytes;
    }

    public void audio(@Variable("job") VideoJob job) throws IOException {
        if (padTo > 0 && lasts(job) < padTo) {
            try {
                job.audioPadded(WavPad.padTo(job.audio(), padTo, audioMaxBytes));
            } catch (WavPad.TooLarge e) {
                // past what a WAV can hold no cap helps (avqa.audio.max-size is at most 4G for WAV)
                boolean pastWav = e.bytes > WavPad.LARGEST;
                long limit = pastWav ? WavPad.LARGEST : audioMaxBytes;
                String[] sizes = sizes(e.bytes, limit);
                String what = pastWav ? "what a WAV can hold (" + sizes[1] + "); lower --pad-to"
                        : "avqa.audio.max-size (" + sizes[1] + "); lower --pad-to or raise avqa.audio.max-size";
                throw new VideoFailure.Permanent(String.format(java.util.Locale.ROOT,
                        "its audio padded to --pad-to %s s would be %s, larger than %s (then --retry-permanent)",
                        java.math.BigDecimal.valueOf(padTo).stripTrailingZeros().toPlainString(), sizes[0], what), "");
            }
        }
    }

    /** Two sizes as people read them, or in bytes where they would read alike (1.0 MiB against 1.0 MiB). */
    static String[] sizes(long bytes, long limit) {
        String a = ArchiveFetch.human(bytes);
        String b = ArchiveFetch.human(limit);
        return a.equals(b) ? new String[] {bytes + " bytes", limit + " bytes"} : new String[] {a, b};
    }

    private static double lasts(VideoJob job) {
        return longest(job.videoSeconds(), job.containerSeconds(), job.audioSeconds());
    }

    /** How long a video lasts: its picture, its container or its sound, whichever is longest (0 when none is known). */
    static double longest(double... seconds) {
        double most = 0;
        for (double s : seconds) {
            if (s > most) {
                most = s;
            }
        }
        return most;
    }
}
