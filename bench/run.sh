#!/usr/bin/env bash
# The benchmark: each way this tool fetches against the strongest simple thing a user would run instead
# (curl + ffmpeg, unzip + ffmpeg, yt-dlp + ffmpeg per video, batch yt-dlp, the reference frame script),
# served by nginx on 127.0.0.1, at N/2 and N videos; then the start-up and the scale figures.
#   bench/run.sh [N videos, default 40] [W workers, default 2] [rounds, default 3] [scale: only the scale figures,
#                start-up: only the start-up figures, timeline: the fast path's stages, one run of N videos under
#                strace, or variants by name, such as import,unzip: only their comparison]
# Installs what it lacks (GNU time, nginx-light, curl, zip, unzip, strace; the set-up's yt-dlp), builds the jar
# and the test classes. Everything it makes goes to target/bench (clips are made once and cached there).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for tool in /usr/bin/time:time nginx:nginx-light curl:curl zip:zip unzip:unzip ffmpeg:ffmpeg strace:strace; do
  command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
scripts/setup-tools.sh
mvn -B -q package -DskipTests
. scripts/jvm.sh   # the class-data archive, as scripts/avqa.sh uses it
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
# the tool's own libraries alone, for the start-up's reference (a bare Camel application)
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench-runtime.classpath -Dmdep.includeScope=runtime >/dev/null
java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" avqa.downloader.Benchmark "$@"
