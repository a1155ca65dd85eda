#!/bin/sh
# Takes the README's screenshots again: the Temporal UI's list of copy chains with
# regioncopy's columns, one chain's page (summary and current details), the list filtered
# to the chains in RPO BREACH, and the HTML report with that BREACH row. Run from
# anywhere; not run in CI.
#
#   docs/screenshots/take.sh
#
# It starts its own `regioncopy dev --fresh` in a temporary directory (make dev's state is
# left alone) on make dev's ports, or on TEMPORAL_PORT, UI_PORT and EMULATOR_PORT when
# those are taken, with AWS's clock TIME_SCALE (default 120) times faster than the wall
# clock. It copies the sample recovery point to both Regions, pauses the sample plan (its
# next backup is held) and runs it once, waits for that run's eu-west-1 copy to pass
# its 2-hour RPO (a minute at 120x), takes the shots and stops the stack. Needs Debian's
# chromium, python3 (with python3-pil, each PNG is shrunk below 300 KB; PYTHON names
# another interpreter), jq and curl. REGIONCOPY_TEMPORAL_BIN names the Temporal CLI, else
# bin/temporal is built as make dev builds it.
set -eu

cd "$(dirname "$0")/../.."
OUT=docs/screenshots
PYTHON=${PYTHON:-python3}
TEMPORAL_PORT=${TEMPORAL_PORT:-7233}
UI_PORT=${UI_PORT:-8233}
EMULATOR_PORT=${EMULATOR_PORT:-4566}
TIME_SCALE=${TIME_SCALE:-120}
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
	--ui-port "$UI_PORT" --emulator-listen "127.0.0.1:$EMULATOR_PORT" --time-scale "$TIME_SCALE" \
	>"$work/dev.json" 2>"$work/dev.log" &
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

# A breach: the sample plan gives eu-west-1 an RPO of 2 hours. Its hourly runs are paused,
# so its next backup is held, and one run is started now; its eu-west-1 chain turns BREACH
# on its own timer 2 hours (AWS time) after that run's backup.
plan=$(jq -r .SamplePlan.Name "$work/dev.json")
bin/regioncopy plan pause "$plan" --address "$ADDRESS" --note "screenshots: the next backup is held" >/dev/null
bin/regioncopy plan trigger "$plan" --address "$ADDRESS" >/dev/null
breached() {
	bin/regioncopy --output json list --address "$ADDRESS" |
		jq -e 'any(.[]; .Type == "CopyChain" and .SearchAttributes.DestinationRegion == "eu-west-1" and .SearchAttributes.RpoState == "BREACH")' >/dev/null
}
tries=0
until breached; do
	tries=$((tries + 1))
	if [ "$tries" -gt 600 ]; then
		echo "the eu-west-1 chain did not reach RPO BREACH" >&2
		exit 1
	fi
	sleep 1
done

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

# (c) The list filtered to the chains in RPO BREACH, as the README's link opens it.
"$PYTHON" "$OUT/shoot.py" "$UI/workflows?query=WorkflowType%20%3D%20%22CopyChain%22%20AND%20RpoState%20%3D%20%22BREACH%22" \
	"$OUT/breach.png" --height 380 --local-storage "namespace-workflow-table-columns=$columns"

# (d) The HTML report, read from the emulator as AWS at the emulator's clock; exit status 4
# says a row is in BREACH, as it must be here.
now=$(curl -fsS "http://127.0.0.1:$EMULATOR_PORT/_emulator/clock" | jq -r .Now)
status=0
env $(jq -r '.WorkerEnv[]' "$work/dev.json") bin/regioncopy report --output html --now "$now" >"$work/report.html" 2>"$work/report.err" || status=$?
if [ "$status" -ne 4 ]; then
	cat "$work/report.err" >&2
	echo "regioncopy report exited $status; want 4, the eu-west-1 row in BREACH" >&2
	exit 1
fi
"$PYTHON" "$OUT/shoot.py" "file://$work/report.html" "$OUT/report.png" --wait 1 --height 860

ls -l "$OUT"/*.png
