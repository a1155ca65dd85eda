package integration

import (
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/starter/cli"
	"github.com/regioncopy/regioncopy/workflows"
)

// A copy whose jobs keep failing is retried by policy, then reported: exit 1 with AWS's
// reason. Asking again once the cause is gone starts a new run that copies.
func TestFailedCopyIsReportedThenRetriedOnRequest(t *testing.T) {
	v := newVolume(t)
	rp := v.backup(t)
	dest := []string{vaultArn("us-west-2")}
	const reason = "Insufficient privileges to use the destination vault's KMS key"
	if err := stack.Emulator.Emulator.SetFaults(emulator.Faults{
		FailJobRate: 1, JobKinds: []string{"copy"}, FailJobLimit: workflows.CopyAttempts, FailReason: reason,
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stack.Emulator.Emulator.SetFaults(emulator.Faults{}) })
	before := counters()

	r := regioncopy(t, 2*time.Minute, v.copyArgs(rp, dest, "--wait", "--output", "json")...)
	if r.code != cli.ExitFailure {
		t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", r.code, cli.ExitFailure, r.stdout, r.stderr)
	}
	mustContain(t, "the error", r.stderr, "the copy failed", dest[0], reason)
	failed := decodeOutcome(t, r)
	if failed.Result == nil || len(failed.Result.Results) != 1 || failed.Result.Results[0].Error == "" {
		t.Errorf("failed outcome: %+v", failed)
	}
	if got := counters().CopyJobs - before.CopyJobs; got != workflows.CopyAttempts {
		t.Errorf("copy jobs for the failing copy: %d, want %d (one per attempt)", got, workflows.CopyAttempts)
	}

	// The fault is spent: the same request again is a new run, and it copies.
	r = regioncopy(t, 2*time.Minute, v.copyArgs(rp, dest, "--wait", "--output", "json")...)
	if r.code != cli.ExitOK {
		t.Fatalf("retried request: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	retried := decodeOutcome(t, r)
	if retried.WorkflowId != failed.WorkflowId || retried.RunId == failed.RunId {
		t.Errorf("retry ran %s %s after %s %s; want the same id, a new run", retried.WorkflowId, retried.RunId, failed.WorkflowId, failed.RunId)
	}
	if rec := retried.Result.Results[0].Record; rec == nil || rec.State != model.JobCompleted || rec.Kind != string(model.CopyFull) {
		t.Errorf("retried copy: %+v", retried.Result.Results[0])
	}
	if strings.Contains(r.stdout, reason) {
		t.Errorf("the successful retry still reports the old failure: %s", r.stdout)
	}
}
