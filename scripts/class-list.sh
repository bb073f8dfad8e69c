#!/bin/bash
# Run by `mvn package` (from the repository root) once the jar is built: records the classes a run
# loads, in the order it loads them, and puts that list into the jar, where ClassPreloader reads it
# to load them on a thread of its own while the main thread starts. The training run is the one
# scripts/jvm.sh makes for the class-data archive: a plan of one video and one request to a closed
# loopback port, so nothing leaves the machine. Should the run fail, the jar is left without a list,
# and starts as before.
set -u
jar=${1:-target/avqa-downloader.jar}
if ! command -v jar >/dev/null || ! command -v java >/dev/null; then
  echo "class-list.sh: no java and jar on the PATH; the jar has no class list" >&2
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/meta" "$work/list/avqa/downloader"
echo '[{"video_id": "cdstraining", "question_id": 1}]' > "$work/meta/avqa-test.json"
java -XX:DumpLoadedClassList="$work/loaded" -jar "$jar" \
  --dataset music-avqa --metadata-url "file:$work/meta" --splits test --data-dir "$work/data" \
  --source-url-template 'http://127.0.0.1:9/{id}.mp4' --sleep 0 --jitter 0 --retry-attempts 1 \
  --status-interval 3600 >/dev/null 2>&1
if [ ! -s "$work/loaded" ]; then
  echo "class-list.sh: the training run recorded no classes; the jar has no class list" >&2
  exit 0
fi
# lines are "pkg/Name id: N ...", besides comments and the JVM's own "@..." lines; only the classes
# the jar itself holds are kept (the JDK's are in Java's own class-data archive)
jar --list --file "$jar" | grep '\.class$' > "$work/entries"
awk 'NR == FNR {have[$1]; next} ($1 ".class") in have {gsub("/", ".", $1); print $1}' "$work/entries" "$work/loaded" \
  > "$work/list/avqa/downloader/preload-classes.txt"
jar --update --file "$jar" -C "$work/list" avqa/downloader/preload-classes.txt
echo "class-list.sh: $(wc -l < "$work/list/avqa/downloader/preload-classes.txt") classes listed in $jar" >&2
