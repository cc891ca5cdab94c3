#!/usr/bin/env bash
# Pathological markup: is the article reader linear in the input? For each
# construct that a careless Markdown cleaner scans back and forth over (an
# unclosed `[`, `![`, backtick, `<!--`, `<span `, `](`, `[a](`, `&#`,
# `http://`, a backslash; nested `[x](` ... `)`; a `[` a line), one article
# made of it repeated to N bytes, N doubling; `secsearch index --rebuild` of
# that one file is timed beside `rg -c` over the same file (a reader of the
# same bytes that does no markup work). Linear: the "x prev" column (the time
# over the time at half the size) stays at 2 or below (the fixed cost of an
# index run pulls it under 2 at small N), far from 4, the quadratic figure.
# The test suite only checks that these inputs are indexed and found
# (tests/hostile.rs, pathological_markup_is_indexed_and_found).
#
#   bench/pathological.sh                  # N = 100k .. 800k bytes, ~1 minute
#   SIZES="200000 400000 800000 1600000" RUNS=5 bench/pathological.sh
#
# Environment (all optional): SIZES (bytes of each input, default
# "100000 200000 400000 800000"), RUNS (timed runs a point, median kept,
# default 3), OUT (Markdown report, default bench/runs/YYYY-MM-DD/pathological.md).
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$BENCH/.." && pwd)"
SIZES="${SIZES:-100000 200000 400000 800000}"
RUNS="${RUNS:-3}"
OUT="${OUT:-}"
say() { printf '%s\n' "$*" >&2; }
case "$RUNS" in '' | *[!0-9]* | 0) say "RUNS must be a number above 0"; exit 2 ;; esac
for s in $SIZES; do
    case "$s" in *[!0-9]*) say "SIZES must be numbers: $SIZES"; exit 2 ;; esac
done
# shellcheck source=bench/lib.sh
source "$BENCH/lib.sh"
need_tools python3 rg cargo

[ -n "$OUT" ] || OUT="$(run_report pathological.md)"
setup_workdir pathological

python3 - "$TMP" "$RUNS" "$OUT" $SIZES <<'PY'
import os, statistics, subprocess, sys, time
tmp, runs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sizes = [int(s) for s in sys.argv[4:]]
units = ["[", "![", "`", "<!--", "<span ", "](", "[a](", "&#", "http://", "\\"]

def inputs(n):
    """(name, body) of every pathological article of about n bytes."""
    for u in units:
        yield repr(u), u * (n // len(u))
    half = n // 5  # "[x](" is 4 bytes and ")" one: n bytes in all
    yield "'[x](' * k + ')' * k", "[x](" * half + ")" * half
    yield "'[\\n' a line", "[\n" * (n // 2)

def median_time(cmd):
    times = []
    for _ in range(runs + 1):  # the first run warms the page cache, not counted
        t = time.perf_counter()
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t)
        if p.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.decode(errors='replace')}")
    return statistics.median(times[1:])

rows, prev = [], {}
for n in sizes:
    for k, (name, body) in enumerate(inputs(n)):
        folder = os.path.join(tmp, f"in-{n}-{k}")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "a.md")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: pathological {k}\n---\n\nzzmarkstart\n\n{body}\n\nzzmarkend\n")
        index = os.path.join(tmp, f"idx-{n}-{k}")
        ours = median_time([f"{tmp}/secsearch", "index", "--rebuild", "-q", "--index", index, folder])
        rg = median_time(["rg", "-c", "zzmarkend", path])
        growth = f"{ours / prev[name]:.2f}" if name in prev else ""
        prev[name] = ours
        rows.append((name, n, ours, rg, growth))
        print(f"{name:<26} {n:>9} B  secsearch index {ours * 1000:8.1f} ms  rg {rg * 1000:6.1f} ms  {growth}", file=sys.stderr)

with open(out, "w", encoding="utf-8") as f:
    f.write("# Pathological markup: index time against input size\n\n")
    f.write(f"`bench/pathological.sh`, sizes {' '.join(map(str, sizes))} bytes, median of {runs} runs "
            f"(after one warm-up); `secsearch index --rebuild` of one article beside `rg -c` over the same file. "
            "\"x prev\": the time over the time at the previous size (linear: 2 or below, "
            "the fixed cost of an index run pulling it under 2 at small sizes; quadratic: ~4).\n\n")
    f.write("| input | bytes | secsearch index (ms) | rg (ms) | x prev |\n|---|---:|---:|---:|---:|\n")
    for name, n, ours, rg, growth in rows:
        f.write(f"| `{name}` | {n} | {ours * 1000:.1f} | {rg * 1000:.1f} | {growth} |\n")
print(f"report: {out}", file=sys.stderr)
PY
