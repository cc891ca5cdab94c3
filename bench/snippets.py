#!/usr/bin/env python3
"""Snippet quality of `secsearch search` text output, measured.

For the first N queries of ../shared/eval-dev/queries.jsonl.gz (every class),
runs `BIN search --index IDX QUERY -n 10 [--width W]` with stdout piped and
reads every hit block (title, meta, snippet). Reports, over all hits:

* widest title/snippet line in display columns (East Asian wide = 2,
  zero-width = 0) and the share wider than the width asked for;
* hits with no snippet line, or with `(title only)`, and whether the
  article really has no body text;
* snippets cut inside an identifier: the word at a cut (`…`) continues in
  the article's text with a letter or digit (`Remo…` of `RemoteIpFilter`).

Prints counts only (no article text). Usage:
  bench/snippets.py BIN IDX [--width 100] [--queries 200]
"""
import argparse, gzip, json, os, re, subprocess, unicodedata

def cols(s):
    n = 0
    for c in s:
        o = ord(c)
        if o in (0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0xFEFF) or unicodedata.combining(c):
            continue
        n += 2 if unicodedata.east_asian_width(c) in "WF" else 1
    return n

def squash(s):
    return re.sub(r"\s+", " ", s)

def cut_inside(snippet, raw):
    """Whether a `…` of the snippet cuts an ASCII word that continues in raw."""
    text = snippet.replace("**", "")
    bad = False
    if text.endswith("…"):
        m = re.search(r"([A-Za-z0-9_\-\.]{2,})…$", text)
        if m:
            w = m.group(1)
            bad |= any(raw[i + len(w): i + len(w) + 1].isascii() and raw[i + len(w): i + len(w) + 1].isalnum()
                       for i in (mm.start() for mm in re.finditer(re.escape(w), raw))) and \
                   not any(not (raw[i + len(w): i + len(w) + 1].isascii() and raw[i + len(w): i + len(w) + 1].isalnum())
                           for i in (mm.start() for mm in re.finditer(re.escape(w), raw)))
    if text.startswith("…"):
        m = re.match(r"…([A-Za-z0-9_\-\.]{2,})", text)
        if m:
            w = m.group(1)
            prev = [raw[i - 1: i] for i in (mm.start() for mm in re.finditer(re.escape(w), raw)) if i > 0]
            bad |= bool(prev) and all(p.isascii() and p.isalnum() for p in prev)
    return bad

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin"); ap.add_argument("index")
    ap.add_argument("--width", type=int); ap.add_argument("--queries", type=int, default=200)
    a = ap.parse_args()
    qf = os.path.join(os.path.dirname(__file__), "../../shared/eval-dev/queries.jsonl.gz")
    qs = [json.loads(l) for l in gzip.open(qf, "rt")]
    step = max(1, len(qs) // a.queries)
    qs = qs[::step][: a.queries]
    hits = no_snip = title_only = empty_body = wide = cut = 0
    widest = 0
    for q in qs:
        args = [a.bin, "search", "--index", a.index, "-n", "10", "--"] + q["query"].split()
        if a.width:
            args[4:4] = ["--width", str(a.width)]
        out = subprocess.run(args, capture_output=True, text=True).stdout
        for block in [b for b in out.split("\n\n") if b.strip()]:
            lines = block.split("\n")
            if len(lines) < 2:
                continue
            hits += 1
            meta = lines[1]
            path = meta.rsplit("  ", 1)[-1].strip()
            snip = lines[2].strip() if len(lines) > 2 else ""
            limit = a.width or 100
            w = max(cols(lines[0].replace("**", "")), cols(lines[2].replace("**", "")) if len(lines) > 2 else 0)
            widest = max(widest, w)
            wide += w > limit
            if not snip:
                no_snip += 1
            elif snip == "(title only)":
                title_only += 1
            try:
                raw = squash(open(path, encoding="utf-8", errors="replace").read())
            except OSError:
                raw = ""
            if snip and snip != "(title only)" and cut_inside(snip, raw):
                cut += 1
    pct = lambda n: f"{n} ({100.0 * n / max(hits, 1):.1f}%)"
    print(f"queries {len(qs)}, hits {hits}")
    print(f"widest line {widest} columns; lines wider than {a.width or 100}: {pct(wide)}")
    print(f"no snippet line: {pct(no_snip)}; '(title only)': {pct(title_only)}")
    print(f"cut inside an identifier: {pct(cut)}")

main()
