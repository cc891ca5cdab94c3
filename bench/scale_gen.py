#!/usr/bin/env python3
"""Generate N synthetic articles by recombining the paragraphs of a real set.

    python3 bench/scale_gen.py SRC_DIR OUT_DIR N [SEED]

Article i (deterministic for a given SRC_DIR, SEED and i, whatever N and the
number of processes: each folder of 1000 has its own random stream):
  * title  = the title of a random article + " · 合成 #i" (unique, so no two
             generated articles are the same article saved twice)
  * source, date = those of another random article; url = a synthetic one
  * body   = "# title" and then random paragraphs of random articles until
             the body is as long as that of another random article (so the
             size distribution follows the real one)
  * written as OUT_DIR/DDDD/NNNNNNN.md, 1000 files a folder (DDDD = i // 1000)
Paragraphs are blocks separated by blank lines. Prints files, bytes, seconds.
"""
import multiprocessing
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fts5_load  # noqa: E402


def load(src):
    titles, sources, dates, paras = [], [], [], []
    for path in fts5_load.walk(src):
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace").replace("\r\n", "\n")
        title, source, date, body = fts5_load.parse(text)
        ps = [p.strip("\n") for p in body.split("\n\n")]
        ps = [p for p in ps if p.strip()]
        if ps and ps[0].startswith("# "):  # the article's own heading
            ps = ps[1:]
        titles.append(title.strip() or os.path.splitext(os.path.basename(path))[0])
        sources.append(source or "unknown")
        dates.append(date or "2024-01-01")
        paras.append(ps)
    return titles, sources, dates, paras


_G = {}


def write_folder(job):
    """Write articles [lo, hi) of folder `folder`; -> bytes written."""
    folder, lo, hi = job
    titles, sources, dates, with_text, lengths, out, seed = (
        _G[k] for k in ("titles", "sources", "dates", "with_text", "lengths", "out", "seed"))
    m, w = len(titles), len(with_text)
    rand = random.Random(seed * 1000003 + folder).random  # one stream a folder
    d = os.path.join(out, "%04d" % folder)
    os.makedirs(d, exist_ok=True)
    nbytes = 0
    for i in range(lo, hi):
        title = "%s · 合成 #%d" % (titles[int(rand() * m)], i)
        a = int(rand() * m)
        target = lengths[int(rand() * m)]
        body = []
        size = 0
        while size < target:
            ps = with_text[int(rand() * w)]
            p = ps[int(rand() * len(ps))]
            body.append(p)
            size += len(p) + 2
        text = ("---\ntitle: %s\nurl: https://example.invalid/synthetic/%d\nsource: %s\n"
                "date: %s\nfetch_date: 2025-10-01T00:00:00\n---\n\n# %s\n\n%s\n" % (
                    title, i, sources[a], dates[a], title, "\n\n".join(body)))
        data = text.encode("utf-8", "surrogateescape")
        with open(os.path.join(d, "%07d.md" % i), "wb") as f:
            f.write(data)
        nbytes += len(data)
    return nbytes


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit("usage: scale_gen.py SRC_DIR OUT_DIR N [SEED]")
    src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    seed = int(sys.argv[4]) if len(sys.argv) == 5 else 20240329
    t0 = time.perf_counter()
    titles, sources, dates, paras = load(src)
    if not titles:
        sys.exit("no articles under %s" % src)
    with_text = [p for p in paras if p]
    _G.update(titles=titles, sources=sources, dates=dates, with_text=with_text,
              lengths=[sum(len(p) + 2 for p in ps) for ps in paras], out=out, seed=seed)
    jobs = [(f, f * 1000, min(n, f * 1000 + 1000)) for f in range((n + 999) // 1000)]
    procs = max(1, min(os.cpu_count() or 1, len(jobs)))
    if procs > 1 and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(procs) as pool:
            nbytes = sum(pool.imap_unordered(write_folder, jobs))
    else:
        nbytes = sum(map(write_folder, jobs))
    print("%d files, %d bytes, %.1f s (from %d source articles, seed %d, %d processes)" % (
        n, nbytes, time.perf_counter() - t0, len(titles), seed, procs))


if __name__ == "__main__":
    main()
