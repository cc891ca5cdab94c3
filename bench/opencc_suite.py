#!/usr/bin/env python3
"""OpenCC's own conversion test suite through secsearch's folding.

For every case of OpenCC's test/testcases/testcases.json that has an expected
output for one of the configs t2s, tw2s, tw2sp, hk2s (traditional, Taiwan,
Taiwan with phrases, Hong Kong -> simplified), runs

    secsearch tokenize INPUT      and      secsearch tokenize EXPECTED

and counts the case as agreeing when both give the same recall terms (the
units the index stores and grep-equivalent search matches on). Also reported:
the same normalized text, and the same ranking words (jieba's segmentation).

    python3 bench/opencc_suite.py target/release/secsearch \\
        --testcases path/to/testcases.json          # a file, or
        --opencc-git /path/to/OpenCC.git            # a (bare) git dir of BYVoid/OpenCC
        [--opencc-src DIR]                          # an OpenCC source tree / sdist
        [-v]                                        # list disagreeing cases
        [--json OUT]                                # per-case results

OpenCC is Apache-2.0; its test data is read at run time, not copied here.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

CONFIGS = ["t2s", "tw2s", "tw2sp", "hk2s"]


def lenient_json(text: str):
    """OpenCC's file has trailing commas (its reader allows them)."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return json.loads(re.sub(r",(\s*[}\]])", r"\1", text))


def load_cases(args) -> dict:
    if args.testcases:
        with open(args.testcases, encoding="utf-8") as f:
            return lenient_json(f.read())
    if args.opencc_src:
        with open(os.path.join(args.opencc_src, "test", "testcases", "testcases.json"),
                  encoding="utf-8") as f:
            return lenient_json(f.read())
    git = args.opencc_git or os.environ.get("OPENCC_GIT")
    if git:
        out = subprocess.run(["git", "--git-dir", git, "show", "HEAD:test/testcases/testcases.json"],
                             check=True, capture_output=True)
        return lenient_json(out.stdout.decode("utf-8"))
    sys.exit("give --testcases FILE, --opencc-src DIR or --opencc-git GITDIR (or OPENCC_GIT)")


def tokenize(binary: str, text: str, cache: dict) -> dict:
    if text in cache:
        return cache[text]
    p = subprocess.run([binary, "tokenize", "--", text], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"{binary} tokenize failed on {text!r}: {p.stderr.strip()}")
    res = {"normalized": None, "recall": None, "words": None}
    for line in p.stdout.splitlines():
        if line.startswith("normalized: "):
            res["normalized"] = line[len("normalized: "):]
        elif line.startswith("recall ("):
            body = line.split("): ", 1)[1] if "): " in line else ""
            # "pos:term" units separated by spaces; the term is escape_debug'ed
            # so it holds no raw space
            res["recall"] = [u.split(":", 1)[1] for u in body.split(" ") if ":" in u]
        elif line.startswith("words  (") or line.startswith("words ("):
            body = line.split("): ", 1)[1] if "): " in line else ""
            res["words"] = [w for w in body.split(" | ") if w]
    cache[text] = res
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description="OpenCC's test suite through secsearch's folding")
    ap.add_argument("binary")
    ap.add_argument("--testcases")
    ap.add_argument("--opencc-src")
    ap.add_argument("--opencc-git")
    ap.add_argument("--configs", default=",".join(CONFIGS))
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--json", help="write per-case results here")
    args = ap.parse_args()
    data = load_cases(args)
    cases = data["cases"] if isinstance(data, dict) else data
    configs = args.configs.split(",")
    cache: dict = {}
    per = {c: {"total": 0, "recall": 0, "normalized": 0, "words": 0} for c in configs}
    results = []
    for case in cases:
        exp = case.get("expected", {})
        for cfg in configs:
            if cfg not in exp:
                continue
            a = tokenize(args.binary, case["input"], cache)
            b = tokenize(args.binary, exp[cfg], cache)
            r = {k: a[k] == b[k] for k in ("recall", "normalized", "words")}
            per[cfg]["total"] += 1
            for k, v in r.items():
                per[cfg][k] += v
            results.append({"id": case.get("id"), "config": cfg, "input": case["input"],
                            "expected": exp[cfg], "folded_input": a["normalized"],
                            "folded_expected": b["normalized"], **r})
            if args.verbose and not r["recall"]:
                print(f"  {cfg} {case.get('id')}: {case['input']} -> {a['normalized']}  "
                      f"(want {b['normalized']})")
    tot = {k: sum(p[k] for p in per.values()) for k in ("total", "recall", "normalized", "words")}
    print(f"{'config':8s} {'recall terms':>14s} {'normalized':>12s} {'words':>10s}")
    for cfg in configs + ["all"]:
        p = tot if cfg == "all" else per[cfg]
        n = p["total"]
        print(f"{cfg:8s} {p['recall']:>6d}/{n:<7d} {p['normalized']:>5d}/{n:<6d} {p['words']:>4d}/{n:<5d}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"per_config": per, "all": tot, "cases": results}, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
