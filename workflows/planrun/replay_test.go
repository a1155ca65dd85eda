package planrun

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"

	"github.com/regioncopy/regioncopy/workflows"
)

// TestReplayRecordedHistories replays the PlanRun and PlanResource histories recorded on
// the dev server (TestHourlyPlanCopiesEveryBackupFullThenIncremental and
// TestPlanRunSkipsAndLandsOnDevServer with REGIONCOPY_RECORD_HISTORY=1), and the chain a
// plan run fed (TestNeverCopiedResourceIsInBreachOnDevServer), every testdata/*.json,
// against the current code: a change that would break runs in flight fails here. A
// deliberate change of behaviour needs workflow.GetVersion, not a re-recorded history.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("recorded histories belong in testdata/, found %v", files)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			replayer := worker.NewWorkflowReplayer()
			Register(replayer)
			workflows.Register(replayer)
			if err := replayer.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatal(err)
			}
		})
	}
}
