#!/usr/bin/env python3
"""Recall check for ioc::extract: what a reader sees vs what was extracted.

Picks 50 articles that hold indicators (25 uniformly among all such articles,
25 among the indicator-rich ones, >= 8 distinct indicators), gets their
visible text from bench/programs/ioc_text.rs, and lists, per article, every
candidate that deliberately loose patterns find (any dotted quad, any dotted
word ending in letters, any hex run of 32+, any CVE/CNVD/CNNVD/T-id shape,
any name.ext incl. Chinese names, defanged forms) with whether the extractor
reported it. The loose patterns over-generate on purpose; a person then
reads each unmatched candidate in context and marks it as a real indicator
(a miss) or not. The latest judgments are in bench/runs/*/ioc-recall.md.

    python3 bench/ioc_recall.py IOCS.tsv CORPUS IOC_TEXT_BIN \
        [SEED | bench/ioc-recall-articles.txt]

IOCS.tsv comes from `cargo bench --bench ioc_sample -- CORPUS 200 13 --dump
IOCS.tsv`; IOC_TEXT_BIN is the executable `cargo bench --no-run --bench
ioc_text` prints (bench/lib.sh's bench_program finds it).

The judged set is frozen in bench/ioc-recall-articles.txt (the first pick,
seed 11), so that a changed extractor is re-checked on the same articles.
"""
import random
import re
import subprocess
import sys
from collections import defaultdict

DOT = r"(?:\.|\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|。)"
LOOSE = {
    "url": re.compile(r"(?i)\b(?:h[tx]{2}ps?|f[tx]p|ldaps?|rmi|wss?)(?:\[:\]|:)//[^\s<>\"'，。、；）】」]+"),
    "ipv4": re.compile(r"(?<![\w.])\d{1,3}(?:" + DOT + r"\d{1,3}){3}(?![\w])"),
    "email": re.compile(r"(?i)[\w.+-]+(?:@|\[@\]|\[at\]|\(at\))[a-z0-9-]+(?:" + DOT + r"[a-z0-9-]+)+"),
    "domain": re.compile(r"(?i)(?<![\w@.-])[a-z0-9-]+(?:" + DOT + r"[a-z0-9-]+)*" + DOT + r"[a-z]{2,24}(?![\w])"),
    "hash": re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{32,64}(?![0-9A-Za-z])"),
    "id": re.compile(r"(?i)\b(?:cve|cnvd|cnnvd)[-_–][-\w]{6,16}|\bT1\d{3}(?:\.\d{3})?\b"),
    "file": re.compile(r"(?i)[^\s/\\:*?\"<>|，。、（）【】「」()\[\]]+\.(?:exe|dll|sys|bat|cmd|ps1|vbs|js|hta|lnk|msi|jar|apk|sh|py|doc|docx|docm|xls|xlsx|xlsm|ppt|pptx|pdf|rtf|iso|zip|rar|7z|chm|scr|one|php|jsp|aspx?)\b"),
}


def refang(s):
    s = re.sub(r"(?i)\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|。", ".", s)
    s = re.sub(r"(?i)\[@\]|\[at\]|\(at\)", "@", s)
    s = re.sub(r"(?i)\[:\]", ":", s)
    s = re.sub(r"(?i)^h[tx]{2}p", "http", s)
    return s.lower()


def main():
    dump, corpus, text_bin = sys.argv[1:4]
    arg = sys.argv[4] if len(sys.argv) > 4 else "11"
    found = defaultdict(set)
    for line in open(dump, encoding="utf-8"):
        path, kind, value = line.rstrip("\n").split("\t")
        found[path].add((kind, value.lower()))
    if arg.isdigit():
        rng = random.Random(int(arg))
        paths = sorted(found)
        pick = rng.sample(paths, 25)
        rich = sorted(p for p in paths if len(found[p]) >= 8 and p not in pick)
        pick += rng.sample(rich, 25)
    else:
        pick = [l.rstrip("\n") for l in open(arg, encoding="utf-8") if l.strip()]
    out = subprocess.run([text_bin] + [f"{corpus}/{p}" for p in pick],
                         capture_output=True, text=True, check=True).stdout
    texts = {}
    for chunk in out.split("\x1e ")[1:]:
        head, _, body = chunk.partition("\n")
        texts[head[len(corpus) + 1:]] = body
    for n, p in enumerate(pick, 1):
        text = texts.get(p, "")
        values = {v for _, v in found[p]}
        seen = {}
        for kind, rx in LOOSE.items():
            for m in rx.finditer(text):
                cand = refang(m.group(0)).rstrip(".")
                if cand in seen:
                    continue
                hit = cand in values or any(v.startswith(cand) or cand.startswith(v) and kind == "url" for v in values)
                ctx = text[max(0, m.start() - 30):m.end() + 20].replace("\n", " ")
                seen[cand] = (kind, hit, ctx)
        print(f"== {n} {p}  extracted={len(values)}")
        for k, v in sorted(found[p]):
            print(f"   + {k}\t{v}")
        for cand, (kind, hit, ctx) in seen.items():
            if not hit:
                print(f"   ? {kind}\t{cand}\t{ctx}")


if __name__ == "__main__":
    main()
