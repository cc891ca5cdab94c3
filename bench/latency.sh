#!/usr/bin/env bash
# secsearch tail latency: every query of the development set as a whole
# process, per class p50 / p99 / max, the slowest queries, and rg ratios.
#
#   bench/latency.sh                                  # wechat-10k, ~5 minutes
#   INDEX=~/idx CORPUS=~/articles bench/latency.sh    # an existing index
#   BASE=/tmp/secsearch-old bench/latency.sh          # paired before/after
#
# Environment (all optional):
#   CORPUS      the articles, a folder or .tar.zst (default
#               ../shared/corpus/wechat-10k.tar.zst); rg searches it
#   INDEX       an index of CORPUS made by this build (default: made now
#               in a temporary directory)
#   BIN         the secsearch binary to measure (default: a private copy of
#               this repository's release build)
#   BASE        a second binary to pair with run by run ("before");
#               BASE_INDEX its index of CORPUS (default: made now with BASE)
#   QUERIES     queries.jsonl(.gz) with "class" and "query", or a
#               KIND<TAB>QUERY list (default ../shared/eval-dev/queries.jsonl.gz)
#   CLASSES     comma-separated classes to keep (default: all)
#   RUNS        counted runs a query (default 5, after 1 warm-up)
#   RG_SAMPLE   queries a class compared with rg (default 3; 0 = no rg)
#   RG_RUNS     rg runs a query (default 3)
#   OUT         Markdown report (default bench/runs/DATE/latency.md; per-query
#               figures in the same name with .jsonl)
#
# Figures are wall-clock times: run nothing heavy next to it.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
abspath() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
CORPUS="$(abspath "${CORPUS:-$REPO/../shared/corpus/wechat-10k.tar.zst}")"
QUERIES="$(abspath "${QUERIES:-$REPO/../shared/eval-dev/queries.jsonl.gz}")"
OUT="$(abspath "${OUT:-$BENCH/runs/$(date -u +%Y-%m-%d)/latency.md}")"
RUNS="${RUNS:-5}"
RG_SAMPLE="${RG_SAMPLE:-3}"
RG_RUNS="${RG_RUNS:-3}"

say() { printf '%s\n' "$*" >&2; }
case "$RUNS$RG_SAMPLE$RG_RUNS" in *[!0-9]*) say "RUNS, RG_SAMPLE and RG_RUNS must be numbers"; exit 2 ;; esac

# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
tools=(python3 zstd)
[ "$RG_SAMPLE" -gt 0 ] && tools+=(rg)
[ -z "${BIN:-}" ] && tools+=(cargo)
need_tools "${tools[@]}"
[ -e "$CORPUS" ] || { say "corpus not found: $CORPUS (set CORPUS=...)"; exit 2; }
[ -f "$QUERIES" ] || { say "query set not found: $QUERIES (set QUERIES=...)"; exit 2; }

if [ -n "${BIN:-}" ]; then
    BIN="$(abspath "$BIN")"
    TMP="$(mktemp -d "${TMPDIR:-/tmp}/secsearch-latency.XXXXXX")"
    trap 'rm -rf "$TMP"' EXIT
    trap 'exit 130' INT TERM
else
    setup_workdir latency
    BIN="$TMP/secsearch"
fi
[ -x "$BIN" ] || { say "not an executable: $BIN"; exit 2; }

SRC="$(extract_corpus "$CORPUS" "$TMP/src")"

# index_with BINARY DIR: a fresh index of the corpus.
index_with() {
    say "indexing $SRC with $1 ..."
    "$1" index --rebuild --index "$2" "$SRC" >/dev/null
}

if [ -n "${INDEX:-}" ]; then
    INDEX="$(abspath "$INDEX")"
else
    INDEX="$TMP/index"
    index_with "$BIN" "$INDEX"
fi
base_args=()
if [ -n "${BASE:-}" ]; then
    BASE="$(abspath "$BASE")"
    if [ -n "${BASE_INDEX:-}" ]; then
        BASE_INDEX="$(abspath "$BASE_INDEX")"
    else
        BASE_INDEX="$TMP/base-index"
        index_with "$BASE" "$BASE_INDEX"
    fi
    base_args=(--base "$BASE" --base-index "$BASE_INDEX")
fi
rg_args=()
[ "$RG_SAMPLE" -gt 0 ] && rg_args=(--corpus "$SRC" --rg-sample "$RG_SAMPLE" --rg-runs "$RG_RUNS")

mkdir -p "$(dirname "$OUT")"
python3 "$BENCH/latency.py" --bin "$BIN" --index "$INDEX" "${base_args[@]}" "${rg_args[@]}" \
    --queries "$QUERIES" --classes "${CLASSES:-}" --runs "$RUNS" \
    --out "$OUT" --json "${OUT%.md}.jsonl"
