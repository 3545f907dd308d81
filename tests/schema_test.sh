#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every record gpmf-dump writes for the real samples, and every example in the contract doc,
# validates against docs/gpmf.schema.json.
# Usage: schema_test.sh GPMF_DUMP SAMPLES_DIR
set -euo pipefail
dump="$1"
samples="$2"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

shopt -s nullglob
files=("$samples"/*.raw "$samples"/*.bin)
if [ ${#files[@]} -eq 0 ]; then
	if [ "${CI:-}" = true ]; then
		echo "samples missing under CI: $samples" >&2
		exit 1
	fi
	echo "no samples in $samples: only the documentation examples are checked"
fi
# Validating is slow in Python: every record of the single-payload files, and of each track the
# first 10 payload records and the summary.
for f in "${files[@]}"; do
	"$dump" "$f" >"$tmp/one.ndjson"
	{ head -n 10 "$tmp/one.ndjson"; tail -n 1 "$tmp/one.ndjson"; } >>"$tmp/records.ndjson"
done
python3 "$here/check_schema.py" --docs "$here/../docs/json-contract.md" ${files:+"$tmp/records.ndjson"}
