#!/usr/bin/env bash
# The indexing floor: `secsearch index --rebuild` of a folder beside what
# tantivy alone needs for that folder's `body` field (bench/programs/index_floor.rs),
# run in turn, RUNS times each. The second figure is a lower bound on the
# first on this machine: the goal "wechat-10k in <= 3 s" cannot be met where
# it is above 3 s.
#
#   bench/index_floor.sh                       # wechat-10k, ~1 minute
#   CORPUS=~/articles RUNS=5 bench/index_floor.sh
#
# Environment (all optional): CORPUS (folder or .tar.zst, default
# ../shared/corpus/wechat-10k.tar.zst), RUNS (default 3), OUT (Markdown
# report, default bench/runs/YYYY-MM-DD/index-floor.md).
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
CORPUS="${CORPUS:-$REPO/../shared/corpus/wechat-10k.tar.zst}"
RUNS="${RUNS:-3}"
OUT="${OUT:-}"
say() { printf '%s\n' "$*" >&2; }
case "$RUNS" in '' | *[!0-9]*) say "RUNS must be a number"; exit 2 ;; esac
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
need_tools python3 zstd cargo
[ -e "$CORPUS" ] || { say "corpus not found: $CORPUS (set CORPUS=...)"; exit 2; }

[ -n "$OUT" ] || OUT="$(run_report index-floor.md)"
setup_workdir floor
DIR="$(extract_corpus "$CORPUS" "$TMP/corpus")"
floor_bin="$(bench_program index_floor)"
[ -n "$floor_bin" ] || { say "cannot build bench/programs/index_floor.rs (cargo bench --no-run --bench index_floor)"; exit 2; }
cp "$floor_bin" "$TMP/index_floor"

python3 - "$TMP" "$DIR" "$RUNS" "$OUT" "$CORPUS" <<'PY'
import os, re, statistics, subprocess, sys, time
tmp, corpus, runs, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
full_cmd = [f"{tmp}/secsearch", "index", "--rebuild", "-q", "--index", f"{tmp}/full", corpus]
floor_cmd = [f"{tmp}/index_floor", corpus, f"{tmp}/floor"]
full, floor, floor_whole = [], [], []
for i in range(runs + 1):  # the first pair warms the page cache, not counted
    t = time.perf_counter()
    subprocess.run(full_cmd, check=True)
    dt = time.perf_counter() - t
    subprocess.run(["rm", "-rf", f"{tmp}/floor"], check=True)
    t = time.perf_counter()
    said = subprocess.run(floor_cmd, check=True, capture_output=True, text=True).stdout
    dt_floor_whole = time.perf_counter() - t
    m = re.search(r"body field only: ([0-9.]+) s", said)
    if i > 0:
        full.append(dt); floor.append(float(m.group(1))); floor_whole.append(dt_floor_whole)
    print(f"run {i}: index {dt:.2f} s, body field alone {m.group(1)} s", file=sys.stderr)
cpu = os.cpu_count()
model = ""
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip(); break
except OSError:
    pass
med = statistics.median
text = f"""# Indexing floor (bench/index_floor.sh)

{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {cpu} cores ({model}); corpus `{os.path.basename(os.path.normpath(sys.argv[5]))}`; {runs} runs each, in turn, after one warm-up pair.

| what | median s | min s | max s |
|---|--:|--:|--:|
| `secsearch index --rebuild` (whole process) | {med(full):.2f} | {min(full):.2f} | {max(full):.2f} |
| tantivy, `body` field alone (timed part of `bench/programs/index_floor.rs`) | {med(floor):.2f} | {min(floor):.2f} | {max(floor):.2f} |

The second line is tantivy's writer (two threads, the same memory budget) indexing only the `body` field's recall tokens, the files already read and cleaned: a lower bound on the first line on this machine.
"""
open(out, "w").write(text)
print(text)
PY
say "wrote $OUT"
