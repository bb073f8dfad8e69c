#!/usr/bin/env bash
# Sets up what avqa-downloader needs on a Debian/Ubuntu machine with JDK 17 and Maven, then runs it.
#   scripts/avqa.sh [options]      (see scripts/avqa.sh --help)
# - ffmpeg, a current yt-dlp (in its own virtual environment, .tools/yt-dlp) and a JavaScript runtime
#   for YouTube: scripts/setup-tools.sh, each only when missing or out of date.
# - the jar: built with Maven when target/avqa-downloader.jar is missing or older than the sources,
#   with a class-data sharing archive beside it for a fast start (scripts/jvm.sh).
# Then it runs the jar from the repository root, so ./application.properties and ./routes/*.yaml apply; the
# relative paths you give are taken from where you ran it.
set -euo pipefail
unset CDPATH  # cd below goes where it says, whatever the caller's shell looks up
caller=$PWD   # relative paths given (--data-dir data, --import-archive x.zip) are taken from here
cd -- "$(dirname -- "$0")/.."

scripts/setup-tools.sh

. scripts/jvm.sh
exec "${AVQA_JAVA[@]}" -Davqa.caller-dir="$caller" -jar "$avqa_jar" "$@"
