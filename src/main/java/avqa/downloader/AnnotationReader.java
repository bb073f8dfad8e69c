package avqa.downloader;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads annotation files (JSON arrays of question objects with a {@code video_id}) and lists the
 * unique videos they reference, per split and overall, in first-seen order. Streams the file, so
 * a million questions need little memory. A malformed file raises {@link BadInputException}
 * naming the file and where it broke. A question whose {@code video_id} is missing, null or neither a
 * string nor a whole number names no video: it is passed over, and one line per file says how many were
 * and where the first is (an id that is a string but not a safe name is planned, as {@code invalid-id}).
 */
public final class AnnotationReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean makesLists;
    private final DiskFull diskFull;

    /** A reader that makes the list of a settled file's ids for the next run (a run's planner). */
    public AnnotationReader() {
        this(true);
    }

    /**
     * @param makesLists false for a reader that must write nothing (--doctor, --verify, and the planner of
     *                   --verify in a read-only data directory): it only reads lists
     */
    public AnnotationReader(boolean makesLists) {
        this(makesLists, null);
    }

    /**
     * @param diskFull what a list's write that meets a full disk stops, as every write of the run does (so that a
     *                 service resumes the run once the disk has room again)
     */
    public AnnotationReader(boolean makesLists, DiskFull diskFull) {
        this.makesLists = makesLists;
        this.diskFull = diskFull;
    }

    /**
     * The unique ids per split, and over all splits; {@code passedOver}: for each file that had questions
     * naming no video, the line that says so.
     */
    public record VideoIds(Map<String, List<String>> bySplit, List<String> allIds, List<String> passedOver) {
        public Map<String, Object> asJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("by_split", bySplit);
            out.put("all_ids", allIds);
            return out;
        }
    }

    /**
     * Reads the annotation file of each split in {@code metadataDir}, in order; {@link Missing} when any of them is not
     * there.
     */
    public VideoIds read(Path metadataDir, Dataset dataset, List<String> splits) {
        List<String> missing = missing(metadataDir, dataset, splits);
        if (!missing.isEmpty()) {
            throw new Missing(metadataDir, missing);
        }
        Map<String, List<String>> bySplit = new LinkedHashMap<>();
        Set<String> all = new LinkedHashSet<>();
        List<String> passedOver = new ArrayList<>();
        for (String split : splits) {
            FileIds file = fileIdsOf(metadataDir.resolve(dataset.annotationFile(split)));
            bySplit.put(split, file.ids());
            all.addAll(file.ids());
            if (file.passedOver() != null) {
                passedOver.add(file.passedOver());
            }
        }
        return new VideoIds(bySplit, new ArrayList<>(all), List.copyOf(passedOver));
    }

    /** The names of the splits' annotation files that are not in {@code metadataDir}. */
    public static List<String> missing(Path metadataDir, Dataset dataset, List<String> splits) {
        return splits.stream().map(dataset::annotationFile).filter(f -> !Files.exists(metadataDir.resolve(f))).toList();
    }

    /**
     * The annotation files of some splits are not in {@code metadata/} (a copy made of the media alone, say): there is
     * nothing to check the data directory against. A run fetches them from {@code --metadata-url}; {@code --verify}
     * reads only what is there.
     */
    public static final class Missing extends BadInputException {
        private final Path metadataDir;
        private final List<String> names;

        Missing(Path metadataDir, List<String> names) {
            super(Redact.text(metadataDir.toString(), 300) + " has no annotation " + (names.size() == 1 ? "file " : "files ")
                    + Redact.text(String.join(", ", names), 300));
            this.metadataDir = metadataDir;
            this.names = List.copyOf(names);
        }

        /** What --verify says of it, and what to do: on a read-only copy nothing can be fetched there. */
        public String forVerify(boolean readOnly) {
            String dir = Redact.text(metadataDir.toString(), 300);
            return getMessage() + " to check the videos against: run --verify where the annotation files are, or copy "
                    + (names.size() == 1 ? "it" : "them") + " into " + dir
                    + (readOnly ? " (this copy is read-only: nothing is fetched into it)"
                            : " (a run without --verify fetches " + (names.size() == 1 ? "it" : "them") + " from --metadata-url)");
        }
    }

    /**
     * Writes {@code video_ids.json} next to the annotations, through a temporary name (not by a reader that
     * writes nothing).
     */
    public void write(VideoIds ids, Path target) {
        if (!makesLists) {
            return;
        }
        try {
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), ids.asJson());
            AtomicFiles.move(tmp, target);
        } catch (IOException e) {
            if (diskFull != null) {
                diskFull.check(e);
            }
            if (DiskFull.says(e.getMessage())) {
                // a full disk is no bad input: the run stops (exit 1), to be run again once there is room
                throw new RunStoppedException(DiskFull.reason(e.getMessage(), target.getParent().getParent()));
            }
            throw new BadInputException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /**
     * The unique video ids of one annotation file, in first-seen order: from the list a run made of them
     * ({@code .<name>.ids.json} beside it) when that list was made from the file as it is now - its
     * length, modification time and identity on disk the same, and modified at least
     * {@link #SETTLED} before the list was made (a file system's coarse clock cannot hide an edit) -
     * else read from the file, which then makes that list (unless this reader writes nothing). A list
     * that cannot be read or written is passed over: the file is read.
     */
    public List<String> videoIdsOf(Path file) {
        return fileIdsOf(file).ids();
    }

    /** The unique video ids of one file, and the line that says of its questions that name no video (null when none). */
    public record FileIds(List<String> ids, String passedOver) {
    }

    /** {@link #videoIdsOf}, with what is said of the questions passed over (kept in the list, said on every run). */
    FileIds fileIdsOf(Path file) {
        Path list = file.resolveSibling("." + file.getFileName() + ".ids.json");
        BasicFileAttributes now = attributes(file);
        if (now != null && Files.isRegularFile(list)) {
            try {
                JsonNode made = JSON.readTree(list.toFile());
                if (made != null && made.path("version").asInt() == LIST_VERSION && made.path("size").asLong(-1) == now.size()
                        && now.lastModifiedTime().toString().equals(made.path("modified").asText())
                        && String.valueOf(now.fileKey()).equals(made.path("file_key").asText())
                        && made.path("ids").isArray()) {
                    List<String> ids = new ArrayList<>(made.path("ids").size());
                    made.path("ids").forEach(id -> ids.add(id.asText()));
                    return new FileIds(ids, made.path("passed_over").isTextual() ? made.path("passed_over").asText() : null);
                }
            } catch (IOException e) {
                // not a list this reader made: the file is read
            }
        }
        FileIds read = fileIds(file, file.getFileName().toString());
        if (makesLists && now != null) {
            Map<String, Object> made = new LinkedHashMap<>();
            made.put("version", LIST_VERSION);
            made.put("file", file.getFileName().toString());
            made.put("size", now.size());
            made.put("modified", now.lastModifiedTime().toString());
            made.put("file_key", String.valueOf(now.fileKey()));
            made.put("ids", read.ids());
            if (read.passedOver() != null) {
                made.put("passed_over", read.passedOver());
            }
            try {
                AtomicFiles.write(list, JSON.writeValueAsBytes(made));
                // settled by the file system's own clock (a network share's may differ from ours): a file
                // modified less than SETTLED before its list was made could change within the same tick
                if (!now.lastModifiedTime().toInstant().isBefore(Files.getLastModifiedTime(list).toInstant().minus(SETTLED))) {
                    Files.deleteIfExists(list);
                }
            } catch (IOException e) {
                // a read-only metadata/: the file is read each time
            }
        }
        return read;
    }

    /** The form of the list of ids; a list of another form is passed over. */
    static final int LIST_VERSION = 1;

    /** How long before the list of its ids is made an annotation file must have been last modified. */
    static final Duration SETTLED = Duration.ofSeconds(2);

    private static BasicFileAttributes attributes(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            return null;
        }
    }

    /** The unique video ids of one annotation file, in first-seen order, read from the file. */
    public List<String> uniqueVideoIds(Path file) {
        return uniqueVideoIds(file, file.getFileName().toString());
    }

    /** The same, the file named {@code name} in what is said of it. */
    List<String> uniqueVideoIds(Path file, String name) {
        return fileIds(file, name).ids();
    }

    private FileIds fileIds(Path file, String name) {
        String kind = notJson(file);
        if (kind != null) {
            // said as what it is, not in the JSON parser's words ("Illegal character ((CTRL-CHAR, code 31))")
            throw new BadInputException(name + " is " + kind + ", not an annotation file (JSON)"
                    + (kind.startsWith("a gzip") || kind.startsWith("a zip") ? ": unpack it first" : ""));
        }
        Set<String> ids = new LinkedHashSet<>();
        PassedOver passedOver = new PassedOver();
        try (JsonParser p = JSON.getFactory().createParser(file.toFile())) {
            try {
                readQuestions(p, name, file, ids, passedOver);
            } catch (JsonProcessingException e) {
                // where the parser was when one of its limits stopped it (its exception then says no place): taken
                // while it is open, as closing it moves it to the end of what it had read (column 8001 of a long line)
                throw malformed(name, e, p.currentTokenLocation());
            }
        } catch (NoSuchFileException e) {
            throw new BadInputException("annotation file not found: " + file);
        } catch (JsonProcessingException e) {
            throw malformed(name, e, null);
        } catch (IOException e) {
            throw new BadInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (ids.isEmpty() && passedOver.count > 0) {
            // not one question names a video: another JSON file than the annotations, not a few bad rows
            throw new BadInputException(name + ": none of its " + passedOver.count + " questions has a usable \"video_id\" "
                    + "(a string or a whole number; the first: " + passedOver.first + "): is it the annotation file?");
        }
        return new FileIds(new ArrayList<>(ids), passedOver.said(name));
    }

    private static BadInputException malformed(String name, JsonProcessingException e, JsonLocation current) {
        JsonLocation at = e.getLocation() != null ? e.getLocation() : current;
        return bad(name, at, "malformed JSON: " + Redact.text(parserWords(e), 300));
    }

    /** The questions whose {@code video_id} names no video: how many, and the first of them. */
    private static final class PassedOver {
        private int count;
        private String first;

        void add(int index, JsonLocation at, String what) {
            if (count++ == 0) {
                first = "question " + index + " at line " + at.getLineNr() + ", column " + at.getColumnNr() + ": " + what;
            }
        }

        String said(String name) {
            return count == 0 ? null : name + ": " + count + (count == 1 ? " question has" : " questions have")
                    + " no usable \"video_id\" (a string or a whole number) and " + (count == 1 ? "is" : "are")
                    + " passed over (the first: " + first + "); the other questions are planned";
        }
    }

    private static void readQuestions(JsonParser p, String name, Path file, Set<String> ids, PassedOver passedOver)
            throws IOException {
        JsonToken first = p.nextToken();
        if (first == null) {
            throw new BadInputException(name + " is empty: expected a JSON array of question objects (" + file + ")");
        }
        if (first != JsonToken.START_ARRAY) {
            throw bad(name, p.currentLocation(), "expected a JSON array of question objects, found " + describe(first));
        }
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) {
                throw bad(name, p.currentLocation(), "file ends inside the array (truncated?)");
            }
            if (t != JsonToken.START_OBJECT) {
                throw bad(name, p.currentLocation(), "question " + index + " is " + describe(t) + ", not an object");
            }
            JsonLocation question = p.currentTokenLocation();
            String videoId = null;
            JsonLocation unusableAt = null;
            String unusable = null;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("video_id".equals(field) && (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT)) {
                    videoId = p.getText();
                } else {
                    if ("video_id".equals(field) && unusable == null) {
                        unusableAt = p.currentTokenLocation();
                        unusable = "its \"video_id\" is " + (value == JsonToken.VALUE_NUMBER_FLOAT ? "a number not whole" : describe(value));
                    }
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw bad(name, p.currentLocation(), "file ends inside question " + index + " (truncated?)");
            }
            if (videoId == null) {
                // no video named: passed over, said once for the file; the file's other questions are planned
                passedOver.add(index, unusable == null ? question : unusableAt,
                        unusable == null ? "it has no \"video_id\"" : unusable);
            } else {
                ids.add(videoId);
            }
            index++;
        }
        if (p.nextToken() != null) {
            throw bad(name, p.currentLocation(), "unexpected content after the closing ]");
        }
    }

    /**
     * What Jackson said of a file it could not read, without its internals: its first line, no
     * "(start marker at ...)", no source, and none of its own settings named as the remedy.
     */
    static String parserWords(JsonProcessingException e) {
        return e.getOriginalMessage().lines().findFirst().orElse("malformed JSON")
                .replaceAll("\\s*\\(start marker at .*$", "").replaceAll(",? from `[^`]*`", "")
                .replaceAll("\\s*\\(can be changed[^)]*\\)", "")
                // "enable `JsonReadFeature.ALLOW_...` to allow": the parser's own setting, not the user's
                .replaceAll(":?\\s*enable `[^`]*` to allow", " (not JSON)")
                .replaceAll("\\s*\\(not recognized as one since Feature '[^']*' not enabled for parser\\)", "");
    }

    private static BadInputException bad(String name, JsonLocation at, String what) {
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return new BadInputException(name + where + ": " + what);
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    /** What a file plainly is by its first bytes when that is no JSON (an archive, a compressed file, a video), else null. */
    static String notJson(Path file) {
        byte[] head;
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            head = in.readNBytes(512);
        } catch (IOException e) {
            return null; // said by the read below
        }
        ArchiveFormat archive = ArchiveFormat.byMagic(head, head.length);
        if (archive != null) {
            return archive == ArchiveFormat.TAR_GZ ? "a gzip-compressed file" : "a " + archive.shown() + " archive";
        }
        if (head.length >= 12 && head[4] == 'f' && head[5] == 't' && head[6] == 'y' && head[7] == 'p') {
            return "an MP4 or MOV video";
        }
        if (head.length >= 4 && (head[0] & 0xff) == 0x1a && (head[1] & 0xff) == 0x45 && (head[2] & 0xff) == 0xdf
                && (head[3] & 0xff) == 0xa3) {
            return "a Matroska or WebM video";
        }
        return null;
    }
}
