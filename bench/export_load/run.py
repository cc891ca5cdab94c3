#!/usr/bin/env python3
"""Load an OpenSearch export into the Lucene stand-in and run three searches.

    python3 bench/export_load/run.py BINARY ARTICLES_DIR [PHRASE INDICATOR SINCE PHRASE2]

Neither Quickwit nor OpenSearch can be installed from the package registries
this project's machines reach (docs/export.md), so this loads the
`_bulk` file into Lucene with the analysers `mapping.json` names (LoadBulk.java:
CJKAnalyzer is OpenSearch's `cjk`, SmartChineseAnalyzer its `smartcn`) and
compares each search's hits with

  * the exported text itself: the documents whose lowercased body contains
    the phrase (what grep finds in the export), by distinct `_id`;
  * secsearch on the same index (`search -l`, paths, so a file saved twice
    counts twice there and once in the engine).

The bulk file is loaded twice: OpenSearch's `index` action replaces by
`_id`, so the document count must not change (a re-load is idempotent).

Needs Debian's liblucene8-java and libgoogle-gson-java, and a JDK (11+: the
.java file runs without a separate javac step).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
JARS = [
    "/usr/share/java/lucene-core-8.7.0.jar",
    "/usr/share/java/lucene-analyzers-common-8.7.0.jar",
    "/usr/share/java/lucene-analyzers-smartcn-8.7.0.jar",
    "/usr/share/java/gson.jar",
]


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def bulk_docs(path):
    """(id, source) pairs of a _bulk file, the last one per id (as loaded)."""
    docs = {}
    with open(path, encoding="utf-8") as f:
        for action in f:
            source = json.loads(next(f))
            docs[json.loads(action)["index"]["_id"]] = source
    return docs


def secsearch_paths(binary, index, args):
    out = subprocess.run(
        [binary, "search", "--index", index, "-l", *args],
        capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"secsearch search {args}: {out.stderr.strip()}")
    return [line for line in out.stdout.splitlines() if line]


def main():
    if len(sys.argv) not in (3, 7):
        sys.exit(__doc__)
    binary, articles = os.path.abspath(sys.argv[1]), sys.argv[2]
    phrase, indicator, since, phrase2 = (
        sys.argv[3:7] if len(sys.argv) == 7
        else ["勒索软件", "CVE-2024-3094", "2024-01-01", "供应链攻击"])
    missing = [j for j in JARS if not os.path.exists(j)]
    if missing:
        sys.exit(f"missing {missing}: apt-get install liblucene8-java libgoogle-gson-java")
    with tempfile.TemporaryDirectory() as tmp:
        index, out = os.path.join(tmp, "idx"), os.path.join(tmp, "os")
        run([binary, "index", "-q", "--index", index, articles])
        t = time.time()
        run([binary, "export", "-q", "--to", "opensearch", out, "--index", index])
        export_s = time.time() - t
        bulk = os.path.join(out, "bulk.ndjson")
        java = run(["java", "-cp", ":".join(JARS), os.path.join(HERE, "LoadBulk.java"),
                    bulk, phrase, indicator, since, phrase2, "2"])
        lines = [json.loads(line) for line in java.stdout.splitlines()]
        docs = bulk_docs(bulk)

        def grep(p):
            p = p.lower()
            return sum(p in (d["title"] + "\n" + d["body"]).lower() for d in docs.values())

        truth = [
            grep(phrase),
            sum(indicator in d["indicators"] and d.get("date", "") >= since
                for d in docs.values()),
            grep(phrase2),
        ]
        ours = [
            secsearch_paths(binary, index, [phrase]),
            secsearch_paths(binary, index, [f"cve:{indicator}", "--since", since]),
            secsearch_paths(binary, index, [phrase2]),
        ]
        loaded = lines[0]
        print(f"export: {len(docs)} distinct ids, {os.path.getsize(bulk) / 1e6:.1f} MB, "
              f"{export_s:.2f} s; Lucene stand-in: {loaded['loaded']} index actions "
              f"({loaded['loads']} loads) -> {loaded['documents']} documents, "
              f"{loaded['seconds']} s")
        print()
        print("| search (docs/export.md) | stand-in hits | exported text has it | "
              "secsearch -l (paths) | top sources (stand-in) |")
        print("|---|--:|--:|--:|---|")
        for q, n, paths in zip(lines[1:], truth, ours):
            src = ", ".join(f"{k} {v}" for k, v in q["top_sources"].items())
            print(f"| `{q['query']}` | {q['hits']} | {n} | {len(paths)} | {src} |")


if __name__ == "__main__":
    main()
