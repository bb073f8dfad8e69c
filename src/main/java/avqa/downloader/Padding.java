package avqa.downloader;

import java.io.IOException;
import org.apache.camel.Variable;

/**
 * {@code --pad-to SECONDS} for the audio: a WAV shorter than that is padded by repeating its last
 * second (the frames are padded the same way by {@link Frames}).
 */
public final class Padding {

    private final double padTo;

    public Padding(double padTo) {
        this.padTo = padTo;
    }

    public void audio(@Variable("job") VideoJob job) throws IOException {
        if (padTo > 0) {
            job.audioPadded(WavPad.padTo(job.audio(), padTo));
        }
    }
}
