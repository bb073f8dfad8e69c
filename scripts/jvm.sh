# Sourced by scripts/avqa.sh and scripts/run_avqa_download.sh (from the repository root): makes sure
# target/avqa-downloader.jar is built and up to date, and that a class-data sharing archive for it
# exists, then sets AVQA_JAVA to the java command that uses it.
#
# The archive (target/avqa-downloader.jsa, Java's AppCDS) holds the classes a run loads, already
# parsed and verified; it roughly halves the time from start to the first download request. It is
# made once per build by a short training run (a plan of one video and one request to a closed
# loopback port, so nothing leaves the machine) and made again whenever the jar changes. Should it
# be missing or stale, java only warns and starts without it.
avqa_jar=target/avqa-downloader.jar
avqa_jsa=target/avqa-downloader.jsa

if [ ! -f "$avqa_jar" ] || [ -n "$(find pom.xml src -newer "$avqa_jar" -type f -print -quit)" ]; then
  echo "Building $avqa_jar..." >&2
  mvn -B -q package -DskipTests >&2
fi

if [ ! -f "$avqa_jsa" ] || [ "$avqa_jar" -nt "$avqa_jsa" ]; then
  avqa_train=$(mktemp -d)
  mkdir -p "$avqa_train/meta"
  echo '[{"video_id": "cdstraining", "question_id": 1}]' > "$avqa_train/meta/avqa-test.json"
  rm -f "$avqa_jsa"
  java -XX:ArchiveClassesAtExit="$avqa_jsa" -Xlog:cds=off -Xlog:cds+dynamic=off -jar "$avqa_jar" \
    --dataset music-avqa --metadata-url "file:$avqa_train/meta" --splits test --data-dir "$avqa_train/data" \
    --source-url-template 'http://127.0.0.1:9/{id}.mp4' --sleep 0 --jitter 0 --retry-attempts 1 \
    --status-interval 3600 >/dev/null 2>&1 || true
  rm -rf "$avqa_train"
  [ -f "$avqa_jsa" ] || echo "(could not make the class-data archive $avqa_jsa; starting without it)" >&2
fi

# -XX:TieredStopAtLevel=1: the JIT's C1 compiler only. On two cores C2's compiling takes as much CPU as
# Camel's own threads for a whole run of hundreds of videos, and competes with ffmpeg for it. Its faster
# code matters most for SHA-256, which openssl then hashes (FileHash), and for Java's own long loops:
# planning a manifest of a million rows takes half as long again (README, Benchmark); a plain java -jar
# keeps C2.
AVQA_JAVA=(java -XX:TieredStopAtLevel=1)
[ -f "$avqa_jsa" ] && AVQA_JAVA+=(-XX:SharedArchiveFile="$avqa_jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
