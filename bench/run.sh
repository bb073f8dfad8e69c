#!/usr/bin/env bash
# The benchmark: this tool against the scripts a user would write, then the scale figures.
#   bench/run.sh [N videos, default 40] [W workers, default 2] [rounds, default 3]
# Needs what the tests need (yt-dlp, ffmpeg) and GNU time; builds the jar and the test classes first.
# Everything it makes goes to target/bench (clips are generated once and cached there).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! [ -x /usr/bin/time ]; then
  sudo=(); [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get install -y -qq time >/dev/null
fi
mvn -B -q package -DskipTests
. scripts/jvm.sh   # the class-data archive, as scripts/avqa.sh uses it
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
java -cp "target/test-classes:target/classes:$(cat target/bench.classpath)" avqa.downloader.Benchmark "$@"
