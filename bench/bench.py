#!/usr/bin/env python3
"""Measurement harness behind bench/run.sh (and helpers for bench/scale.sh).

run.sh installs the tools, builds secsearch, extracts the corpus and then calls

    python3 bench/bench.py --bin BIN --data DIR --work TMPDIR --queries FILE \
        --runs N --index-runs K --out results.md --repo REPO

which indexes DIR with secsearch and with SQLite FTS5 (trigram), runs every
query of FILE against secsearch, ripgrep and SQLite as whole processes, and
writes a Markdown report (plus the raw figures as JSON next to it).

Timing: each measurement is one whole process (fork/exec/exit included),
timed with time.perf_counter() around subprocess.run() with stdout piped
into this process. The harness's own overhead (fork/exec of a trivial
program, reading the pipe) is measured with /bin/true and printed; it is
not subtracted.
"""
import argparse
import json
import math
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fts5_load  # noqa: E402  (same tolerant front-matter reader)

EXTS = (".md", ".markdown", ".txt")


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ----------------------------------------------------------------- helpers

def files_under(paths):
    for root in paths:
        if os.path.isfile(root):
            yield root
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            for name in filenames:
                yield os.path.join(dirpath, name)


def tree_bytes(paths):
    return sum(os.path.getsize(p) for p in files_under(paths))


def tantivy_orphans(idx):
    """Bytes of segment files in a tantivy index directory that meta.json no
    longer lists (left behind by merges until the next garbage collection)."""
    try:
        with open(os.path.join(idx, "meta.json"), encoding="utf-8") as f:
            meta = json.load(f)
    except (OSError, ValueError):
        return None
    live = {s["segment_id"].replace("-", "") for s in meta.get("segments", [])}
    dead = 0
    for name in os.listdir(idx):
        stem = name.split(".", 1)[0]
        if re.fullmatch(r"[0-9a-f]{32}", stem) and stem not in live:
            dead += os.path.getsize(os.path.join(idx, name))
    return dead


def corpus_stats(paths):
    n = b = 0
    for p in files_under(paths):
        if p.lower().endswith(EXTS) and "/." not in p:
            n += 1
            b += os.path.getsize(p)
    return n, b


def evict(paths):
    """Drop the page-cache pages of every file under paths (posix_fadvise
    DONTNEED: no privileges needed, other processes' caches untouched).
    Returns False if the platform cannot."""
    if not hasattr(os, "posix_fadvise"):
        return False
    ok = True
    for p in files_under(paths):
        try:
            fd = os.open(p, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
        except OSError:
            ok = False
    return ok


def run_timed(cmd, cwd=None):
    """-> (ms, stdout bytes, returncode) of one whole process."""
    t0 = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    ms = (time.perf_counter() - t0) * 1000.0
    # 0 hits, 1 no hit; 123: xargs after an rg of the AND chain found nothing
    if r.returncode not in ((0, 1, 123) if cmd[0] == "sh" else (0, 1)):
        raise RuntimeError("%s exited %d: %s" % (
            " ".join(map(shlex.quote, cmd)), r.returncode,
            r.stderr.decode("utf-8", "replace").strip()[:500]))
    return ms, r.stdout, r.returncode


def time_rss(cmd, cwd=None):
    """Run cmd under GNU time -> (wall seconds, peak RSS KiB, stdout, stderr)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        r = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", tf.name] + cmd,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
        if r.returncode not in ((0, 1, 123) if cmd[0] == "sh" else (0, 1)):
            raise RuntimeError("%s exited %d: %s" % (
                " ".join(map(shlex.quote, cmd)), r.returncode,
                r.stderr.decode("utf-8", "replace").strip()[-2000:]))
        last = [l for l in tf.read().splitlines() if l.strip()][-1]
        e, m = last.split()
        return float(e), int(m), r.stdout, r.stderr


def median(xs):
    return statistics.median(xs) if xs else None


def p95(xs):
    if not xs:
        return None
    s = sorted(xs)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def fms(x):
    if x is None:
        return "n/a"
    return "%.0f" % x if x >= 100 else "%.1f" % x


def fratio(x):
    return "n/a" if x is None else "%.2f" % x


def read_queries(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            kind, _, q = line.partition("\t")
            if not q:
                sys.exit("%s: expected KIND<TAB>QUERY, got %r" % (path, line))
            out.append((kind.strip(), q.split()))
    return out


def count_lines(out):
    return sum(1 for l in out.split(b"\n") if l.strip())


def norm_paths(out, cwd):
    res = set()
    for l in out.decode("utf-8", "surrogateescape").split("\n"):
        if l.strip():
            res.add(os.path.normpath(os.path.join(cwd, l)))
    return res


# ----------------------------------------------------------------- systems

def ss_cmd(binary, index, terms, extra=("-l", "-n", "0")):
    return [binary, "search", "--index", index, "--color", "never", *extra, *terms]


def rg_cmd(data, terms):
    """data: a folder or a list of folders."""
    roots = [data] if isinstance(data, str) else list(data)
    if len(terms) == 1:
        return ["rg", "-F", "-i", "-l", "--", terms[0], *roots]
    # AND: chain on the previous stage's file list; -r: no input, no run
    script = "rg -F -i -l -0 -- %s %s" % (shlex.quote(terms[0]),
                                          " ".join(shlex.quote(r) for r in roots))
    for i, t in enumerate(terms[1:], 1):
        last = i == len(terms) - 1
        script += " | xargs -0 -r rg -F -i -l %s-- %s" % ("" if last else "-0 ", shlex.quote(t))
    return ["sh", "-c", script]


def fts_phrase(t):
    return '"%s"' % t.replace('"', '""')


def sq_match_sql(terms):
    """FTS5 MATCH over title and body; None if a term is < 3 characters
    (the trigram tokenizer cannot match it)."""
    if any(len(t) < 3 for t in terms):
        return None
    expr = "{title body}: (%s)" % " AND ".join(fts_phrase(t) for t in terms)
    return "SELECT count(*) FROM docs WHERE docs MATCH '%s';" % expr.replace("'", "''")


def sq_like_sql(terms):
    """What an SQLite user does for < 3-character terms: MATCH the long terms
    (index), LIKE-scan the short ones (LIKE folds ASCII case only)."""
    longs = [t for t in terms if len(t) >= 3]
    conds = []
    if longs:
        expr = "{title body}: (%s)" % " AND ".join(fts_phrase(t) for t in longs)
        conds.append("docs MATCH '%s'" % expr.replace("'", "''"))
    for t in terms:
        if len(t) < 3:
            lit = "'%%%s%%'" % t.replace("'", "''")
            conds.append("(title LIKE %s OR body LIKE %s)" % (lit, lit))
    return "SELECT count(*) FROM docs WHERE %s;" % " AND ".join(conds)


def sq_cmd(db, sql):
    return ["sqlite3", "-readonly", db, sql]


def sq_count(out):
    return int(out.strip() or b"0")


# ----------------------------------------------------------------- approx cleaner

_IMG = re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)")
_LINK_TARGET = re.compile(r"\]\([^)\n]*\)")
_URL = re.compile(r"(?:https?|ftp)://[^\s)<>\]\"'）]+", re.I)
_TAG = re.compile(r"<[^>\n]*>")


def approx_clean(path):
    """title + body roughly as secsearch indexes them: front matter other than
    the title, image links, link targets, bare URLs and HTML tags removed."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    title, _src, _date, body = fts5_load.parse(text)
    body = _IMG.sub(" ", body)
    body = _LINK_TARGET.sub("] ", body)
    body = _URL.sub(" ", body)
    body = _TAG.sub(" ", body)
    return (title + "\n" + body).lower()


# ----------------------------------------------------------------- main bench

def env_info(args):
    def sh(cmd):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  cwd=args.repo).stdout.decode().strip()
        except OSError:
            return ""
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for l in f:
                if l.startswith("model name"):
                    cpu = l.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = "%.1f GiB" % (kb / 1048576)
    except (OSError, ValueError, IndexError):
        pass
    commit = sh(["git", "rev-parse", "--short=12", "HEAD"]) or "unknown"
    dirty = sh(["git", "status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock",
                "index-schema"])
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "mem": mem,
        "kernel": platform.release(),
        "commit": commit + (" + uncommitted changes in src/Cargo (%d files)"
                            % len(dirty.splitlines()) if dirty else ""),
        "ss_version": sh([args.bin, "--version"]),
        "rg_version": sh(["rg", "--version"]).splitlines()[0] if sh(["rg", "--version"]) else "",
        "sqlite_cli": sh(["sqlite3", "--version"]).split(" ")[0],
        "python": platform.python_version(),
        "python_sqlite": __import__("sqlite3").sqlite_version,
        "loadavg_start": open("/proc/loadavg").read().split()[:3] if os.path.exists("/proc/loadavg") else [],
    }


def bench_index(args, data, n_docs, n_bytes):
    rows = []
    idx = os.path.join(args.work, "ss-index")
    db = os.path.join(args.work, "fts5.db")
    systems = [
        ("secsearch", [args.bin, "index", "--index", idx, "--rebuild", data], [idx]),
        ("SQLite FTS5 trigram",
         [sys.executable, os.path.join(args.bench, "fts5_load.py"), data, db], [db]),
    ]
    for name, cmd, out_paths in systems:
        walls, rsss = [], []
        for i in range(args.index_runs):
            evict([data])
            log("index: %s run %d/%d ..." % (name, i + 1, args.index_runs))
            wall, rss, out, err = time_rss(cmd, cwd=args.work)
            walls.append(wall)
            rsss.append(rss)
            log("   %.2f s, %d MB peak RSS; %s" % (
                wall, rss * 1024 / 1e6,
                (err.decode("utf-8", "replace").strip().splitlines() or [""])[-1]
                if name == "secsearch" else out.decode().strip()))
        size = tree_bytes(out_paths)
        orphan = tantivy_orphans(idx) if name == "secsearch" else None
        if name == "secsearch":
            st = json.loads(subprocess.run([args.bin, "stats", "--index", idx, "--json"],
                                           stdout=subprocess.PIPE, check=True).stdout)
            docs = st["documents"]
        else:
            docs = sq_count(subprocess.run(sq_cmd(db, "SELECT count(*) FROM docs;"),
                                           stdout=subprocess.PIPE, check=True).stdout)
        wall = median(walls)
        rows.append({
            "system": name, "docs": docs, "seconds": wall, "all_seconds": walls,
            "mb_s": n_bytes / 1e6 / wall, "docs_s": docs / wall,
            "rss_mb": max(rsss) * 1024 / 1e6, "index_mb": size / 1e6,
            "orphan_mb": None if orphan is None else orphan / 1e6,
            "ratio": size / n_bytes,
        })
    return rows, idx, db


def bench_search(args, data, idx, db, queries):
    systems = ["secsearch", "rg", "sqlite"]
    results = []
    cold_ok = True
    for qi, (kind, terms) in enumerate(queries):
        q = " ".join(terms)
        log("search %2d/%d  %-8s %s" % (qi + 1, len(queries), kind, q))
        msql = sq_match_sql(terms)
        cmds = {
            "secsearch": ss_cmd(args.bin, idx, terms),
            "rg": rg_cmd(data, terms),
            "sqlite": sq_cmd(db, msql) if msql else None,
        }
        like_cmd = sq_cmd(db, sq_like_sql(terms)) if msql is None else None
        data_of = {"secsearch": [idx], "rg": [data], "sqlite": [db], "like": [db]}
        r = {"kind": kind, "query": q, "terms": terms}
        runs = {s: [] for s in systems + ["like"]}
        outs = {}
        active = [s for s in systems if cmds[s]] + (["like"] if like_cmd else [])
        allcmds = dict(cmds, like=like_cmd)
        # cold: this system's files evicted from the page cache first
        for s in active:
            cold_ok &= evict(data_of[s])
            ms, out, _ = run_timed(allcmds[s], cwd=args.work)
            r[s + "_cold"] = ms
            outs[s] = out
        # warm: round-robin so that background noise hits all systems alike
        for _ in range(args.runs):
            for s in active:
                ms, out, _ = run_timed(allcmds[s], cwd=args.work)
                runs[s].append(ms)
                if out != outs[s] and s != "rg":  # rg's -l order varies (threads)
                    log("   warning: %s output changed between runs" % s)
        for s in active:
            r[s + "_median"] = median(runs[s])
            r[s + "_p95"] = p95(runs[s])
        r["ss_hits"] = count_lines(outs["secsearch"])
        r["rg_hits"] = count_lines(outs["rg"])
        r["sq_hits"] = sq_count(outs["sqlite"]) if "sqlite" in outs else None
        r["like_hits"] = sq_count(outs["like"]) if "like" in outs else None
        # peak RSS of one process each (separate run, not timed)
        for s in active:
            r[s + "_rss_kb"] = time_rss(allcmds[s], cwd=args.work)[1]
        # hit-set differences secsearch vs rg
        S = norm_paths(outs["secsearch"], args.work)
        R = norm_paths(outs["rg"], args.work)
        only_rg, only_ss = sorted(R - S), sorted(S - R)
        unexplained = []
        for p in only_rg:
            try:
                text = approx_clean(p)
            except OSError:
                continue
            if all(t.lower() in text for t in terms):
                unexplained.append(p)
        dups = set()
        if unexplained:
            # secsearch folds an article saved twice into one hit: -l prints
            # the one kept, --json lists the others under "duplicates"
            _, jout, _ = run_timed(ss_cmd(args.bin, idx, terms, ("--json", "-n", "0")),
                                   cwd=args.work)
            for line in jout.decode("utf-8", "surrogateescape").splitlines():
                if line.strip():
                    for d in json.loads(line).get("duplicates") or []:
                        dups.add(os.path.normpath(os.path.join(args.work, d)))
        r["only_rg"] = len(only_rg)
        r["only_rg_duplicates"] = sum(1 for p in unexplained if p in dups)
        unexplained = [p for p in unexplained if p not in dups]
        r["only_rg_unexplained"] = [os.path.relpath(p, data) for p in unexplained]
        r["only_rg_examples"] = [os.path.relpath(p, data) for p in only_rg[:3]]
        r["only_ss"] = [os.path.relpath(p, data) for p in only_ss]
        log("   hits ss=%d rg=%d sqlite=%s | median ms ss=%s rg=%s sqlite=%s" % (
            r["ss_hits"], r["rg_hits"],
            r["sq_hits"] if r["sq_hits"] is not None else "n/a(like %s)" % r["like_hits"],
            fms(r["secsearch_median"]), fms(r["rg_median"]),
            fms(r.get("sqlite_median") or r.get("like_median"))))
        results.append(r)
    return results, cold_ok


def overhead_ms(runs=30):
    xs = [run_timed(["true"])[0] for _ in range(runs)]
    return median(xs)


def report(args, info, n_docs, n_bytes, idx_rows, results, cold_ok, overhead):
    L = []
    w = L.append
    w("# secsearch benchmark")
    w("")
    w("- date: %s; machine: %s CPUs (`nproc`), %s, %s RAM, Linux %s" % (
        info["date"], info["nproc"], info["cpu"], info["mem"], info["kernel"]))
    w("- secsearch: commit `%s` (%s)" % (info["commit"], info["ss_version"]))
    w("- peers: %s; SQLite CLI %s (FTS5 trigram), Python %s with SQLite %s for the load"
      % (info["rg_version"], info["sqlite_cli"], info["python"], info["python_sqlite"]))
    w("- corpus: `%s`: %d article files, %.1f MB (MB = 10^6 bytes)" % (
        args.corpus_name, n_docs, n_bytes / 1e6))
    w("- warm runs per query and system: %d; index runs: %d (median shown); load average at start %s, at end %s"
      % (args.runs, args.index_runs, " ".join(info["loadavg_start"]),
         " ".join(open("/proc/loadavg").read().split()[:3])))
    w("")
    w("## Indexing")
    w("")
    w("| system | docs | seconds | MB/s | docs/s | peak RSS MB | index MB | index ÷ input | of which orphaned MB |")
    w("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in idx_rows:
        w("| %s | %d | %.2f | %.1f | %.0f | %.0f | %.1f | %.2f | %s |" % (
            r["system"], r["docs"], r["seconds"], r["mb_s"], r["docs_s"], r["rss_mb"],
            r["index_mb"], r["ratio"],
            "n/a" if r.get("orphan_mb") is None else "%.1f" % r["orphan_mb"]))
    w("")
    w("secsearch: `secsearch index --rebuild` into an empty directory. SQLite: "
      "`bench/fts5_load.py` (Python: walk, read, split the front matter, INSERT "
      "in one transaction, FTS5 `optimize`), whole process. Input files evicted "
      "from the page cache before each run. index MB = everything in the index "
      "directory after the run; orphaned = segment files no longer listed in "
      "tantivy's meta.json (merge leftovers until the next garbage collection). "
      "All runs (s): %s." % "; ".join(
          "%s %s" % (r["system"], ", ".join("%.2f" % x for x in r["all_seconds"]))
          for r in idx_rows))
    w("")
    w("## Search: whole process, wall ms")
    w("")
    w("cold = first run of the query with that system's files (index, database, "
      "or corpus for rg) evicted from the page cache%s; med/p95 over %d warm runs."
      % ("" if cold_ok else " (eviction FAILED on some files: cold ≈ first run)",
         args.runs))
    w("")
    w("| query | kind | hits ss | hits rg | hits sqlite | ss cold | ss med | ss p95 "
      "| rg cold | rg med | rg p95 | sqlite cold | sqlite med | sqlite p95 |")
    w("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in results:
        w("| %s | %s | %d | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["query"], r["kind"], r["ss_hits"], r["rg_hits"],
            "n/a" if r["sq_hits"] is None else r["sq_hits"],
            fms(r["secsearch_cold"]), fms(r["secsearch_median"]), fms(r["secsearch_p95"]),
            fms(r["rg_cold"]), fms(r["rg_median"]), fms(r["rg_p95"]),
            fms(r.get("sqlite_cold")), fms(r.get("sqlite_median")), fms(r.get("sqlite_p95"))))
    w("")
    w("- secsearch: `secsearch search --index IDX -l -n 0 TERM...` (hits = lines).")
    w("- rg: `rg -F -i -l TERM DIR`; AND: `rg -F -i -l -0 T1 DIR | xargs -0 -r rg -F -i -l T2 ...` under `sh -c` (hits = lines). rg scans the raw files: front matter (url, source) and image links/URLs included.")
    w("- sqlite: `sqlite3 -readonly DB \"SELECT count(*) FROM docs WHERE docs MATCH '{title body}: (\\\"T1\\\" AND \\\"T2\\\")'\"` (prints a count, not paths). n/a: a term shorter than 3 characters, which the trigram tokenizer cannot match (see the LIKE fallback below).")
    w("- Harness overhead (fork/exec/wait of `/bin/true` from Python, median): %.2f ms, included in every figure." % overhead)
    w("")
    # per kind
    kinds = []
    for r in results:
        if r["kind"] not in kinds:
            kinds.append(r["kind"])

    def kind_rows(rows):
        ss = median([r["secsearch_median"] for r in rows])
        rg = median([r["rg_median"] for r in rows])
        sqv = [r["sqlite_median"] for r in rows if r.get("sqlite_median") is not None]
        sq = median(sqv) if sqv else None
        likev = [r["like_median"] for r in rows if r.get("like_median") is not None]
        r_rg = geomean([r["secsearch_median"] / r["rg_median"] for r in rows])
        r_sq = geomean([r["secsearch_median"] / r["sqlite_median"] for r in rows
                        if r.get("sqlite_median")])
        return ss, rg, sq, (median(likev) if likev else None), r_rg, r_sq
    w("## Per kind: median of the per-query medians (ms)")
    w("")
    w("| kind | queries | secsearch | rg | sqlite MATCH | sqlite LIKE fallback | secsearch ÷ rg | secsearch ÷ sqlite |")
    w("|---|--:|--:|--:|--:|--:|--:|--:|")
    for k in kinds + ["all"]:
        rows = [r for r in results if k == "all" or r["kind"] == k]
        ss, rg, sq, lk, r_rg, r_sq = kind_rows(rows)
        w("| %s | %d | %s | %s | %s | %s | %s | %s |" % (
            "**all**" if k == "all" else k, len(rows), fms(ss), fms(rg), fms(sq), fms(lk),
            fratio(r_rg), fratio(r_sq)))
    w("")
    w("Ratios are geometric means over the kind's queries of (secsearch median ÷ peer median); "
      "< 1 means secsearch is faster. secsearch ÷ sqlite only over queries SQLite MATCH can answer.")
    w("")
    likes = [r for r in results if r.get("like_hits") is not None]
    if likes:
        w("## SQLite fallback for terms shorter than 3 characters")
        w("")
        w("FTS5 MATCH on the long terms (if any) AND `(title LIKE '%t%' OR body LIKE '%t%')` "
          "for each short term: a scan of every row for the short terms.")
        w("")
        w("| query | kind | hits sqlite LIKE | hits secsearch | cold | med | p95 |")
        w("|---|---|--:|--:|--:|--:|--:|")
        for r in likes:
            w("| %s | %s | %d | %d | %s | %s | %s |" % (
                r["query"], r["kind"], r["like_hits"], r["ss_hits"], fms(r["like_cold"]),
                fms(r["like_median"]), fms(r["like_p95"])))
        w("")
    w("## Peak RSS of one search process (max over the queries)")
    w("")
    w("| system | peak RSS MB | query |")
    w("|---|--:|---|")
    for s, label in (("secsearch", "secsearch search"), ("rg", "rg (largest process of a chain)"),
                     ("sqlite", "sqlite3 MATCH"), ("like", "sqlite3 LIKE fallback")):
        rs = [r for r in results if r.get(s + "_rss_kb") is not None]
        if rs:
            top = max(rs, key=lambda r: r[s + "_rss_kb"])
            w("| %s | %.1f | %s |" % (label, top[s + "_rss_kb"] * 1024 / 1e6, top["query"]))
    w("")
    w("## Hit sets: secsearch vs rg")
    w("")
    w("secsearch indexes the title and the cleaned body (image links, URLs, HTML tags "
      "and WeChat footer dropped); rg scans the raw file. \"term only in URL/image/front "
      "matter\" = rg-only files in which the query term(s) no longer occur once the front matter (except the "
      "title), image links, link targets, bare URLs and HTML tags are removed "
      "(an approximation of secsearch's cleaner made by this script). \"duplicate\" = "
      "secsearch folds the same article saved twice into one hit: `-l` prints the "
      "one kept, `--json` lists the others under `duplicates`.")
    w("")
    diffs = [r for r in results if r["only_rg"] or r["only_ss"]]
    if not diffs:
        w("No differences: secsearch and rg found the same files for every query.")
    else:
        w("| query | hits ss | hits rg | only rg | term only in URL/image/front matter | duplicate folded into another hit | only rg, unexplained | only secsearch |")
        w("|---|--:|--:|--:|--:|--:|--:|--:|")
        for r in diffs:
            un = len(r["only_rg_unexplained"])
            du = r["only_rg_duplicates"]
            w("| %s | %d | %d | %d | %d | %d | %d | %d |" % (
                r["query"], r["ss_hits"], r["rg_hits"], r["only_rg"], r["only_rg"] - un - du,
                du, un, len(r["only_ss"])))
        w("")
        w("Same hit sets for: %s." % (", ".join(r["query"] for r in results
                                               if not (r["only_rg"] or r["only_ss"])) or "none"))
        if any(r["only_ss"] for r in diffs):
            w("")
            w("Files only secsearch finds are expected where the text differs from the "
              "query only by script or width: secsearch folds traditional to simplified "
              "Chinese and full-width to half-width (e.g. 數據 matches 数据), "
              "`grep -F -i` does not. Check the examples below.")
        ex = [r for r in diffs if r["only_rg_unexplained"] or r["only_ss"]]
        if ex:
            w("")
            w("Examples to look at (paths relative to the corpus):")
            w("")
            for r in ex:
                for p in r["only_rg_unexplained"][:3]:
                    w("- `%s`: only rg, term in the cleaned text: `%s`" % (r["query"], p))
                for p in r["only_ss"][:3]:
                    w("- `%s`: only secsearch: `%s`" % (r["query"], p))
    w("")
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--queries", required=True)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--index-runs", type=int, default=3)
    ap.add_argument("--out", required=True)
    ap.add_argument("--repo", required=True)
    ap.add_argument("--corpus-name", default="corpus")
    args = ap.parse_args()
    args.bench = os.path.dirname(os.path.abspath(__file__))
    args.data = os.path.abspath(args.data)
    args.bin = os.path.abspath(args.bin)

    info = env_info(args)
    queries = read_queries(args.queries)
    n_docs, n_bytes = corpus_stats([args.data])
    log("corpus: %d files, %.1f MB" % (n_docs, n_bytes / 1e6))
    idx_rows, idx, db = bench_index(args, args.data, n_docs, n_bytes)
    overhead = overhead_ms()
    results, cold_ok = bench_search(args, args.data, idx, db, queries)
    md = report(args, info, n_docs, n_bytes, idx_rows, results, cold_ok, overhead)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(md)
    raw = os.path.splitext(args.out)[0] + ".json"
    with open(raw, "w", encoding="utf-8") as f:
        json.dump({"info": info, "corpus_files": n_docs, "corpus_bytes": n_bytes,
                   "indexing": idx_rows, "search": results, "overhead_ms": overhead},
                  f, ensure_ascii=False, indent=1)
    print(md)
    log("written: %s and %s" % (args.out, raw))


if __name__ == "__main__":
    main()
