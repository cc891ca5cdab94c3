#!/usr/bin/env bash
# Load on `secsearch serve`: CLIENTS concurrent connections for DURATION
# against /api/search on loopback, cycling through bench/queries.txt; prints
# requests/s, p50/p99 latency and errors (socket errors + non-2xx answers),
# twice: as shipped (answer cache on) and with `serve --cache 0`.
#
#   bench/serve_load.sh                  # index: $INDEX, else built from CORPUS
#
# Environment (all optional):
#   INDEX     an existing secsearch index to serve (else one is built, in a
#             temporary folder removed at exit, from CORPUS)
#   CORPUS    a folder of articles (default: the dev-eval extraction of
#             wechat-10k, ~/.cache/secsearch-dev-eval/wechat-10k, else
#             ../shared/corpus/sample)
#   CLIENTS   concurrent connections (default 50)
#   DURATION  seconds (default 30); wrk stops by itself after it
#   LIMIT     hits a request (default 10, the page's page size)
#   BIN       the binary (default target/release/secsearch, built if missing)
#
# Goal: 0 errors, p99 <= 50 ms on wechat-10k. The client (wrk,
# from Debian's `wrk` package, apt-installed when missing and root) runs on
# the same machine: on 2 cores it takes CPU from the server, so the figures
# are a lower bound of what the server alone can do.
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS="${CLIENTS:-50}"
DURATION="${DURATION:-30}"
LIMIT="${LIMIT:-10}"
BIN="${BIN:-target/release/secsearch}"
QUERIES=bench/queries.txt

if ! command -v wrk >/dev/null 2>&1; then
    if [[ $(id -u) == 0 ]]; then
        apt-get install -y wrk >/dev/null
    else
        echo "serve_load.sh: wrk not found (apt-get install wrk)" >&2
        exit 1
    fi
fi
[[ -x $BIN ]] || cargo build --release

tmp=$(mktemp -d)
server=""
cleanup() {
    [[ -n $server ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

if [[ -z ${INDEX:-} ]]; then
    if [[ -z ${CORPUS:-} ]]; then
        CORPUS=$HOME/.cache/secsearch-dev-eval/wechat-10k
        [[ -d $CORPUS ]] || CORPUS=../shared/corpus/sample
    fi
    INDEX=$tmp/index
    echo "indexing $CORPUS ..." >&2
    "$BIN" index -q --index "$INDEX" "$CORPUS"
fi
docs=$("$BIN" stats --json --index "$INDEX" | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])')

# The request paths, URL-encoded: one a query of bench/queries.txt.
python3 - "$QUERIES" "$LIMIT" >"$tmp/paths.txt" <<'PY'
import sys, urllib.parse
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("#") or "\t" not in line:
        continue
    q = line.rstrip("\n").split("\t", 1)[1]
    print("/api/search?" + urllib.parse.urlencode({"q": q, "limit": sys.argv[2]}))
PY
nq=$(wc -l <"$tmp/paths.txt")

# wrk script: each connection walks the query list from its own offset;
# non-2xx answers are counted by wrk itself ("Non-2xx or 3xx responses").
cat >"$tmp/load.lua" <<LUA
local paths = {}
for l in io.lines("$tmp/paths.txt") do paths[#paths + 1] = l end
i = 0
local counter = 0
function setup(thread) counter = counter + 1; thread:set("i", counter * 7) end
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA

# One run: a server started with `serve $*`, wrk against it, the summary.
phase() {
    local label=$1
    shift
    "$BIN" serve --index "$INDEX" --port 0 "$@" 2>"$tmp/serve.err" &
    server=$!
    for _ in $(seq 600); do
        grep -q 'http://' "$tmp/serve.err" && break
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    local base
    base=$(grep -o 'http://[0-9.:]*' "$tmp/serve.err" | head -1)
    if [[ -z $base ]]; then
        echo "serve_load.sh: secsearch serve did not start within 60 s:" >&2
        cat "$tmp/serve.err" >&2
        exit 1
    fi
    echo "serve_load [$label]: $CLIENTS clients, ${DURATION}s, $nq queries, $docs documents, $base" >&2
    local threads=$((CLIENTS < 2 ? CLIENTS : 2))
    wrk -t"$threads" -c"$CLIENTS" -d"${DURATION}s" --timeout 10s --latency -s "$tmp/load.lua" "$base" >"$tmp/wrk.out"
    kill "$server" && wait "$server" 2>/dev/null || true
    server=""
    python3 - "$tmp/wrk.out" "$label" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def ms(label):
    m = re.search(r"^\s*%s\s+([\d.]+)(us|ms|s)" % label, t, re.M)
    if not m:
        return float("nan")
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == "us" else v * 1000 if u == "s" else v
rps = re.search(r"Requests/sec:\s+([\d.]+)", t)
total = re.search(r"(\d+) requests in", t)
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", t)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
errors = (sum(map(int, sock.groups())) if sock else 0) + (int(non2xx.group(1)) if non2xx else 0)
print(f"{sys.argv[2]:<28} requests/s {float(rps.group(1)) if rps else 0:6.0f}  requests {total.group(1) if total else 0:>7}  "
      f"p50 {ms('50%'):6.1f} ms  p99 {ms('99%'):6.1f} ms  errors {errors}")
PY
}

# As shipped (repeated requests answered from the answer cache), then every
# request searched afresh: the second is the cost of a query nobody asked
# before, the worst case for the server.
phase "default (answer cache)"
phase "--cache 0 (every request)" --cache 0
