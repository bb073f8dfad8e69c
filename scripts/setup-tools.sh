#!/usr/bin/env bash
# Sets up the programs avqa-downloader runs, on a Debian/Ubuntu machine; called by scripts/avqa.sh and
# .ci/run from the repository root. What it does, each step only when needed:
# - ffmpeg and ffprobe, bsdtar (libarchive-tools, for RAR and 7z archives) and openssl (it hashes the
#   videos and WAVs for SHA256SUMS when the JVM runs, as scripts/jvm.sh starts it, without its C2
#   compiler; Java hashes them when it is missing): from the distribution's packages (as root, or via sudo).
# - yt-dlp: YouTube needs a current one, and Debian 12's (2023.03.04) is too old and cannot update
#   itself. A yt-dlp of 2025.11.12 or later already on PATH (not Debian's) is kept; otherwise a current
#   one goes into a virtual environment of its own, .tools/yt-dlp (python3 -m venv, then
#   pip install -U "yt-dlp[default]", or plain yt-dlp where the extra cannot be had), refreshed when
#   it is more than 90 days old. The tool finds it there by itself (avqa.tools.yt-dlp=auto). Debian's
#   yt-dlp only when nothing better can be had, with a warning.
# - a JavaScript runtime for yt-dlp's YouTube support: deno 2 or later on PATH, else deno from the npm
#   registry into .tools/deno (the tool finds it there too); node 20 or later is the fallback.
# Everything it says goes to stderr; it stops (exit 2) only when ffmpeg or yt-dlp cannot be had at all.
# What a full check found, when all was well, is kept in .tools/setup-checked and said again, starting none of the
# tools (one stat looks at their files), for a day while nothing it rests on has changed (below); AVQA_SETUP_RECHECK=1
# checks in full.
set -euo pipefail
unset CDPATH  # cd below goes where it says, whatever the caller's shell looks up
cd -P -- "$(dirname -- "$0")/.."

# A full check starts yt-dlp and deno twice each: some 0.9 s before every run's Java could start. Its findings
# stand while the repository is where it was, PATH and where each program is found on it are the same, and none of
# the files it rests on has changed since (this script, the programs it chose, yt-dlp's interpreter and packages):
# the same file (device and inode), size, modification and change times, so a file replaced or updated in place, or
# a link pointed elsewhere, means a full check; and so does a day gone by (yt-dlp's age is checked daily). A check
# that warned or fell back (Debian's yt-dlp, node for want of deno) is not kept: the next start checks in full,
# so that the fix it asks for is seen at once.
checked=.tools/setup-checked
programs=(ffmpeg ffprobe bsdtar openssl yt-dlp deno node npm)
identity() { stat -L -c '%d:%i:%s:%Y:%Z' -- "$@" 2>/dev/null; }
still_checked() {
  case ${AVQA_SETUP_RECHECK:-} in ''|0|false|no) ;; *) return 1 ;; esac
  [ -n "${EPOCHSECONDS:-}" ] && [ -f "$checked" ] || return 1
  local line kind rest found aged= home= path= whiches=0 ended=
  local -a again=() files=() ids=()
  while IFS= read -r line; do
    [ -z "$ended" ] || return 1
    kind=${line%% *}
    rest=${line#"$kind"}
    rest=${rest# }
    case $kind in
      at) [[ $rest =~ ^[1-9][0-9]{0,11}$ ]] && (( rest <= EPOCHSECONDS && EPOCHSECONDS - rest < 86400 )) && aged=no || return 1 ;;
      home) [ "$rest" = "$PWD" ] && home=yes || return 1 ;;
      path) [ "$rest" = "$PATH" ] && path=yes || return 1 ;;
      which) found=$(command -v -- "${rest%% *}" 2>/dev/null) || found=
             [ "$found" = "${rest#* }" ] && whiches=$((whiches + 1)) || return 1 ;;
      file) ids+=("${rest%% *}"); files+=("${rest#* }") ;;
      said) again+=("$rest") ;;
      end) ended=yes ;;
      *) return 1 ;;
    esac
  done < "$checked"
  [ "$aged$home$path$ended" = noyesyesyes ] && [ "$whiches" = "${#programs[@]}" ] && ((${#files[@]})) || return 1
  [ "$(identity "${files[@]}")" = "$(printf '%s\n' "${ids[@]}")" ] || return 1
  if ((${#again[@]})); then printf '%s\n' "${again[@]}" >&2; fi
}
if still_checked; then
  exit 0
fi
# a full check: what an earlier one kept no longer stands, whatever this one finds (only a clean one keeps anew)
rm -f "$checked" 2>/dev/null || true
started=${EPOCHSECONDS:-}

said=()      # what this check says, kept for the next start
chosen=()    # the files it rests on besides this script: a change to any means a full check
keep=yes     # no: the next start checks in full (this one warned or fell back)
say() { echo "setup: $*" >&2; }                       # what it does now
note() { echo "setup: $*" >&2; said+=("setup: $*"); }   # what it found, said again at the next starts
warn() { echo "WARNING: $*" >&2; keep=no; }
# newer_or_same A B: version A (2025.11.12, 2.1.4, ...) is B or later
newer_or_same() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]; }
first_line() { "$@" 2>/dev/null | head -n 1 || true; }

if [ "$(id -u)" = 0 ]; then sudo=(); elif command -v sudo >/dev/null 2>&1; then sudo=(sudo); else sudo=(none); fi
apt_updated=
apt_install() {
  if [ "${sudo[0]:-}" = none ] || ! command -v apt-get >/dev/null 2>&1; then
    return 1
  fi
  say "installing $* from the distribution's packages..."
  [ -n "$apt_updated" ] || { "${sudo[@]}" apt-get update -qq && apt_updated=1; }
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "$@" >/dev/null
}

# ffmpeg and ffprobe
if ! { command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; }; then
  apt_install ffmpeg || { echo "avqa-downloader needs ffmpeg: install it (Debian/Ubuntu: sudo apt-get install ffmpeg) and run again." >&2; exit 2; }
fi

# bsdtar (libarchive-tools): reads the authors' RAR and 7z archives as a stream
if ! command -v bsdtar >/dev/null 2>&1; then
  apt_install libarchive-tools || warn "bsdtar (Debian: libarchive-tools) cannot be had: RAR and 7z archives cannot be imported"
fi

# openssl: SHA-256 at the speed of the CPU's SHA instructions for a JVM without C2 (FileHash)
if ! command -v openssl >/dev/null 2>&1; then
  apt_install openssl || warn "openssl cannot be had: Java hashes the files, more slowly"
fi

# yt-dlp
venv=.tools/yt-dlp
recent=2025.11.12          # takes --js-runtimes: what YouTube needs today
youtube_minimum=2024.07.25 # older ones cannot extract YouTube's web formats
age_days() { # days since the release a yt-dlp version names (2026.08.19 -> days)
  local d; d=$(date -d "$(echo "$1" | cut -d. -f1-3 | tr . -)" +%s 2>/dev/null) || { echo 100000; return; }
  echo $(( ($(date +%s) - d) / 86400 ))
}
is_debians() { command -v dpkg >/dev/null 2>&1 && dpkg -S "$(readlink -f "$1")" >/dev/null 2>&1; }
pip_yt_dlp() {
  "$venv/bin/pip" install -q --disable-pip-version-check -U "yt-dlp[default]" >/dev/null 2>&1 && return 0
  say "yt-dlp[default] (with the yt-dlp-ejs scripts) cannot be had here; installing plain yt-dlp"
  "$venv/bin/pip" install -q --disable-pip-version-check -U yt-dlp >/dev/null 2>&1
}

on_path=$(command -v yt-dlp 2>/dev/null || true)
if [ -x "$venv/bin/yt-dlp" ]; then
  v=$(first_line "$venv/bin/yt-dlp" --version)
  # at most one try a day: pip may have nothing newer to offer, and asking costs time
  if [ "$(age_days "$v")" -gt 90 ] && [ -z "$(find "$venv/.update-tried" -mtime -1 2>/dev/null)" ]; then
    say "yt-dlp $v in $venv is more than 90 days old; updating it..."
    touch "$venv/.update-tried"
    pip_yt_dlp || say "could not update it; keeping $v"
  fi
elif [ -n "$on_path" ] && ! is_debians "$on_path" && newer_or_same "$(first_line "$on_path" --version)" "$recent"; then
  say "keeping your yt-dlp $(first_line "$on_path" --version) at $on_path"
else
  say "setting up a current yt-dlp in $venv (python3 -m venv, pip)..."
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    rm -rf "$venv"
    apt_install python3-venv && python3 -m venv "$venv" >/dev/null 2>&1 || rm -rf "$venv"
  fi
  if [ ! -x "$venv/bin/pip" ] || ! pip_yt_dlp; then
    rm -rf "$venv"
    say "could not set up yt-dlp with pip"
    keep=no # the next start tries again
  else
    touch "$venv/.update-tried"
  fi
fi
if [ -x "$venv/bin/yt-dlp" ]; then
  yt_dlp="$venv/bin/yt-dlp"
else
  yt_dlp=$(command -v yt-dlp 2>/dev/null || true)
  if [ -z "$yt_dlp" ]; then
    apt_install yt-dlp || { echo "avqa-downloader needs yt-dlp: run pip install -U \"yt-dlp[default]\" and run again." >&2; exit 2; }
    yt_dlp=$(command -v yt-dlp)
  fi
fi
v=$(first_line "$yt_dlp" --version)
if ! newer_or_same "$v" "$youtube_minimum"; then
  warn "yt-dlp $v at $yt_dlp is older than $youtube_minimum and cannot fetch from YouTube: YouTube downloads will be refused. Install python3-venv and run scripts/avqa.sh again, or run pip install -U \"yt-dlp[default]\"."
fi
note "yt-dlp $v at $yt_dlp"
chosen+=("$yt_dlp")
if [ "$yt_dlp" = "$venv/bin/yt-dlp" ]; then
  # its interpreter (a venv's python links to the system's) and its packages (yt-dlp-ejs installed, say)
  chosen+=("$(readlink -f "$venv/bin/python" || echo "$venv/bin/python")")
  for d in "$venv"/lib/python*/site-packages; do
    if [ -d "$d" ]; then chosen+=("$d"); fi
  done
elif ! newer_or_same "$v" "$recent" || is_debians "$yt_dlp"; then
  keep=no # Debian's, or another old one, for want of a current one: the next start tries again
fi
if [ "$yt_dlp" = "$venv/bin/yt-dlp" ] && ! "$venv/bin/python" -c 'import yt_dlp_ejs' >/dev/null 2>&1; then
  note "yt-dlp's EJS scripts (the yt-dlp-ejs package) are not installed: for YouTube, set avqa.tools.remote-components=ejs:npm (with deno) or ejs:github to let yt-dlp fetch them; see --doctor"
fi

# A JavaScript runtime for yt-dlp's YouTube support
deno_ok() { local v; v=$(first_line "$1" --version | sed -n 's/^deno \([0-9][0-9.]*\).*/\1/p'); [ -n "$v" ] && newer_or_same "$v" 2.0; }
if command -v deno >/dev/null 2>&1 && deno_ok deno; then
  note "JavaScript runtime: $(first_line deno --version) on PATH"
  chosen+=("$(command -v deno)")
elif [ -x .tools/deno/bin/deno ] && deno_ok .tools/deno/bin/deno; then
  note "JavaScript runtime: $(first_line .tools/deno/bin/deno --version) in .tools/deno"
  chosen+=(.tools/deno/bin/deno)
elif command -v npm >/dev/null 2>&1 && npm install --prefix .tools/deno --no-audit --no-fund --loglevel=error deno >/dev/null 2>&1 \
    && mkdir -p .tools/deno/bin && ln -sfn ../node_modules/.bin/deno .tools/deno/bin/deno && deno_ok .tools/deno/bin/deno; then
  say "JavaScript runtime: $(first_line .tools/deno/bin/deno --version) from the npm registry, in .tools/deno"
  said+=("setup: JavaScript runtime: $(first_line .tools/deno/bin/deno --version) in .tools/deno")
  chosen+=(.tools/deno/bin/deno)
elif command -v node >/dev/null 2>&1 && newer_or_same "$(first_line node --version | tr -d v)" 20; then
  note "JavaScript runtime: node $(first_line node --version) on PATH (deno could not be had)"
  keep=no # the next start tries deno again
else
  warn "no JavaScript runtime for yt-dlp (deno 2 or later, or node 20 or later): YouTube formats will be missing. Install deno, or node 20 or later, and run again."
fi

# What this check found, for the next start, when all was well (written whole under a name of its own, then
# renamed: two starts at once each write their own); its day counts from the check's start
if [ "$keep" = yes ] && [ -n "$started" ] && mkdir -p .tools 2>/dev/null; then
  kept=("at $started" "home $PWD" "path $PATH")
  for p in "${programs[@]}"; do kept+=("which $p $(command -v -- "$p" 2>/dev/null || true)"); done
  files=(scripts/setup-tools.sh "${chosen[@]}")
  if ids=$(identity "${files[@]}") && [ "$(printf '%s\n' "$ids" | wc -l)" = "${#files[@]}" ]; then
    i=0
    while IFS= read -r id; do kept+=("file $id ${files[$i]}"); i=$((i + 1)); done < <(printf '%s\n' "$ids")
    for l in "${said[@]}"; do kept+=("said $l"); done
    kept+=(end)
    if ! { printf '%s\n' "${kept[@]}" > "$checked.$$" && mv -f "$checked.$$" "$checked"; } 2>/dev/null; then
      rm -f "$checked.$$" 2>/dev/null || true
    fi
  fi
fi
