package temporalclient

import (
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// TestMergeRunsListsEachCopyOnceAsItsNewestRunSawIt: consecutive runs overlap by the
// records one carries into the next; a copy made in one run and deleted in a later one is
// listed once, deleted, with the source, job and kind the earlier run knew.
func TestMergeRunsListsEachCopyOnceAsItsNewestRunSawIt(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	made := model.CopyRecord{SourceRecoveryPointArn: "src-1", DestinationRecoveryPointArn: "copy-1", CopyJobId: "job-1",
		Kind: model.CopyFull, State: model.JobCompleted, Attempts: 1, RequestedAt: t0}
	second := model.CopyRecord{SourceRecoveryPointArn: "src-2", DestinationRecoveryPointArn: "copy-2", CopyJobId: "job-2",
		Kind: model.CopyIncremental, State: model.JobCompleted, Attempts: 1, RequestedAt: t0.Add(time.Hour)}
	failed := model.CopyRecord{SourceRecoveryPointArn: "src-3", State: model.JobFailed, RequestedAt: t0.Add(2 * time.Hour)}
	deleted := model.CopyRecord{DestinationRecoveryPointArn: "copy-1", State: model.RecordDeleted, RequestedAt: t0.Add(40 * 24 * time.Hour)}
	newest := [][]model.CopyRecord{
		{second, failed, deleted}, // the latest run: carried records, then a deletion known from the vault
		{made, second, failed},    // the run before
	}
	got := mergeRuns(newest)
	if len(got) != 3 {
		t.Fatalf("%d records, want 3: %+v", len(got), got)
	}
	var first model.CopyRecord
	for _, r := range got {
		if r.DestinationRecoveryPointArn == "copy-1" {
			first = r
		}
	}
	if first.State != model.RecordDeleted || first.SourceRecoveryPointArn != "src-1" || first.CopyJobId != "job-1" ||
		first.Kind != model.CopyFull || !first.RequestedAt.Equal(t0) {
		t.Errorf("the deleted copy's record: %+v", first)
	}
	if got[0].DestinationRecoveryPointArn != "copy-1" {
		t.Errorf("records not oldest first: %+v", got)
	}
}
