package avqa.downloader.settings;

import avqa.downloader.BadInputException;
import avqa.downloader.ArchiveFormat;
import avqa.downloader.Dataset;
import avqa.downloader.VideoIdRules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The checks that look at several settings at once, and the defaults that depend on another setting. */
final class SettingRules {

    /** Where scripts/avqa.sh sets up a current yt-dlp, in a virtual environment of its own. */
    static final String PRIVATE_YT_DLP = ".tools/yt-dlp/bin/yt-dlp";

    private SettingRules() {
    }

    private static void putIfEmpty(Settings s, String key, String value) {
        if (s.get(key).isEmpty()) {
            s.put(key, value);
        }
    }

    static void check(Settings s) {
        if (s.getSeconds("avqa.backoff.max") < s.getSeconds("avqa.backoff.initial")) {
            throw new BadInputException("avqa.backoff.max (" + s.get("avqa.backoff.max")
                    + ") must not be smaller than --backoff (" + s.get("avqa.backoff.initial") + ")");
        }
        VideoIdRules.checkTemplate(s.get("avqa.source.url-template"));
        VideoIdRules.checkTemplate(s.get("avqa.source.clip-url-template"), "avqa.source.clip-url-template");
        Dataset dataset = s.dataset();
        if (s.get("avqa.metadata.base-url").isEmpty()) {
            s.put("avqa.metadata.base-url", dataset.defaultBaseUrl());
        }
        if (s.get("avqa.metadata.splits").isEmpty()) {
            s.put("avqa.metadata.splits", String.join(",", dataset.splits()));
        }
        for (String split : s.splits().isEmpty() ? List.of("") : s.splits()) {
            // none at all ("--splits ,"): a run that plans nothing and says it succeeded is no run
            if (!dataset.splits().contains(split)) {
                throw Settings.bad("--splits", s.get("avqa.metadata.splits"), "a comma-separated list of "
                        + String.join(", ", dataset.splits()) + " (the splits of " + dataset.id() + ")");
            }
        }
        if (!s.get("avqa.cookies").isEmpty() && !Files.isReadable(Path.of(s.get("avqa.cookies")))) {
            throw new BadInputException("--cookies: cannot read " + avqa.downloader.Redact.text(s.get("avqa.cookies"), 300));
        }
        s.files("avqa.manifests");
        for (String url : s.archiveUrls()) {
            try {
                VideoIdRules.checkSourceUrl(url);
            } catch (IllegalArgumentException e) {
                throw Settings.bad("--import-archive", avqa.downloader.Redact.url(url), "a file or an http(s) URL with a host (and a port, if any, from 1 to 65535)");
            }
            if (avqa.downloader.DownloadPage.driveFolder(url)) {
                throw new BadInputException("--import-archive: " + avqa.downloader.Redact.url(url) + " is a Google Drive folder, "
                        + "not a file: fetch it with `gdown --folder URL -O DIR` (pip install gdown), then give --import-archive DIR");
            }
        }
        for (String given : s.list("avqa.import-archives")) {
            if (!Settings.isUrl(given) && given.matches("(?s)[A-Za-z][A-Za-z0-9+.-]*://.*")) {
                throw new BadInputException("--import-archive: " + avqa.downloader.Redact.text(avqa.downloader.Redact.url(given), 300)
                        + " is a URL this tool does not fetch (only http and https): download it yourself and give the file");
            }
        }
        for (Path archive : s.archiveFiles()) {
            if (Files.isDirectory(archive)) {
                // a folder of videos already unpacked is read as an archive's entries
                if (!Files.isReadable(archive) || !Files.isExecutable(archive)) {
                    throw new BadInputException("--import-archive: cannot read the folder "
                            + avqa.downloader.Redact.text(archive.toString(), 300));
                }
                continue;
            }
            if (!Files.isRegularFile(archive) || !Files.isReadable(archive)) {
                throw new BadInputException("--import-archive: cannot read " + avqa.downloader.Redact.text(archive.toString(), 300));
            }
            // a zip spanned by zip -s is read by neither reader, whatever of it is given: the command that joins it
            Path spanned = ArchiveFormat.spannedZip(archive);
            if (spanned != null) {
                throw new BadInputException("--import-archive: " + ArchiveFormat.spannedZipSaid(archive, spanned));
            }
            // a later byte-part or RAR volume whose first is given too (a shell's g3.zip.* or split.part*.rar), alone
            // or in a folder given, is read with it, once; alone it is no archive
            Path first = ArchiveFormat.firstPart(archive);
            if (first != null && s.archiveFiles().stream()
                    .anyMatch(given -> given.equals(first) || Files.isDirectory(given) && first.startsWith(given))) {
                continue;
            }
            ArchiveFormat format = ArchiveFormat.of(archive);
            if (format == ArchiveFormat.TAR_GZ && ArchiveFormat.gzipOfOneFile(archive)) {
                throw new BadInputException("--import-archive: " + avqa.downloader.Redact.text(archive.toString(), 300)
                        + " is a gzip of one file, not of a tar archive: unpack it (gunzip -k) and give the file's folder");
            }
            // a later RAR volume starts as a RAR does: refused as a later byte-part is (which does not); a file
            // named as one that starts as another kind of archive (a whole zip saved as videos.part2.rar) is that
            if (format == ArchiveFormat.RAR && ArchiveFormat.firstRarVolume(archive) != null) {
                throw new BadInputException("--import-archive: " + avqa.downloader.Redact.text(archive.toString(), 300)
                        + " is a later volume of a RAR split into volumes, not readable alone: give its first volume, "
                        + avqa.downloader.Redact.text(first.getFileName().toString(), 200) + ", with the others beside it");
            }
        }
        if (s.get("avqa.archive.url").isEmpty() && dataset.archiveUrl() != null) {
            s.put("avqa.archive.url", dataset.archiveUrl());
        }
        if (s.get("avqa.tools.yt-dlp").equals("auto")) {
            Path own = s.home().resolve(PRIVATE_YT_DLP);
            s.put("avqa.tools.yt-dlp", Files.isExecutable(own) ? own.toString() : "yt-dlp");
        }
        if (s.get("avqa.profile").equals("music-avqa-reference")) {
            // what the GeWu-Lab reference pre-processing writes: 16 kHz audio, a frame a second (its
            // padding to 60 s happens later, in its feature code: --pad-to 60 does it here); settings given
            // explicitly win
            putIfEmpty(s, "avqa.audio.rate", "16000");
            putIfEmpty(s, "avqa.frames.fps", "1");
            // its frames as its script takes them (ffmpeg -i V -r 1 DIR/%06d.jpg), image for image
            putIfEmpty(s, "avqa.frames.method", "reference");
        }
        if (!s.get("avqa.pad-to").isEmpty() && !s.get("avqa.audio-format").equals("wav")) {
            throw new BadInputException("--pad-to: padding is for WAV audio (--audio-format wav); the audio format is "
                    + s.get("avqa.audio-format"));
        }
        if (s.get("avqa.audio-format").equals("wav") && Settings.sizeInBytes(s.get("avqa.audio.max-size")) > 1L << 32) {
            // RIFF's sizes are 32-bit: past 4 GiB ffmpeg 5.1 says the file "will be broken" and leaves both sizes at
            // their 0xFFFFFFFF placeholder, so the WAV's header would lie about its length; the cap must stop it first
            throw new BadInputException("avqa.audio.max-size: a WAV holds at most 4 GiB (its sizes are 32-bit), so with "
                    + "--audio-format wav the cap is 4G or less; it is " + s.get("avqa.audio.max-size"));
        }
        String role = s.get("avqa.role");
        if (!role.equals("all") && (s.get("avqa.broker.url").isEmpty() || s.get("avqa.db.url").isEmpty())) {
            throw new BadInputException("--role " + role + " needs a broker and a database: set avqa.broker.url "
                    + "(e.g. tcp://broker-host:61616) and avqa.db.url (e.g. jdbc:postgresql://db-host:5432/avqa)");
        }
    }
}
