#!/bin/sh
# Load this export into Quickwit (written by `secsearch export --to quickwit`).
# Needs a running node (`quickwit run`); QW_ENDPOINT points at another one.
set -eu
cd "$(dirname "$0")"
ENDPOINT="${QW_ENDPOINT:-http://127.0.0.1:7280}"
quickwit index create --endpoint "$ENDPOINT" --index-config index-config.yaml
quickwit index ingest --endpoint "$ENDPOINT" --index secsearch --input-path docs.ndjson --force
