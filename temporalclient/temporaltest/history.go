package temporaltest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"
)

// RecordEnv names the environment variable that asks ReplayAndKeep to write histories.
const RecordEnv = "REGIONCOPY_RECORD_HISTORY"

// History fetches the whole history of the latest run of workflow id.
func History(t testing.TB, ctx context.Context, c client.Client, id string) *historypb.History {
	t.Helper()
	it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", id, err)
		}
		h.Events = append(h.Events, e)
	}
	return h
}

// VersionMarkers lists the change ids of the GetVersion markers in h, in order.
func VersionMarkers(t testing.TB, h *historypb.History) []string {
	t.Helper()
	var ids []string
	for _, e := range h.Events {
		m := e.GetMarkerRecordedEventAttributes()
		if m == nil || m.GetMarkerName() != "Version" {
			continue
		}
		for _, p := range m.GetDetails()["change-id"].GetPayloads() {
			var id string
			if err := json.Unmarshal(p.GetData(), &id); err != nil {
				t.Fatalf("version marker at event %d: %v", e.GetEventId(), err)
			}
			ids = append(ids, id)
		}
	}
	return ids
}

// ReplayAndKeep replays the history of workflow id against the workflows register
// registers, checks that it holds the version markers want (the paths it is kept for),
// and with REGIONCOPY_RECORD_HISTORY=1 writes it to testdata/name for the package's
// replay test when no such file exists: a recorded history stands for runs begun by the
// code of its day, and rewriting it with a newer run would drop that code's runs from
// the replay test. It returns the history.
func ReplayAndKeep(t testing.TB, ctx context.Context, c client.Client, register func(worker.WorkflowRegistry), id, name string, want ...string) *historypb.History {
	t.Helper()
	h := History(t, ctx, c, id)
	replayer := worker.NewWorkflowReplayer()
	register(replayer)
	if err := replayer.ReplayWorkflowHistory(nil, h); err != nil {
		t.Fatalf("replay of %s (%s): %v", id, name, err)
	}
	markers := VersionMarkers(t, h)
	for _, w := range want {
		if !slices.Contains(markers, w) {
			t.Errorf("history of %s records no %s marker: %v", id, w, markers)
		}
	}
	path := filepath.Join("testdata", name)
	if _, err := os.Stat(path); err == nil || os.Getenv(RecordEnv) == "" {
		return h
	}
	b, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return h
}

// RecordedHistories lists the replay test's histories under dir: those kept from each
// release (dir/v<release>/*.json, never recorded again) and those recorded on the current
// code (dir/*.json, by the tests that call ReplayAndKeep with RecordEnv set). It fails t
// when either is missing: a replay test must cover the last release and the current code.
func RecordedHistories(t testing.TB, dir string) []string {
	t.Helper()
	released, err := filepath.Glob(filepath.Join(dir, "v*", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	current, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(released) == 0 {
		t.Fatalf("no histories of a release in %s/v<release>/", dir)
	}
	if len(current) == 0 {
		t.Fatalf("no histories recorded on the current code in %s/ (record them with %s=1)", dir, RecordEnv)
	}
	return append(released, current...)
}
