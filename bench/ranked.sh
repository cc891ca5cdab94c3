#!/usr/bin/env bash
# Ranked first-screen searches, whole process, paired against another build.
#
#   bench/ranked.sh NEW_BIN NEW_INDEX OLD_BIN OLD_INDEX [PAIRS]
#
# Each run is ten `search -n 10` (ranked, with snippets) of Chinese analyst
# topics; farm-bench alternates NEW and OLD runs and prints the ratio of
# each pair (quote the median). Two indexes, because two builds may differ
# in schema: build each with its own binary (`BIN index DIR --index IDX`).
set -euo pipefail
[[ $# -ge 4 ]] || { sed -n 2,9p "$0"; exit 2; }
new=$1 new_idx=$2 old=$3 old_idx=$4 pairs=${5:-12}
run=$(mktemp)
trap 'rm -f "$run"' EXIT
cat >"$run" <<'SH'
#!/bin/sh
for q in 护网 网安 数据出境 勒索软件 红队 攻防演练 僵尸网络 漏洞 通告 暗网; do
  "$1" search --index "$2" -n 10 "$q" >/dev/null 2>&1
done
SH
chmod +x "$run"
farm-bench -n "$pairs" --vs "$run $old $old_idx" -- "$run" "$new" "$new_idx"
