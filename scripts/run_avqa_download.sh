#!/usr/bin/env bash
# Starts avqa-downloader in the background, the way the original downloader's script did:
#   scripts/run_avqa_download.sh DATA_DIR WORKERS RATE SLEEP
# e.g. scripts/run_avqa_download.sh ./data/avqa 4 50K 3
# Any other setting can be given as an environment variable, its property's name in capitals with _ for . and
# - (avqa.metadata.splits: AVQA_METADATA_SPLITS=test; avqa.source-url-template: AVQA_SOURCE_URL_TEMPLATE=...),
# or in application.properties. DATA_DIR is taken from where you run the script. The log, with a status line every
# avqa.status.interval seconds, goes to DATA_DIR/avqa_download.log (rolled over by size: avqa.log.max-size, avqa.log.keep);
# the warnings and errors, and whatever Java itself says, to DATA_DIR/avqa_download.out as well.
set -euo pipefail
unset CDPATH  # cd below goes where it says, whatever the caller's shell looks up
if [ "$#" -ne 4 ]; then
  echo "usage: $0 DATA_DIR WORKERS RATE SLEEP   (e.g. $0 ./data/avqa 4 50K 3)" >&2
  exit 2
fi
data_dir=$1 workers=$2 rate=$3 sleep_s=$4
# as the caller meant it: the script runs from the repository root (application.properties, routes/)
mkdir -p -- "$data_dir"
data_dir=$(cd -- "$data_dir" && pwd -P)
caller=$PWD   # relative paths in AVQA_… variables are taken from here
cd -- "$(dirname -- "$0")/.."
. scripts/jvm.sh
nohup "${AVQA_JAVA[@]}" -Davqa.caller-dir="$caller" -Davqa.log.console-level=warn -jar "$avqa_jar" --data-dir "$data_dir" --workers "$workers" --rate-limit "$rate" --sleep "$sleep_s" \
  > "$data_dir/avqa_download.out" 2>&1 < /dev/null &
pid=$!
echo "avqa-downloader started in the background (pid $pid)."
echo "Follow it with:   tail -F $data_dir/avqa_download.log"
echo "Stop it with:     kill $pid      (it finishes cleanly; run the script again to resume)"
