# Highlights of snippets that hold only part of a query word (a window cut
# through a match): `python3 bench/halfmarks.py BIN INDEX` over the dev set
# (../shared/eval-dev), top 10 of each query at 100 columns.
import gzip, json, subprocess, sys, unicodedata
binp, idx = sys.argv[1], sys.argv[2]
qs = [json.loads(l) for l in gzip.open(__import__("os").path.join(__import__("os").path.dirname(__file__), "../../shared/eval-dev/queries.jsonl.gz"), "rt")]
bad = total = 0
ex = []
for q in qs:
    out = subprocess.run([binp, "search", "--index", idx, "--json", "-n", "10", "--width", "100"] + q["query"].split(), capture_output=True, text=True).stdout
    for l in out.splitlines():
        h = json.loads(l)
        for a, b in h.get("highlights", []):
            total += 1
            t = unicodedata.normalize("NFKC", h["snippet"].encode()[a:b].decode("utf-8", "replace")).lower()
            terms = [unicodedata.normalize("NFKC", w).lower() for w in q["query"].split()]
            if not any(w in t or t in w and len(t) >= len(w) for w in terms) and not any(w in t for w in terms):
                # a mark that holds none of the query words whole
                if all(len(t) < len(w) for w in terms):
                    bad += 1
                    if len(ex) < 5: ex.append((q["query"], t, h["snippet"][:60]))
print(f"{binp}: {bad} of {total} highlights hold only part of a query word")
for e in ex: print("  ", e)
