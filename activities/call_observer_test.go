package activities

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
)

// recordingCalls records the AWS call attempts the clients report.
type recordingCalls struct {
	mu    sync.Mutex
	calls []AWSCallEnd
}

func (r *recordingCalls) AWSCallEnded(c AWSCallEnd) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, c)
}

func (r *recordingCalls) of(operation string) []AWSCallEnd {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []AWSCallEnd
	for _, c := range r.calls {
		if c.Operation == operation {
			out = append(out, c)
		}
	}
	return out
}

// TestCallObserverSeesEveryAttempt throttles DescribeBackupVault twice: the SDK's third
// attempt succeeds, and the observer sees all three, classified by classify's table.
func TestCallObserverSeesEveryAttempt(t *testing.T) {
	calls := &recordingCalls{}
	f := newFixture(t, emulator.Config{}, WithCallObserver(calls))
	if err := f.srv.Emulator.SetFaults(emulator.Faults{Errors: []emulator.ErrorFault{
		{Operation: "DescribeBackupVault", Code: "ThrottlingException", Count: 2},
	}}); err != nil {
		t.Fatal(err)
	}
	var vault model.BackupVault
	f.mustRun(t, model.ActDescribeBackupVault, model.DescribeBackupVaultInput{BackupVaultArn: vaultArn(west, dstVault)}, &vault)

	got := calls.of("DescribeBackupVault")
	want := []string{model.ErrThrottled, model.ErrThrottled, ""}
	if len(got) != len(want) {
		t.Fatalf("observer saw %d DescribeBackupVault attempts (%+v), want %d", len(got), got, len(want))
	}
	for i, c := range got {
		if c.ErrorClass != want[i] || c.Region != west || c.Duration <= 0 {
			t.Errorf("attempt %d = %+v, want class %q in %s with a duration", i+1, c, want[i], west)
		}
	}
	if starts := calls.of("StartBackupJob"); len(starts) != 1 || starts[0].Region != east || starts[0].ErrorClass != "" {
		t.Errorf("the fixture's backup start was seen as %+v, want one success in %s", starts, east)
	}
}

// TestCallObserverClassifiesRefusals: an access denied answer is reported under its
// class, once (the SDK does not retry it).
func TestCallObserverClassifiesRefusals(t *testing.T) {
	calls := &recordingCalls{}
	f := newFixture(t, emulator.Config{}, WithCallObserver(calls))
	if err := f.srv.Emulator.SetFaults(emulator.Faults{Errors: []emulator.ErrorFault{
		{Operation: "DescribeRecoveryPoint", Code: "AccessDeniedException", Count: 1},
	}}); err != nil {
		t.Fatal(err)
	}
	err := f.run(model.ActDescribeRecoveryPoint, model.DescribeRecoveryPointInput{Region: east, BackupVaultName: srcVault, RecoveryPointArn: f.point}, nil)
	wantAppError(t, err, model.ErrAccessDenied, false)
	got := calls.of("DescribeRecoveryPoint")
	if len(got) != 1 || got[0].ErrorClass != model.ErrAccessDenied || got[0].Region != east {
		t.Errorf("observer saw %+v, want one AccessDenied attempt in %s", got, east)
	}
}

// TestCallObserverSeesTaggingCalls: the plan activities' tagging clients report too,
// under the "tagging:" prefix the activities' messages use.
func TestCallObserverSeesTaggingCalls(t *testing.T) {
	calls := &recordingCalls{}
	f := newFixture(t, emulator.Config{}, WithCallObserver(calls))
	p := NewPlans(f.backup)
	if _, err := p.loadInventory(context.Background(), east); err != nil {
		t.Fatal(err)
	}
	got := calls.of("tagging:GetResources")
	if len(got) == 0 || got[0].Region != east || got[0].ErrorClass != "" {
		t.Errorf("observer saw tagging calls %+v, want GetResources in %s", got, east)
	}
}

// TestCopyEndCarriesKindAndDuration: the observer learns the kind the workflow named
// and the job's duration on AWS's clock.
func TestCopyEndCarriesKindAndDuration(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	id := f.startCopy(t, "kind-1")
	f.srv.Emulator.Advance(time.Hour)
	var job model.CopyJob
	f.mustRun(t, model.ActPollCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: id, Kind: model.CopyIncremental}, &job)
	if len(f.observer.ended) != 1 {
		t.Fatalf("observer saw ends %+v, want one", f.observer.ended)
	}
	end := f.observer.ended[0]
	if end.Kind != model.CopyIncremental {
		t.Errorf("observer saw kind %q, want %s", end.Kind, model.CopyIncremental)
	}
	if want := job.CompletionDate.Sub(job.CreationDate); want <= 0 || end.Duration != want {
		t.Errorf("observer saw duration %s, want the job's %s (created %s, completed %s)", end.Duration, want, job.CreationDate, job.CompletionDate)
	}
}
