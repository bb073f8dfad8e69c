#!/usr/bin/env bash
# The scale-out benchmark: videos per minute for 1, 2 and 3 worker hosts, each in a network namespace
# of its own with its own address, against nginx limiting each client address (429), with a broker and
# a database of the benchmark's own (see the README, "Many hosts, one dataset").
#   bench/scale-out.sh [videos per worker host, default 30] [limit per address per minute, default 30] [worker options...]
#   (each run has as many videos per host: 30, 60, 90; every worker is set 20 % above the limit)
#   SCALE_OUT_HOSTS=1,3 (the host counts, default 1,2,3); SCALE_OUT_BURST=N (nginx's burst, default 2; 0:
#   none); SCALE_OUT_RETRY_AFTER=N (nginx's 429s say
#   Retry-After: N; default none, as nginx's limit_req answers); AVQA_* settings reach every worker.
# Needs root (network namespaces), iproute2, nginx, Debian's activemq and PostgreSQL 15 (installed by
# scripts/cluster-services.sh start and .ci/run). It runs a copy of the code as built when it starts,
# from target/bench/scale-out-code; everything it makes goes to target/bench/scale-out.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -o test-compile 2>/dev/null || mvn -B -q test-compile
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null 2>&1 ||
  mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test >/dev/null
code=target/bench/scale-out-code
rm -rf "$code" && mkdir -p "$code/target"
cp -r routes application.properties "$code/"
cp -r target/classes target/test-classes "$code/target/"
[ -d .tools ] && ln -s "$PWD/.tools" "$code/.tools"
cp="$code/target/test-classes:$code/target/classes:$(cat target/bench.classpath)"
export SCALE_OUT_WORK="$PWD/target/bench/scale-out"
cd "$code" && exec java -cp "${cp//$code\//}" avqa.downloader.ScaleOut "$@"
