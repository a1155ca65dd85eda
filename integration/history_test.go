package integration

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/regioncopy/regioncopy/workflows"
)

// exportHistories replays the request's and the chain's recorded histories with the
// current workflow code (a change that breaks determinism fails here), and with
// REGIONCOPY_UPDATE_TESTDATA=1 writes them to testdata/ as the JSON that `temporal
// workflow show --output json` prints, for the workflows package's replay tests.
func exportHistories(t *testing.T, requestID, chainID string) {
	t.Helper()
	for name, id := range map[string]string{"request-two-regions.json": requestID, "chain-full-incremental-expiry.json": chainID} {
		h := fetchHistory(t, id)
		replayer := worker.NewWorkflowReplayer()
		workflows.Register(replayer)
		if err := replayer.ReplayWorkflowHistory(nil, h); err != nil {
			t.Errorf("replay of %s (%s): %v", id, name, err)
		}
		if os.Getenv("REGIONCOPY_UPDATE_TESTDATA") == "" {
			continue
		}
		data, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(h)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("testdata", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fetchHistory reads the current run's whole history.
func fetchHistory(t *testing.T, workflowID string) *historypb.History {
	t.Helper()
	it := stack.Client.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			t.Fatalf("history of %s: %v", workflowID, err)
		}
		h.Events = append(h.Events, e)
	}
	return h
}

// The recorded histories in testdata load as `temporal workflow show --output json`
// files do and replay with the current workflow code.
func TestRecordedHistoriesReplay(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no recorded histories in testdata (%v)", err)
	}
	for _, f := range files {
		replayer := worker.NewWorkflowReplayer()
		workflows.Register(replayer)
		if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
			t.Errorf("replay %s: %v", f, err)
		}
	}
}
