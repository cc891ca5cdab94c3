#!/bin/sh
# Load this export into OpenSearch (written by `secsearch export --to opensearch`).
# Needs the analysis-smartcn plugin on every node:
#   bin/opensearch-plugin install analysis-smartcn
# OPENSEARCH_URL: the cluster (default http://localhost:9200);
# CURL_OPTS: extra curl options, e.g. "-k -u admin:PASSWORD" for the demo security setup.
set -eu
cd "$(dirname "$0")"
URL="${OPENSEARCH_URL:-http://localhost:9200}"
CURL_OPTS="${CURL_OPTS:-}"
curl -fsS $CURL_OPTS -X PUT "$URL/secsearch" -H 'Content-Type: application/json' --data-binary @mapping.json
echo
parts=$(mktemp -d)
trap 'rm -rf "$parts"' EXIT
split -l 10000 -a 6 bulk.ndjson "$parts/bulk."
for part in "$parts"/bulk.*; do
  [ -e "$part" ] || continue  # an empty export: nothing to send
  curl -fsS $CURL_OPTS -X POST "$URL/_bulk" -H 'Content-Type: application/x-ndjson' \
    --data-binary @"$part" -o "$parts/response.json"
  if grep -q '"errors":true' "$parts/response.json"; then
    echo "bulk errors in $part, see $parts/response.json" >&2
    trap - EXIT
    exit 1
  fi
done
curl -fsS $CURL_OPTS -X POST "$URL/secsearch/_refresh"
echo
