#!/usr/bin/env python3
"""Known-item success split by what decides: the target's title, or a body word.

Reads the per-query lines `../shared/eval-dev/run.py --json OUT` wrote and
puts every known-item query in one of two buckets:

  title   every query word occurs in the target's title (NFKC, case folded)
          and in no other distinct title of the archive: the title decides;
  shared  every query word is in the target's title and in other titles
          too (issues of a series, `网络 攻击`): the query cannot tell them
          apart by title;
  body    at least one query word occurs only in the target's body. Split
          by whether that word decides:
    decides   the target is the only article whose title holds the query's
              title words and whose text (title and file) holds the rest:
              the body word singles it out;
    open      k > 1 articles qualify the same way (`发布 来源`: 159): the query
              cannot tell them apart; k is listed with each miss.

and prints success@1, success@10 and MRR@10 of each, with the misses.

    SECSEARCH_DEV_CACHE=/tmp/dev python3 ../shared/eval-dev/run.py \\
        target/release/secsearch --classes known_item --json /tmp/ki.jsonl
    python3 bench/known_item_buckets.py /tmp/ki.jsonl [--root CORPUS_DIR] [-v]

CORPUS_DIR: the extracted wechat-10k (default: $SECSEARCH_DEV_CACHE/wechat-10k,
as run.py extracts it). Run run.py from a folder outside the corpus: `-l`
prints paths below the working directory relative to it.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import unicodedata


def fold(s: str) -> str:
    return unicodedata.normalize("NFKC", s).casefold()


def title_of(path: str) -> str:
    """The front matter's title, read line-wise as secsearch reads it."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", errors="replace")
    lines = text.replace("\r\n", "\n").lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "---":
        return ""
    for line in lines[1:]:
        if line.strip() == "---":
            break
        if line.startswith("title:"):
            t = line[len("title:"):].strip()
            if len(t) >= 2 and t[0] == t[-1] and t[0] in "'\"":
                t = t[1:-1]
            return t
    return ""


def all_docs(root: str) -> list[tuple[str, str, str]]:
    """(path, folded title, folded file text) of every article under root."""
    out = []
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith((".md", ".markdown", ".txt")):
                p = os.path.join(d, f)
                try:
                    with open(p, encoding="utf-8", errors="replace") as fh:
                        text = fh.read()
                except OSError:
                    continue
                out.append((os.path.relpath(p, root), fold(title_of(p)), fold(text)))
    return out


def qualifying(query: str, title: str, docs: list[tuple[str, str, str]]) -> int:
    """How many articles hold the query's words the way the target does: the
    words of the target's title in their title, the others anywhere."""
    t = fold(title)
    words = [fold(w) for w in query.split()]
    in_title = [w for w in words if w in t]
    rest = [w for w in words if w not in t]
    return sum(1 for _, dt, text in docs if all(w in dt for w in in_title) and all(w in text for w in rest))


def all_titles(root: str) -> set[str]:
    out = set()
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith((".md", ".markdown", ".txt")):
                try:
                    out.add(fold(title_of(os.path.join(d, f))).strip())
                except OSError:
                    pass
    return out


def bucket(query: str, title: str, titles: set[str]) -> str:
    words = [fold(w) for w in query.split()]
    t = fold(title).strip()
    if not all(w in t for w in words):
        return "body"
    others = sum(1 for x in titles if x != t and all(w in x for w in words))
    return "shared" if others else "title"


def report(rows: list[dict], label: str) -> str:
    if not rows:
        return f"{label:9} n=  0"
    n = len(rows)
    s1 = sum(r["rank"] == 1 for r in rows) / n
    s10 = sum(1 <= (r["rank"] or 0) <= 10 for r in rows) / n
    mrr = sum(1 / r["rank"] for r in rows if r["rank"]) / n
    return f"{label:9} n={n:3d}  S@1 {s1:.3f}  S@10 {s10:.3f}  MRR@10 {mrr:.3f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results", help="run.py --json output")
    cache = os.environ.get("SECSEARCH_DEV_CACHE", os.path.expanduser("~/.cache/secsearch-dev-eval"))
    ap.add_argument("--root", default=os.path.join(cache, "wechat-10k"))
    ap.add_argument("-v", "--verbose", action="store_true", help="list the queries not at rank 1")
    a = ap.parse_args()
    rows = [json.loads(l) for l in open(a.results, encoding="utf-8") if l.strip()]
    rows = [r for r in rows if r.get("class") == "known_item" and r.get("target")]
    if not rows:
        sys.exit("no known-item rows: run run.py with --json (and --classes known_item)")
    titles = all_titles(a.root)
    docs = all_docs(a.root)
    names = ("title", "shared", "body", "  decides", "  open")
    by: dict[str, list[dict]] = {n: [] for n in names}
    for r in rows:
        title = title_of(os.path.join(a.root, r["target"]))
        b = bucket(r["query"], title, titles)
        by[b].append(r)
        if b == "body":
            r["k"] = qualifying(r["query"], title, docs)
            by["  decides" if r["k"] == 1 else "  open"].append(r)
    for name in names:
        print(report(by[name], name))
    print(report(rows, "all"))
    if a.verbose:
        for name in ("title", "shared", "body"):
            for r in by[name]:
                if r["rank"] != 1:
                    k = f" k={r['k']}" if "k" in r else ""
                    print(f"  {name}{k} {r['query']!r}: rank {r['rank']}  {r['target']}")


if __name__ == "__main__":
    main()
