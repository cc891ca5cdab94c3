#!/usr/bin/env bash
# secsearch benchmark: indexing and search against ripgrep and SQLite FTS5.
#
#   bench/run.sh                      # a few minutes on 2 cores
#
# Environment (all optional):
#   CORPUS      the articles, a .tar.zst (default: ../shared/corpus/wechat-10k.tar.zst
#               relative to the repository) or a folder of article files
#   RUNS        warm runs per query and system (default 20)
#   INDEX_RUNS  indexing runs per system, the median is reported (default 3)
#   QUERIES     query list, KIND<TAB>QUERY a line (default bench/queries.txt)
#   OUT         Markdown report (default bench/runs/DATE/rg-fts5.md; raw figures go to
#               the same name with .json)
#
# What it does: checks (and, as root, apt-installs) ripgrep, sqlite3 with
# FTS5 trigram, zstd, GNU time, python3; builds secsearch (release); extracts
# the corpus into a temporary directory (removed at exit); indexes it with
# `secsearch index --rebuild` and with SQLite FTS5 (bench/fts5_load.py); runs
# every query as a whole process with secsearch, `rg -F -i -l` and the sqlite3
# CLI (one cold run with the system's files evicted from the page cache, then
# RUNS warm runs) and writes the tables to OUT and stdout. The harness is
# bench/bench.py; hyperfine is not needed (the harness also checks hit counts
# and evicts caches between runs).
#
# Scale run (separate, takes longer):  bench/scale.sh   (N=100000 synthetic
# articles recombined from the corpus; see the top of that script).
#
# Run nothing heavy next to it: the figures are wall-clock times.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
abspath() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
CORPUS="$(abspath "${CORPUS:-$REPO/../shared/corpus/wechat-10k.tar.zst}")"
RUNS="${RUNS:-20}"
INDEX_RUNS="${INDEX_RUNS:-3}"
QUERIES="$(abspath "${QUERIES:-$BENCH/queries.txt}")"
OUT="$(abspath "${OUT:-$BENCH/runs/$(date -u +%Y-%m-%d)/rg-fts5.md}")"

say() { printf '%s\n' "$*" >&2; }

# ---------------------------------------------------------------- 1. tools
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
need_tools rg sqlite3 zstd python3 gnu-time cargo

[ -e "$CORPUS" ] || { say "corpus not found: $CORPUS (set CORPUS=...)"; exit 2; }
[ -f "$QUERIES" ] || { say "query list not found: $QUERIES"; exit 2; }
case "$RUNS$INDEX_RUNS" in *[!0-9]*) say "RUNS and INDEX_RUNS must be numbers"; exit 2 ;; esac

# ---------------------------------------------------------------- 2. build, extract
setup_workdir bench

DATA="$(extract_corpus "$CORPUS" "$TMP/corpus")"
mkdir -p "$(dirname "$OUT")"

# ---------------------------------------------------------------- 3-5. measure, report
python3 "$BENCH/bench.py" --bin "$TMP/secsearch" --data "$DATA" --work "$TMP" \
    --queries "$QUERIES" --runs "$RUNS" --index-runs "$INDEX_RUNS" \
    --out "$OUT" --repo "$REPO" --corpus-name "$(basename "$CORPUS")"
