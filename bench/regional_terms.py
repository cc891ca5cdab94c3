#!/usr/bin/env python3
"""Do Taiwan / Hong Kong terms meet their mainland terms? End to end.

For each of the 25 common pairs in data/regional/gen.py (COMMON), writes two
articles into a temporary folder, one using the regional term and one the
mainland term, indexes them with the given binary, and searches each term
(`search -l --no-fold TERM`): a direction meets when the other article is
found. Prints a line a pair and the totals.

    python3 bench/regional_terms.py target/release/secsearch [-v]
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def common_pairs() -> list[tuple[str, str]]:
    spec = importlib.util.spec_from_file_location("gen", os.path.join(HERE, "..", "data", "regional", "gen.py"))
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return list(gen.COMMON)


def article(path: str, title: str, term: str) -> None:
    body = f"关于{term}的报道。" + "本文介绍了事件经过、影响范围与处置建议，供防守方参考。" * 20
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"---\ntitle: {title}\ndate: 2024-01-01\n---\n\n{body}\n")


def found(binary: str, idx: str, term: str) -> set[str]:
    p = subprocess.run([binary, "search", "--index", idx, "-l", "--no-fold", "--", term],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1):
        sys.exit(f"search {term!r} failed: {p.stderr.strip()}")
    return {os.path.basename(l.strip()) for l in p.stdout.splitlines() if l.strip()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("-v", "--verbose", action="store_true", help="a line a pair")
    a = ap.parse_args()
    pairs = common_pairs()
    with tempfile.TemporaryDirectory() as tmp:
        docs, idx = os.path.join(tmp, "docs"), os.path.join(tmp, "idx")
        os.mkdir(docs)
        for i, (tw, cn) in enumerate(pairs):
            article(os.path.join(docs, f"tw{i}.md"), f"文章{i}", tw)
            article(os.path.join(docs, f"cn{i}.md"), f"文章{i}", cn)
        subprocess.run([a.binary, "index", docs, "--index", idx], check=True, capture_output=True)
        to_cn = to_tw = 0
        for i, (tw, cn) in enumerate(pairs):
            a_ok = f"cn{i}.md" in found(a.binary, idx, tw)
            b_ok = f"tw{i}.md" in found(a.binary, idx, cn)
            to_cn += a_ok
            to_tw += b_ok
            if a.verbose:
                print(f"  {tw}\t{cn}\tregional finds mainland: {'yes' if a_ok else 'no '}"
                      f"\tmainland finds regional: {'yes' if b_ok else 'no'}")
    n = len(pairs)
    print(f"regional term finds the mainland article: {to_cn}/{n}")
    print(f"mainland term finds the regional article: {to_tw}/{n}")
    print(f"directions met: {to_cn + to_tw}/{2 * n}")


if __name__ == "__main__":
    main()
