#!/usr/bin/env python3
"""Tail latency of `secsearch search -l -n 0` per query class (bench/latency.sh).

Times every query of a query set as a whole process, the way
../shared/eval-dev/run.py runs it (terms split on whitespace), RUNS times
after WARMUP runs, optionally paired run by run with a second binary and its
own index (BASE, BASE_INDEX: "before" against "after"), and compares a sample
of each class with `rg -F -i -l` over the article folder. Writes a Markdown
report: per class p50 / p99 / max, the slowest queries, the rg ratios.

p50 and p99 are over every timed run of every query of the class (a class of
40 queries at RUNS=5 has 200 runs); "worst q" is the slowest query's median.
"""
import argparse
import gzip
import json
import os
import resource
import shlex
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench import rg_cmd, ss_cmd  # noqa: E402
from bench import run_timed as run_checked  # noqa: E402


def run_timed(cmd):
    """-> (wall ms, CPU ms (user + sys), stdout) of one whole process. The
    CPU time is the child's own (the difference of RUSAGE_CHILDREN around
    one run): on a machine shared with other work it moves much less than
    the wall time, so both are reported."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    ms, out, _ = run_checked(cmd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000.0
    return ms, cpu, out


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def pct(xs, p):
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


def read_queries(path):
    """[(class, query)] from a .jsonl(.gz) with class and query, or a
    KIND<TAB>QUERY text file (bench/queries.txt)."""
    opener = gzip.open if path.endswith(".gz") else open
    out = []
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            if line.lstrip().startswith("{"):
                r = json.loads(line)
                out.append((r["class"], r["query"]))
            else:
                kind, _, q = line.partition("\t")
                out.append((kind, q))
    return out


def time_query(cmd, runs, warmup):
    """-> ([wall ms of each counted run], [CPU ms …], hit lines of the last run)."""
    for _ in range(warmup):
        run_timed(cmd)
    ms, cpu, out = [], [], b""
    for _ in range(runs):
        t, c, out = run_timed(cmd)
        ms.append(t)
        cpu.append(c)
    return ms, cpu, out.count(b"\n")


def time_pair(cmd_a, cmd_b, runs, warmup):
    """A and B in turn, A B A B …, so that drift hits both alike.
    -> (A's time_query result, B's)."""
    for _ in range(warmup):
        run_timed(cmd_a)
        run_timed(cmd_b)
    a_ms, a_cpu, b_ms, b_cpu = [], [], [], []
    out_a = out_b = b""
    for _ in range(runs):
        t, c, out_a = run_timed(cmd_a)
        a_ms.append(t)
        a_cpu.append(c)
        t, c, out_b = run_timed(cmd_b)
        b_ms.append(t)
        b_cpu.append(c)
    return (a_ms, a_cpu, out_a.count(b"\n")), (b_ms, b_cpu, out_b.count(b"\n"))


def rg_sample(rows, per_class):
    """Up to per_class queries of each class, spread over the class (its
    slowest secsearch query first: the ratio that matters is the worst)."""
    by = {}
    for r in rows:
        by.setdefault(r["class"], []).append(r)
    out = []
    for c, rs in by.items():
        worst = max(rs, key=lambda r: statistics.median(r["ms"]))
        pick = [worst]
        step = max(1, len(rs) // max(1, per_class))
        for r in rs[::step]:
            if len(pick) >= per_class:
                break
            if r is not worst:
                pick.append(r)
        out.extend(pick)
    return out


def fmt(x):
    return "%.1f" % x


def class_table(rows, prefix, title):
    """Per class: wall p50/p99/max, CPU p50/p99, and the slowest query."""
    key, ckey = prefix + "ms", prefix + "cpu"
    classes = []
    for r in rows:
        if r["class"] not in classes:
            classes.append(r["class"])
    lines = ["### " + title, "",
             "| class | n | p50 ms | p99 ms | max ms | CPU p50 ms | CPU p99 ms | worst q (median ms) |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for c in classes + ["ALL"]:
        rs = [r for r in rows if c == "ALL" or r["class"] == c]
        ms = [t for r in rs for t in r[key]]
        cpu = [t for r in rs for t in r[ckey]]
        worst = max(rs, key=lambda r: statistics.median(r[key]))
        lines.append("| %s | %d | %s | %s | %s | %s | %s | `%s` (%s) |" % (
            c, len(rs), fmt(pct(ms, 50)), fmt(pct(ms, 99)), fmt(max(ms)),
            fmt(pct(cpu, 50)), fmt(pct(cpu, 99)),
            worst["query"], fmt(statistics.median(worst[key]))))
    return lines


def name(path):
    """A path as the report shows it: its last component, never the machine's
    folders (reports are kept in the repository)."""
    return os.path.basename(os.path.normpath(path)) if path else path


def report(args, rows, rg_rows, startup):
    paired = args.base is not None
    now = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    out = ["# secsearch tail latency (bench/latency.sh)", "",
           "%s; index `%s`; %d queries of `%s`; %d counted runs a query after %d warm-up; "
           "whole process `secsearch search --index IDX -l -n 0 TERMS…` (as run.py times it), "
           "wall ms from a Python parent (fork+exec+wait included). Machine: %d cores, "
           "load average at start %s." % (
               now, name(args.index), len(rows), os.path.basename(args.queries), args.runs,
               args.warmup, os.cpu_count() or 0, args.load), ""]
    if paired:
        out += ["Paired: each run of `%s` (index `%s`) is followed by one of `%s` (index `%s`)." % (
            name(args.bin), name(args.index), name(args.base), name(args.base_index)), ""]
    out += ["Startup (a query with no hit, `%s`): median %s ms wall, %s ms CPU%s." % (
        args.empty, fmt(statistics.median(startup[0][0])), fmt(statistics.median(startup[0][1])),
        "; base %s ms wall, %s ms CPU" % (fmt(statistics.median(startup[1][0])),
                                         fmt(statistics.median(startup[1][1])))
        if paired else ""), ""]
    out += class_table(rows, "", "secsearch" + (" (after)" if paired else "")) + [""]
    if paired:
        out += class_table(rows, "base_", "base (before)") + [""]
        out += ["Per-query ratio base/after of medians, per class (median, min):", ""]
        by = {}
        for r in rows:
            by.setdefault(r["class"], []).append(
                statistics.median(r["base_ms"]) / statistics.median(r["ms"]))
        out += ["| class | median ratio | min ratio |", "|---|---:|---:|"]
        for c, xs in by.items():
            out.append("| %s | %.2f× | %.2f× |" % (c, statistics.median(xs), min(xs)))
        out.append("")
    out += ["### Slowest %d queries (median ms)" % args.slowest, "",
            "| query | class | hits | median | max | CPU median |" +
            (" base median | base CPU median |" if paired else ""),
            "|---|---|---:|---:|---:|---:|" + ("---:|---:|" if paired else "")]
    for r in sorted(rows, key=lambda r: -statistics.median(r["ms"]))[:args.slowest]:
        out.append("| `%s` | %s | %d | %s | %s | %s |%s" % (
            r["query"], r["class"], r["hits"], fmt(statistics.median(r["ms"])),
            fmt(max(r["ms"])), fmt(statistics.median(r["cpu"])),
            " %s | %s |" % (fmt(statistics.median(r["base_ms"])),
                            fmt(statistics.median(r["base_cpu"]))) if paired else ""))
    out.append("")
    if rg_rows:
        out += ["### Against `rg -F -i -l` over `%s`" % name(args.corpus), "",
                "%d queries a class (the class's slowest first), %d rg runs each; AND queries "
                "chain rg over the previous term's files. Ratio = rg median / secsearch median." % (
                    args.rg_sample, args.rg_runs), "",
                "| class | queries | rg median ms | secsearch median ms | min ratio | median ratio |",
                "|---|---:|---:|---:|---:|---:|"]
        by = {}
        for r in rg_rows:
            by.setdefault(r["class"], []).append(r)
        for c, rs in by.items():
            ratios = [statistics.median(r["rg_ms"]) / statistics.median(r["ms"]) for r in rs]
            out.append("| %s | %d | %s | %s | %.1f× | %.1f× |" % (
                c, len(rs), fmt(statistics.median([statistics.median(r["rg_ms"]) for r in rs])),
                fmt(statistics.median([statistics.median(r["ms"]) for r in rs])),
                min(ratios), statistics.median(ratios)))
        out.append("")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--index", required=True)
    ap.add_argument("--base", help="a second binary to pair with (before)")
    ap.add_argument("--base-index")
    ap.add_argument("--corpus", help="article folder for rg (no rg without it)")
    ap.add_argument("--queries", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--rg-sample", type=int, default=3)
    ap.add_argument("--rg-runs", type=int, default=3)
    ap.add_argument("--slowest", type=int, default=10)
    ap.add_argument("--classes", default="")
    ap.add_argument("--empty", default="zqxjvkw")
    ap.add_argument("--out", required=True)
    ap.add_argument("--json")
    args = ap.parse_args()
    args.load = open("/proc/loadavg").read().split()[0] if os.path.exists("/proc/loadavg") else "?"
    want = {c for c in args.classes.split(",") if c}
    queries = [(c, q) for c, q in read_queries(args.queries) if not want or c in want]
    paired = args.base is not None

    def cmd(binary, index, terms):
        return ss_cmd(binary, index, terms)

    e = [args.empty]
    if paired:
        startup = time_pair(cmd(args.bin, args.index, e), cmd(args.base, args.base_index, e),
                            max(args.runs, 10), args.warmup)
    else:
        startup = (time_query(cmd(args.bin, args.index, e), max(args.runs, 10), args.warmup),)
    rows = []
    for i, (c, q) in enumerate(queries):
        terms = q.split()
        if paired:
            (a, ac, h), (b, bc, hb) = time_pair(cmd(args.bin, args.index, terms),
                                                cmd(args.base, args.base_index, terms),
                                                args.runs, args.warmup)
            row = {"class": c, "query": q, "ms": a, "cpu": ac, "base_ms": b, "base_cpu": bc,
                   "hits": h, "base_hits": hb}
            if h != hb:
                log("note: %r: %d hits, base %d" % (q, h, hb))
        else:
            a, ac, h = time_query(cmd(args.bin, args.index, terms), args.runs, args.warmup)
            row = {"class": c, "query": q, "ms": a, "cpu": ac, "hits": h}
        rows.append(row)
        if (i + 1) % 50 == 0:
            log("%d/%d queries" % (i + 1, len(queries)))
    rg_rows = []
    if args.corpus and args.rg_runs > 0 and args.rg_sample > 0:
        sample = rg_sample(rows, args.rg_sample)
        log("rg: %d queries x %d runs ..." % (len(sample), args.rg_runs))
        for r in sample:
            rg_ms, _, _ = time_query(rg_cmd(args.corpus, r["query"].split()), args.rg_runs, 0)
            rg_rows.append({**r, "rg_ms": rg_ms})
    text = report(args, rows, rg_rows, startup)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
    log("wrote %s; command lines: %s" % (args.out, " ".join(
        shlex.quote(x) for x in cmd(args.bin, args.index, ["QUERY"]))))


if __name__ == "__main__":
    main()
