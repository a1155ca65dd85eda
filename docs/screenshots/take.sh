#!/bin/sh
# Takes the README's screenshots again: the Temporal UI's list of copy chains with
# regioncopy's columns, one chain's page (summary and current details), and the HTML
# report. Run from anywhere; not run in CI.
#
#   docs/screenshots/take.sh
#
# It starts its own `regioncopy dev --fresh` in a temporary directory (make dev's state is
# left alone) on make dev's ports, or on TEMPORAL_PORT, UI_PORT and EMULATOR_PORT when
# those are taken, copies the sample recovery point to both Regions, takes the shots and
# stops the stack. Needs Debian's chromium, python3 (with python3-pil, each PNG is shrunk
# below 300 KB; PYTHON names another interpreter) and jq. REGIONCOPY_TEMPORAL_BIN names
# the Temporal CLI, else bin/temporal is built as make dev builds it.
set -eu

cd "$(dirname "$0")/../.."
OUT=docs/screenshots
PYTHON=${PYTHON:-python3}
TEMPORAL_PORT=${TEMPORAL_PORT:-7233}
UI_PORT=${UI_PORT:-8233}
EMULATOR_PORT=${EMULATOR_PORT:-4566}
ADDRESS=127.0.0.1:$TEMPORAL_PORT
UI=http://localhost:$UI_PORT/namespaces/default

if [ -z "${REGIONCOPY_TEMPORAL_BIN:-}" ]; then
	make temporal-cli
	REGIONCOPY_TEMPORAL_BIN=bin/temporal
fi
export REGIONCOPY_TEMPORAL_BIN
go build -o bin/regioncopy ./starter/cmd/regioncopy

work=$(mktemp -d)
dev=
stop() {
	if [ -n "$dev" ]; then # SIGTERM: a background job of a script ignores SIGINT
		kill -TERM "$dev" 2>/dev/null || true
		wait "$dev" || true
	fi
	rm -rf "$work"
}
trap stop EXIT
trap 'exit 1' INT TERM

# --output json prints one document once the stack is ready: the copy command, the
# environment that points regioncopy at the emulator.
bin/regioncopy --output json dev --fresh --data-dir "$work/data" --port "$TEMPORAL_PORT" \
	--ui-port "$UI_PORT" --emulator-listen "127.0.0.1:$EMULATOR_PORT" >"$work/dev.json" 2>"$work/dev.log" &
dev=$!
tries=0
until [ -s "$work/dev.json" ] && jq -e .UIURL "$work/dev.json" >/dev/null 2>&1; do
	tries=$((tries + 1))
	if [ "$tries" -gt 300 ] || ! kill -0 "$dev" 2>/dev/null; then
		cat "$work/dev.log" >&2
		echo "regioncopy dev did not start" >&2
		exit 1
	fi
	sleep 1
done

# The sample copy, to both Regions, landed before the shots.
eval "$(jq -r '.CopyCommand | @sh' "$work/dev.json")" --wait >/dev/null

# (a) The chains with regioncopy's search attributes as columns. The UI keeps its columns
# in localStorage (namespace-workflow-table-columns, per namespace), set before it loads.
columns='{"default":['
for c in Status DestinationRegion CopyState RpoState CopyCount LastCopyAt NextExpiry; do
	columns="$columns{\"label\":\"$c\",\"pinned\":false},"
done
columns="${columns%,}]}"
"$PYTHON" "$OUT/shoot.py" "$UI/workflows?query=WorkflowType%20%3D%20%22CopyChain%22" "$OUT/workflows.png" \
	--height 420 --local-storage "namespace-workflow-table-columns=$columns"

# (b) The eu-west-1 chain's page: its summary and current details (User Metadata tab).
chain=$(bin/regioncopy --output json list --address "$ADDRESS" |
	jq -r 'first(.[] | select(.Type == "CopyChain" and .SearchAttributes.DestinationRegion == "eu-west-1")) | "\(.WorkflowId | @uri)/\(.RunId)"')
"$PYTHON" "$OUT/shoot.py" "$UI/workflows/$chain/user-metadata" "$OUT/chain.png" --height 720

# (c) The HTML report, read from the emulator as AWS; exit status 4 only says a row is in BREACH.
env $(jq -r '.WorkerEnv[]' "$work/dev.json") bin/regioncopy report --output html >"$work/report.html" || [ $? -eq 4 ]
"$PYTHON" "$OUT/shoot.py" "file://$work/report.html" "$OUT/report.png" --wait 1 --height 860

ls -l "$OUT"/*.png
