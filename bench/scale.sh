#!/usr/bin/env bash
# secsearch scale run: N synthetic articles recombined from the 10k set,
# measured at 10k, 100k and 1M articles (the first folders of one set).
#
#   bench/scale.sh                 # N=1000000: ~5.8 GB of articles + ~3.5 GB of
#                                  # index; an hour or more on 2 cores
#   N=100000 bench/scale.sh        # 10k and 100k only: ~15 minutes
#   GEN=/big/disk/gen bench/scale.sh   # reuse (or keep) the generated articles
#
# Environment (all optional):
#   N        articles to generate (default 1000000; 1000 a folder)
#   POINTS   sizes to measure (default 10000,100000,1000000; each at most N)
#   GEN      folder of generated articles: used as it is when it already holds
#            N articles, else generated into (must then be empty or new);
#            default: a temporary directory, removed at exit
#   DEVSET   dev-set queries for per-class p50/p99 (default
#            ../shared/eval-dev/queries.jsonl.gz; none: skipped)
#   RG_MAX   no rg above this many articles (default 100000)
#   CORPUS   the source set, .tar.zst or folder (default ../shared/corpus/wechat-10k.tar.zst)
#   RUNS     runs per query and mode (default 10); RG_RUNS for rg (default 3, 0 = skip rg)
#   SEED     generator seed (default 20240329)
#   QUERIES  query list (default bench/queries.txt; the first query of each kind is used)
#   OUT      Markdown report (default bench/runs/DATE/scale.md; raw figures in .json)
#

# Steps: build; extract the source set; generate N articles (bench/scale_gen.py);
# at each size: `secsearch index --rebuild` (wall time, peak RSS, index size,
# segments) and `secsearch index` again with nothing changed; `search -l -n 0`
# of a term in most articles (time to the first path, peak RSS); every dev-set
# query (p50/p99 per class); one query of each kind of bench/queries.txt in
# three output modes. Needs free disk of about N × 6 KB for the articles plus
# N × 3.5 KB for each size's index (the indexes are kept until the end).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
abspath() { case "$1" in /*) printf '%s\n' "$1" ;; *) printf '%s\n' "$PWD/$1" ;; esac; }
N="${N:-1000000}"
POINTS="${POINTS:-10000,100000,1000000}"
RG_MAX="${RG_MAX:-100000}"
DEVSET="$(abspath "${DEVSET:-$REPO/../shared/eval-dev/queries.jsonl.gz}")"
CORPUS="$(abspath "${CORPUS:-$REPO/../shared/corpus/wechat-10k.tar.zst}")"
RUNS="${RUNS:-10}"
RG_RUNS="${RG_RUNS:-3}"
SEED="${SEED:-20240329}"
QUERIES="$(abspath "${QUERIES:-$BENCH/queries.txt}")"
OUT="$(abspath "${OUT:-$BENCH/runs/$(date -u +%Y-%m-%d)/scale.md}")"

say() { printf '%s\n' "$*" >&2; }
case "$N$RUNS$RG_RUNS$SEED$RG_MAX" in *[!0-9]*) say "N, RUNS, RG_RUNS and SEED must be numbers"; exit 2 ;; esac
[ "$N" -ge 1 ] || { say "N must be >= 1"; exit 2; }

# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
tools=(zstd python3 gnu-time cargo)
[ "$RG_RUNS" -gt 0 ] && tools+=(rg)
need_tools "${tools[@]}"
[ -e "$CORPUS" ] || { say "corpus not found: $CORPUS (set CORPUS=...)"; exit 2; }

setup_workdir scale

SRC="$(extract_corpus "$CORPUS" "$TMP/src")"
if [ -n "${GEN:-}" ]; then
    GEN="$(abspath "$GEN")"
else
    GEN="$TMP/gen"
fi
mkdir -p "$GEN" "$(dirname "$OUT")"

have=$(find "$GEN" -name '*.md' | wc -l)
if [ "$have" -eq "$N" ]; then
    genline="$N files (generated earlier, seed $SEED)"
    gensecs=0
    say "using the $N articles already in $GEN"
else
    [ "$have" -eq 0 ] || { say "GEN folder holds $have articles, not $N: $GEN"; exit 2; }
    say "generating $N articles into $GEN ..."
    start=$(date +%s.%N)
    genline="$(python3 "$BENCH/scale_gen.py" "$SRC" "$GEN" "$N" "$SEED")"
    gensecs=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$(date +%s.%N)")
    say "$genline"
fi
[ -f "$DEVSET" ] || { say "no dev set at $DEVSET: per-class latency skipped"; DEVSET=""; }

python3 "$BENCH/scale.py" --bin "$TMP/secsearch" --gen "$GEN" --n "$N" \
    --gen-line "$genline" --gen-seconds "$gensecs" --queries "$QUERIES" \
    --runs "$RUNS" --rg-runs "$RG_RUNS" --rg-max "$RG_MAX" --points "$POINTS" \
    --devset "$DEVSET" --work "$TMP" --out "$OUT" --repo "$REPO" --src "$SRC"
