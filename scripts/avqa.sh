#!/usr/bin/env bash
# Sets up what avqa-downloader needs on a Debian/Ubuntu machine with JDK 17 and Maven, then runs it.
#   scripts/avqa.sh [options]      (see scripts/avqa.sh --help)
# - yt-dlp, ffmpeg and bsdtar (libarchive-tools): installed from the distribution's packages when
#   missing (as root, or via sudo); otherwise it says what to install and stops.
# - the jar: built with Maven when target/avqa-downloader.jar is missing or older than the sources,
#   with a class-data sharing archive beside it for a fast start (scripts/jvm.sh).
# Then it runs the jar from the repository root, so ./application.properties and ./routes/*.yaml apply.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v yt-dlp >/dev/null 2>&1 || missing+=(yt-dlp)
{ command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; } || missing+=(ffmpeg)
# libarchive's bsdtar reads the authors' RAR and 7z archives as a stream
command -v bsdtar >/dev/null 2>&1 || missing+=(libarchive-tools)
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else sudo=(none); fi
  if [ "${sudo[0]:-}" = none ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "avqa-downloader needs ${missing[*]}: install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run again." >&2
    exit 2
  fi
  echo "Installing ${missing[*]} from the distribution's packages..." >&2
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

. scripts/jvm.sh
exec "${AVQA_JAVA[@]}" -jar "$avqa_jar" "$@"
