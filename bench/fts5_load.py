#!/usr/bin/env python3
"""Load a folder of article files into an SQLite FTS5 trigram table (the peer
secsearch is compared with in bench/run.sh).

    python3 bench/fts5_load.py FOLDER DB

Walks FOLDER (sorted, hidden folders skipped, .md/.markdown/.txt like
secsearch), splits the front matter tolerantly (line-wise `key: value`
between the first two `---` lines, first `: ` splits; no front matter ->
the whole file is the body) and inserts (path, title, source, date, body)
into

    CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, title, source, date,
                                         body, tokenize='trigram')

in one transaction, then runs FTS5 'optimize' (merges the b-trees into one,
the best case for queries). The body is the raw Markdown (image links, URLs
and all): FTS5 has no article cleaner. Uses Python's sqlite3 module when its
SQLite has the trigram tokenizer (>= 3.34), else pipes SQL into the sqlite3
CLI. Prints one line: documents, bytes read, seconds.
"""
import os
import sqlite3
import subprocess
import sys
import time

EXTS = (".md", ".markdown", ".txt")
SCHEMA = ("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, title, source, "
          "date, body, tokenize='trigram')")


def walk(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.lower().endswith(EXTS):
                yield os.path.join(dirpath, name)


def parse(text):
    """-> (title, source, date, body); tolerant, never fails."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    if lines and lines[0].rstrip("\r\n").strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].rstrip("\r\n").strip() == "---":
                meta = {}
                key = None
                for line in lines[1:i]:
                    line = line.rstrip("\r\n")
                    k, sep, v = line.partition(": ")
                    if not sep and line.endswith(":"):
                        k, sep, v = line[:-1], ":", ""
                    k = k.strip()
                    if sep and k and " " not in k:
                        key = k.lower()
                        meta[key] = v.strip()
                    elif key == "title" and line.strip():
                        meta["title"] += " " + line.strip()  # multi-line title
                body = "".join(lines[i + 1:])
                return (meta.get("title", ""), meta.get("source", ""),
                        meta.get("date", ""), body)
    return ("", "", "", text)


def rows(root):
    for path in walk(root):
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as e:
            print("skip %s: %s" % (path, e), file=sys.stderr)
            continue
        yield (path, len(raw)) + (path,) + parse(raw.decode("utf-8", "replace"))


def has_trigram(conn):
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.t USING fts5(x, tokenize='trigram')")
        conn.execute("DROP TABLE temp.t")
        return True
    except sqlite3.OperationalError:
        return False


def sql_quote(s):
    return "'" + s.replace("'", "''").replace("\x00", "") + "'"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: fts5_load.py FOLDER DB")
    root, db = sys.argv[1], sys.argv[2]
    if os.path.exists(db):
        os.remove(db)
    t0 = time.perf_counter()
    docs = nbytes = 0
    probe = sqlite3.connect(":memory:")
    if has_trigram(probe):
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute(SCHEMA)
        conn.execute("BEGIN")
        for r in rows(root):
            docs += 1
            nbytes += r[1]
            conn.execute("INSERT INTO docs VALUES (?,?,?,?,?)", r[2:])
        conn.execute("COMMIT")
        conn.execute("INSERT INTO docs(docs) VALUES('optimize')")
        conn.close()
    else:  # old bundled SQLite: pipe SQL into the CLI
        cli = subprocess.Popen(["sqlite3", db], stdin=subprocess.PIPE,
                               encoding="utf-8")
        cli.stdin.write(SCHEMA + ";\nBEGIN;\n")
        for r in rows(root):
            docs += 1
            nbytes += r[1]
            cli.stdin.write("INSERT INTO docs VALUES (%s);\n"
                            % ",".join(sql_quote(x) for x in r[2:]))
        cli.stdin.write("COMMIT;\nINSERT INTO docs(docs) VALUES('optimize');\n")
        cli.stdin.close()
        if cli.wait() != 0:
            sys.exit("sqlite3 CLI failed")
    print("%d documents, %d bytes, %.2f s (%s)" % (
        docs, nbytes, time.perf_counter() - t0,
        "python sqlite3 " + sqlite3.sqlite_version if has_trigram(probe) else "sqlite3 CLI"))


if __name__ == "__main__":
    main()
