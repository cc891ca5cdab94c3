#!/usr/bin/env bash
# secsearch scale run: N synthetic articles recombined from the 10k set.
#
#   bench/scale.sh                 # N=100000: ~0.6 GB of articles, several minutes
#   N=20000 bench/scale.sh         # quicker
#
# Environment (all optional):
#   N        articles to generate (default 100000; 1000 a folder)
#   CORPUS   the source set, .tar.zst or folder (default ../shared/corpus/wechat-10k.tar.zst)
#   RUNS     runs per query and mode (default 10); RG_RUNS for rg (default 3, 0 = skip rg)
#   SEED     generator seed (default 20240329)
#   QUERIES  query list (default bench/queries.txt; the first query of each kind is used)
#   OUT      Markdown report (default bench/scale-results.md; raw figures in .json)
#   KEEP     a folder to keep the generated articles in (default: a temporary
#            directory, removed at exit)
#
# Steps: build; extract the source set; generate N articles (bench/scale_gen.py);
# index the first N/10 and all N with `secsearch index --rebuild` (wall time,
# peak RSS, index size); time one query of each kind at both sizes in three
# output modes; extrapolate index time/size and query latency to 1 M articles.
# Needs free disk of about 2.5 × N × 6 KB (articles + index).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
abspath() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
N="${N:-100000}"
CORPUS="$(abspath "${CORPUS:-$REPO/../shared/corpus/wechat-10k.tar.zst}")"
RUNS="${RUNS:-10}"
RG_RUNS="${RG_RUNS:-3}"
SEED="${SEED:-20240329}"
QUERIES="$(abspath "${QUERIES:-$BENCH/queries.txt}")"
OUT="$(abspath "${OUT:-$BENCH/scale-results.md}")"

say() { printf '%s\n' "$*" >&2; }
case "$N$RUNS$RG_RUNS$SEED" in *[!0-9]*) say "N, RUNS, RG_RUNS and SEED must be numbers"; exit 2 ;; esac
[ "$N" -ge 1 ] || { say "N must be >= 1"; exit 2; }

# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
tools=(zstd python3 gnu-time cargo)
[ "$RG_RUNS" -gt 0 ] && tools+=(rg)
need_tools "${tools[@]}"
[ -e "$CORPUS" ] || { say "corpus not found: $CORPUS (set CORPUS=...)"; exit 2; }

setup_workdir scale

SRC="$(extract_corpus "$CORPUS" "$TMP/src")"
if [ -n "${KEEP:-}" ]; then
    GEN="$(abspath "$KEEP")"
    [ ! -e "$GEN" ] || [ -z "$(ls -A "$GEN")" ] || { say "KEEP folder not empty: $GEN"; exit 2; }
else
    GEN="$TMP/gen"
fi
mkdir -p "$GEN" "$(dirname "$OUT")"

say "generating $N articles into $GEN ..."
start=$(date +%s.%N)
genline="$(python3 "$BENCH/scale_gen.py" "$SRC" "$GEN" "$N" "$SEED")"
gensecs=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$(date +%s.%N)")
say "$genline"

python3 "$BENCH/scale.py" --bin "$TMP/secsearch" --gen "$GEN" --n "$N" \
    --gen-line "$genline" --gen-seconds "$gensecs" --queries "$QUERIES" \
    --runs "$RUNS" --rg-runs "$RG_RUNS" --work "$TMP" --out "$OUT" --repo "$REPO" \
    --src "$SRC"
