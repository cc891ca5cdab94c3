#!/usr/bin/env bash
# Ranking benchmark: the development query set (../shared/eval-dev/).
#
#   bench/devset.sh [BINARY]          # default target/release/secsearch (built)
#
# Runs ../shared/eval-dev/run.py on wechat-10k: recall / precision per query
# class and success@1 / success@10 / MRR@10 for the 150 known-item queries.
# bench/README.md holds the current figures; docs/ranking.md explains them.
# Equal scores are ordered by date and content hash, not document order, so
# two index builds of one binary rank alike.
#
# Environment (optional):
#   SECSEARCH_DEV_CACHE  where run.py extracts the corpus and caches one index
#                        per binary build (default ~/.cache/secsearch-dev-eval)
#   CLASSES              e.g. known_item (default: every class)
#   SHOW                 list the N worst queries of each class (default 0)
#   JSON                 also write one JSON line per query here
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
evaldir="$here/../shared/eval-dev"
bin=${1:-}
if [[ -z "$bin" ]]; then
    (cd "$here" && cargo build --release --quiet)
    bin="$here/target/release/secsearch"
fi
args=(--show "${SHOW:-0}")
[[ -n "${CLASSES:-}" ]] && args+=(--classes "$CLASSES")
[[ -n "${JSON:-}" ]] && args+=(--json "$JSON")
exec python3 "$evaldir/run.py" "$bin" "${args[@]}"
