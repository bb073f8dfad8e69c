# Sourced by scripts/avqa.sh and scripts/run_avqa_download.sh (from the repository root): makes sure
# target/avqa-downloader.jar is built and up to date, then sets AVQA_JAVA to the java command that
# starts it fast.
#
# The build puts a class-data sharing archive beside the jar (target/avqa-downloader.jsa, Java's
# AppCDS, scripts/start-up-data.sh): the classes a run loads, already parsed and verified; it roughly
# halves the time from start to the first download request. A plain java -jar uses it as well, by
# starting its run in a second JVM (FastStart); given here, the options spare that second start.
avqa_jar=target/avqa-downloader.jar
avqa_jsa=target/avqa-downloader.jsa

if [ ! -f "$avqa_jar" ] || [ -n "$(find pom.xml src scripts/start-up-data.sh -newer "$avqa_jar" -type f -print -quit)" ]; then
  echo "Building $avqa_jar..." >&2
  mvn -B -q package -DskipTests >&2
fi

# -XX:TieredStopAtLevel=1: the JIT's C1 compiler only. On two cores C2's compiling takes as much CPU as
# Camel's own threads for a whole run of hundreds of videos, and competes with ffmpeg for it. Its faster
# code matters most for SHA-256, which openssl then hashes (FileHash), and for Java's own long loops:
# planning a manifest of a million rows takes half as long again (README, Benchmark); java -XX:TieredStopAtLevel=4 -jar
# keeps C2 (FastStart then adds only the archive).
# -XX:CICompilerCount=1: one compiler thread, not two. While the run starts, a second one takes CPU from the
# main thread on two cores (the first request 0.12 s sooner, README); C1 alone keeps up with a long run.
# Java reads _JAVA_OPTIONS after the command line: a compiler chosen there (C2 back, which needs two threads) wins,
# so then the count is left to Java.
AVQA_JAVA=(java -XX:TieredStopAtLevel=1)
case "${_JAVA_OPTIONS:-}" in
  *TieredStopAtLevel*|*TieredCompilation*|*CICompilerCount*) ;;
  *) AVQA_JAVA+=(-XX:CICompilerCount=1) ;;
esac
# -XX:+UseTransparentHugePages: Java's heap in 2 MB pages, where Linux gives them to the memory that asks for them
# ("[madvise]"; with "[always]" the heap has them anyway, with "[never]" Java would print a warning). A run touches
# some 100 MB of new heap before its first request, and 4 KB pages cost it a fault each: the first request 0.1 s
# sooner (README). Left to the user who chose the pages in the environment, and not with ZGC (which would then
# want huge pages for shared memory, or refuse to start with -XX:AllocateHeapAt).
case "${JDK_JAVA_OPTIONS:-} ${JAVA_TOOL_OPTIONS:-} ${_JAVA_OPTIONS:-}" in
  *HugePages*|*LargePage*|*HugeTLBFS*|*UseSHM*|*UseZGC*|*AllocateHeapAt*) ;;
  *) if grep -qs '\[madvise\]' /sys/kernel/mm/transparent_hugepage/enabled; then AVQA_JAVA+=(-XX:+UseTransparentHugePages); fi ;;
esac
# (an if, not a list: this file's status is the status of sourcing it, under the callers' set -e)
if [ -f "$avqa_jsa" ] && [ ! "$avqa_jar" -nt "$avqa_jsa" ]; then
  AVQA_JAVA+=(-XX:SharedArchiveFile="$avqa_jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
fi
