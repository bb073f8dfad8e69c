#!/bin/bash
# Run by `mvn package` (from the repository root) once the jar is built: what makes the jar start fast.
#   scripts/start-up-data.sh JAR [JAVA_HOME]
# - The list of the classes a run loads, in the order it loads them, put into the jar, where
#   ClassPreloader reads it to load them on a thread of its own while the main thread starts.
# - The class-data sharing archive beside the jar (JAR without .jar, plus .jsa; Java's AppCDS): the
#   classes a run loads, already parsed and verified, for the JVM to map at start. scripts/avqa.sh
#   passes it to java, and a plain java -jar starts its run with it (FastStart).
# Both come from a short training run: a plan of one video and one request to a closed loopback port. It
# runs apart from whatever the builder has set: in a directory of its own with a copy of routes/ and
# application.properties, with no AVQA_* variable, as one plain run whatever that file says (no
# schedule, no cluster role), and for at most two minutes; so nothing leaves the machine and nothing waits.
# Should a training run record nothing, the jar is left without a list or an archive (it then starts as
# before) and says so.
set -u
jar=$(realpath "${1:-target/avqa-downloader.jar}")
bin=${2:+$2/bin/}
if ! command -v "${bin}java" >/dev/null || ! command -v "${bin}jar" >/dev/null; then
  echo "start-up-data.sh: no java and jar${2:+ in $2/bin}; the jar has no class list" >&2
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home" "$work/meta" "$work/list/avqa/downloader"
cp -r routes "$work/home/routes"
cp application.properties "$work/home/"
# the set-up's yt-dlp, which the run looks for under the directory it starts in
[ -d .tools ] && ln -s "$PWD/.tools" "$work/home/.tools"
echo '[{"video_id": "cdstraining", "question_id": 1}]' > "$work/meta/avqa-test.json"
# train JVM-OPTION: one training run of the jar with that option
train() {
  rm -rf "$work/data"
  (cd "$work/home" && env -i PATH="$PATH" HOME="${HOME:-/tmp}" timeout 120 "${bin}java" \
    "$1" -Xlog:cds=off -Xlog:cds+dynamic=off -Davqa.schedule.enabled=false -Davqa.role=all -jar "$jar" \
    --dataset music-avqa --metadata-url "file:$work/meta" --splits test --data-dir "$work/data" \
    --source-url-template 'http://127.0.0.1:9/{id}.mp4' --sleep 0 --jitter 0 --retry-attempts 1 \
    --workers 1 --status-interval 3600 >/dev/null 2>&1)
}
train -XX:DumpLoadedClassList="$work/loaded"
if [ ! -s "$work/loaded" ]; then
  echo "start-up-data.sh: the training run recorded no classes; the jar has no class list and no class-data archive" >&2
  exit 0
fi
# lines are "pkg/Name id: N ...", besides comments and the JVM's own "@..." lines; only the classes
# the jar itself holds are kept (the JDK's are in Java's own class-data archive)
"${bin}jar" --list --file "$jar" | grep '\.class$' > "$work/entries"
awk 'NR == FNR {have[$1]; next} ($1 ".class") in have {gsub("/", ".", $1); print $1}' "$work/entries" "$work/loaded" \
  > "$work/list/avqa/downloader/preload-classes.txt"
if "${bin}jar" --update --file "$jar" -C "$work/list" avqa/downloader/preload-classes.txt; then
  echo "start-up-data.sh: $(wc -l < "$work/list/avqa/downloader/preload-classes.txt") classes listed in $jar" >&2
else
  echo "start-up-data.sh: could not add the class list to $jar; it starts without one" >&2
fi
# last, as the archive holds the jar's time and size: a jar changed after it would not use it
# (written beside the jar under another name, then renamed: never a part of one under its name)
jsa="${jar%.jar}.jsa"
rm -f "$jsa" "$jsa.new"
train -XX:ArchiveClassesAtExit="$jsa.new"
if [ -s "$jsa.new" ] && mv -f "$jsa.new" "$jsa"; then
  echo "start-up-data.sh: class-data archive $jsa" >&2
else
  rm -f "$jsa.new"
  echo "start-up-data.sh: the training run made no class-data archive; the jar starts without one" >&2
fi
