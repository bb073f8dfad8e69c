package avqa.downloader;

import java.io.IOException;
import org.apache.camel.Variable;

/**
 * {@code --pad-to SECONDS} for the audio: the WAV of a video shorter than that is padded by repeating its
 * last second (the frames are padded the same way by {@link Frames}). A video as long as that, whose sound
 * stops early, keeps its sound as it is: padding is for short videos, not for short sound.
 */
public final class Padding {

    private final double padTo;

    public Padding(double padTo) {
        this.padTo = padTo;
    }

    public void audio(@Variable("job") VideoJob job) throws IOException {
        if (padTo > 0 && lasts(job) < padTo) {
            job.audioPadded(WavPad.padTo(job.audio(), padTo));
        }
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
