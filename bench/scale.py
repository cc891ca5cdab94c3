#!/usr/bin/env python3
"""Measurement behind bench/scale.sh: index a synthetic set at growing sizes
(10k, 100k, 1M articles: the first folders of one generated set), and at each
size time the indexing (wall, peak RSS, index size, a second run with nothing
changed), the queries of every dev-set class (p50/p99 of whole-process
`search -n 10`), one query of each kind of bench/queries.txt in three output
modes, and `search -l -n 0` of a term in most articles (wall, peak RSS, time
to the first path). See bench/scale.sh for the command line users run."""
import argparse
import gzip
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402
from bench import evict, fms, log, median, run_timed, time_rss  # noqa: E402


def index_point(args, dirs, name):
    idx = os.path.join(args.work, "index-" + name)
    n_docs, n_bytes = bench.corpus_stats(dirs)
    evict(dirs)
    log("index %s: %d files, %.0f MB ..." % (name, n_docs, n_bytes / 1e6))
    t0 = time.time()
    wall, rss, _, err = time_rss([args.bin, "index", "--index", idx, "--rebuild", *dirs],
                                 cwd=args.work)
    summary = (err.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
    log("   %.1f s, peak RSS %.0f MB; %s" % (wall, rss * 1024 / 1e6, summary))
    size = bench.tree_bytes([idx])
    orphan = bench.tantivy_orphans(idx) or 0
    with open(os.path.join(idx, "meta.json"), encoding="utf-8") as f:
        segments = len(json.load(f)["segments"])
    again, again_rss, _, _ = time_rss([args.bin, "index", "-q", "--index", idx, *dirs],
                                      cwd=args.work)
    log("   %d segments; again with nothing changed: %.2f s, %.0f MB"
        % (segments, again, again_rss * 1024 / 1e6))
    return {"name": name, "docs": n_docs, "bytes": n_bytes, "seconds": wall,
            "rss_mb": rss * 1024 / 1e6, "disk_bytes": size, "orphan_bytes": orphan,
            "index_bytes": size - orphan, "index": idx, "dirs": dirs, "started": t0,
            "segments": segments, "again_seconds": again,
            "again_rss_mb": again_rss * 1024 / 1e6}


MODES = [
    ("list", ("-l", "-n", "0"), "`-l -n 0` (every path)"),
    ("count", ("-c",), "`-c` (count)"),
    ("top10", ("-n", "10"), "default: top 10 ranked, with snippets"),
]


def kind_queries(args, point, queries):
    """One query of each kind in three output modes (and rg -l)."""
    res = []
    use_rg = args.rg_runs > 0 and point["docs"] <= args.rg_max
    for kind, terms in queries:
        r = {"kind": kind, "query": " ".join(terms)}
        for mode, flags, _ in MODES:
            cmd = bench.ss_cmd(args.bin, point["index"], terms, flags)
            _, out, _ = run_timed(cmd, cwd=args.work)  # warm-up
            if mode == "count":
                r["hits"] = int(out.strip() or b"0")
            r[mode] = median([run_timed(cmd, cwd=args.work)[0] for _ in range(args.runs)])
        if use_rg:
            cmd = bench.rg_cmd(point["dirs"], terms)
            run_timed(cmd, cwd=args.work)
            r["rg"] = median([run_timed(cmd, cwd=args.work)[0] for _ in range(args.rg_runs)])
        log("   %-8s %-28s hits %7d  list %s  count %s  top10 %s  rg %s ms" % (
            point["name"], r["query"], r["hits"], fms(r["list"]), fms(r["count"]),
            fms(r["top10"]), fms(r.get("rg"))))
        res.append(r)
    return res


def pct(xs, p):
    """The p-th percentile (nearest rank) of xs."""
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, int(round(p / 100.0 * len(s) + 0.5)) - 1))]


def class_queries(args, point, devset):
    """Every dev-set query as `search -n 10` (the default output: ranked,
    with snippets), once after a warm-up pass: per class p50, p99, max."""
    by_class = {}
    for rec in devset:  # warm-up: the index files into the page cache
        run_timed(bench.ss_cmd(args.bin, point["index"], rec["query"].split(), ("-c",)),
                  cwd=args.work)
    for rec in devset:
        cmd = bench.ss_cmd(args.bin, point["index"], rec["query"].split(), ("-n", "10"))
        ms = run_timed(cmd, cwd=args.work)[0]
        by_class.setdefault(rec["class"], []).append((ms, rec["query"]))
    out = {}
    for c, xs in sorted(by_class.items()):
        ms = [x for x, _ in xs]
        worst = max(xs)
        out[c] = {"n": len(ms), "p50": pct(ms, 50), "p99": pct(ms, 99), "max": worst[0],
                  "slowest": worst[1]}
        log("   %-8s %-10s n %3d  p50 %s  p99 %s  max %s (%s)" % (
            point["name"], c, len(ms), fms(out[c]["p50"]), fms(out[c]["p99"]),
            fms(worst[0]), worst[1]))
    return out


def list_stream(args, point, term):
    """`search -l -n 0 TERM`: wall, peak RSS and the time to the first path,
    which shows whether paths are printed as they are found."""
    cmd = ["/usr/bin/time", "-f", "%e %M", "-o", os.path.join(args.work, "list.time"),
           *bench.ss_cmd(args.bin, point["index"], [term], ("-l", "-n", "0"))]
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         cwd=args.work)
    first = p.stdout.readline()
    t_first = (time.perf_counter() - t0) * 1000.0
    lines = (1 if first else 0) + sum(1 for _ in p.stdout)
    p.wait()
    t_all = (time.perf_counter() - t0) * 1000.0
    with open(os.path.join(args.work, "list.time")) as f:
        kb = [l for l in f.read().splitlines() if l.strip()][-1].split()[1]
    r = {"term": term, "paths": lines, "first_ms": t_first, "wall_ms": t_all,
         "rss_mb": int(kb) * 1024 / 1e6}
    log("   %-8s -l %s: %d paths, first after %s ms, all %s ms, peak RSS %.0f MB" % (
        point["name"], term, lines, fms(t_first), fms(r["wall_ms"]), r["rss_mb"]))
    return r


def read_devset(path):
    if not path or not os.path.exists(path):
        return []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def report(args, info, points, qres, cres, lres, queries):
    L = []
    w = L.append
    w("# secsearch scale run: synthetic articles")
    w("")
    w("- date: %s; machine: %s CPUs, %s, %s RAM; secsearch commit `%s`" % (
        info["date"], info["nproc"], info["cpu"], info["mem"], info["commit"]))
    w("- articles generated by `bench/scale_gen.py` from the 10k set (titles, sources, "
      "dates and paragraphs recombined; real size distribution): %s; generation wall "
      "time (incl. writing the files) %.1f s" % (args.gen_line, args.gen_seconds))
    w("- each point indexes the first folders of the one generated set (1,000 articles "
      "a folder), so the smaller sets are part of the larger")
    w("- load average at the end: %s (a shared machine: other jobs ran beside this one, "
      "so wall times are upper bounds)" % " ".join(open("/proc/loadavg").read().split()[:3]))
    w("")
    w("## Indexing (`secsearch index --rebuild`, input evicted from the page cache first)")
    w("")
    w("| articles | input MB | seconds | MB/s | docs/s | peak RSS MB | index MB (live) | "
      "index ÷ input | segments | again, nothing changed: s / MB |")
    w("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for p in points:
        w("| %d | %.0f | %.1f | %.1f | %.0f | %.0f | %.0f | %.2f | %d | %.2f / %.0f |" % (
            p["docs"], p["bytes"] / 1e6, p["seconds"], p["bytes"] / 1e6 / p["seconds"],
            p["docs"] / p["seconds"], p["rss_mb"], p["index_bytes"] / 1e6,
            p["index_bytes"] / p["bytes"], p["segments"], p["again_seconds"],
            p["again_rss_mb"]))
    w("")
    if cres:
        w("## Queries by dev-set class: whole-process `search -n 10` ms, p50 / p99")
        w("")
        w("Every query of `../shared/eval-dev/queries.jsonl.gz` (508, built on the real "
          "10k set; the synthetic articles reuse its paragraphs) once, after a warm-up "
          "pass. p99 of a class of ~50 queries is about its slowest query.")
        w("")
        hdr, sep = "| class |", "|---|"
        for p in points:
            hdr += " @%d p50 | p99 |" % p["docs"]
            sep += "--:|--:|"
        w(hdr)
        w(sep)
        for c in sorted(cres[points[0]["name"]]):
            row = "| %s |" % c
            for p in points:
                r = cres[p["name"]].get(c)
                row += " %s | %s |" % (fms(r["p50"]), fms(r["p99"])) if r else " | |"
            w(row)
        w("")
        w("Slowest query at the largest point, by class: " + "; ".join(
            "%s `%s` %s ms" % (c, r["slowest"], fms(r["max"]))
            for c, r in sorted(cres[points[-1]["name"]].items())))
        w("")
    w("## `search -l -n 0` of a term in most articles")
    w("")
    w("| articles | term | paths | first path ms | all ms | peak RSS MB |")
    w("|--:|---|--:|--:|--:|--:|")
    for p in points:
        r = lres[p["name"]]
        w("| %d | %s | %d | %s | %s | %.0f |" % (p["docs"], r["term"], r["paths"],
                                               fms(r["first_ms"]), fms(r["wall_ms"]),
                                               r["rss_mb"]))
    w("")
    w("## One query of each kind: median whole-process ms (%d runs after one warm-up; "
      "rg: %d runs, up to %d articles)" % (args.runs, args.rg_runs, args.rg_max))
    w("")
    hdr, sep = "| query | kind |", "|---|---|"
    for p in points:
        hdr += " hits @%d | list | count | top10 | rg -l |" % p["docs"]
        sep += "--:|--:|--:|--:|--:|"
    w(hdr)
    w(sep)
    for i, (kind, terms) in enumerate(queries):
        row = "| %s | %s |" % (" ".join(terms), kind)
        for p in points:
            r = qres[p["name"]][i]
            row += " %d | %s | %s | %s | %s |" % (r["hits"], fms(r["list"]), fms(r["count"]),
                                                  fms(r["top10"]), fms(r.get("rg")))
        w(row)
    w("")
    w("list = `search -l -n 0` (prints every matching path), count = `search -c`, "
      "top10 = `search -n 10` (ranked, with snippets). rg: `rg -F -i -l` over the "
      "generated files. Recombining paragraphs of different articles raises the share "
      "of articles that hold a common term (%s: %.0f%% of the synthetic articles, %s of "
      "the real 10k), so common terms have longer posting lists than in a real set of "
      "the same size (pessimistic); a real set also has a longer vocabulary tail." % (
          " ".join(queries[0][1]),
          100.0 * qres[points[-1]["name"]][0]["hits"] / points[-1]["docs"], args.real_share))
    w("")
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--gen", required=True)
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--points", default="10000,100000,1000000",
                    help="sizes to measure, comma-separated (each at most N)")
    ap.add_argument("--gen-line", default="")
    ap.add_argument("--gen-seconds", type=float, default=0)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--devset", help="dev-set queries (queries.jsonl.gz): per-class p50/p99")
    ap.add_argument("--list-term", default="漏洞", help="a term in most articles, for -l")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--rg-runs", type=int, default=3)
    ap.add_argument("--rg-max", type=int, default=100000, help="no rg above this many articles")
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--src", help="the real articles the set was generated from")
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    info = bench.env_info(args)

    # one query per kind: the first of each kind in the list
    seen, queries = set(), []
    for kind, terms in bench.read_queries(args.queries):
        if kind not in seen:
            seen.add(kind)
            queries.append((kind, terms))
    devset = read_devset(args.devset)

    real_share = "n/a"
    if args.src:
        hit = tot = 0
        for p in bench.files_under([args.src]):
            if p.lower().endswith(bench.EXTS):
                tot += 1
                with open(p, "rb") as f:
                    text = f.read().decode("utf-8", "replace").lower()
                hit += all(t.lower() in text for t in queries[0][1])
        real_share = "%.0f%%" % (100.0 * hit / tot) if tot else "n/a"
    args.real_share = real_share

    folders = sorted(d for d in os.listdir(args.gen) if os.path.isdir(os.path.join(args.gen, d)))
    sizes = sorted({min(int(s), args.n) for s in args.points.split(",") if s.strip()})
    points = []
    for size in sizes:
        k = max(1, (size + 999) // 1000)
        dirs = [args.gen] if k >= len(folders) else [os.path.join(args.gen, d)
                                                      for d in folders[:k]]
        points.append(index_point(args, dirs, "%dk" % (size // 1000)))
    qres, cres, lres = {}, {}, {}
    for p in points:
        log("queries on %s (%d docs) ..." % (p["name"], p["docs"]))
        lres[p["name"]] = list_stream(args, p, args.list_term)
        if devset:
            cres[p["name"]] = class_queries(args, p, devset)
        qres[p["name"]] = kind_queries(args, p, queries)
        # partial results as they come: a long run can be read before it ends
        md = report(args, info, points[:len(qres)], qres, cres, lres, queries)
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(md)
    with open(os.path.splitext(args.out)[0] + ".json", "w", encoding="utf-8") as f:
        json.dump({"info": info, "points": points, "queries": qres, "classes": cres,
                   "list": lres}, f, ensure_ascii=False, indent=1)
    print(md)
    log("written: %s" % args.out)


if __name__ == "__main__":
    main()
