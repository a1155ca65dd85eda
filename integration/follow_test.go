package integration

import (
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/starter/cli"
)

// A copy job that DescribeCopyJob, through the real aws-sdk-go-v2 client, first does
// not know (ResourceNotFoundException three times, as AWS lists a new job late) and then
// refuses with an expired token twice is followed to its end: the copy lands once, from
// one StartCopyJob and one job.
func TestCopyJobFollowedThroughNotFoundAndExpiredToken(t *testing.T) {
	v := newVolume(t)
	rp := v.backup(t)
	dest := []string{vaultArn("eu-west-1")}
	if err := stack.Emulator.Emulator.SetFaults(emulator.Faults{Errors: []emulator.ErrorFault{
		{Operation: "DescribeCopyJob", Code: "ResourceNotFoundException", Count: 3},
		{Operation: "DescribeCopyJob", Code: "ExpiredTokenException", Count: 2},
	}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = stack.Emulator.Emulator.SetFaults(emulator.Faults{}) })
	before := counters()

	r := regioncopy(t, 2*time.Minute, v.copyArgs(rp, dest, "--wait", "--output", "json")...)
	if r.code != cli.ExitOK {
		t.Fatalf("exit %d, want %d\nstdout %s\nstderr %s", r.code, cli.ExitOK, r.stdout, r.stderr)
	}
	out := decodeOutcome(t, r)
	if out.Result == nil || len(out.Result.Results) != 1 {
		t.Fatalf("outcome: %+v", out)
	}
	if rec := out.Result.Results[0].Record; rec == nil || rec.State != model.JobCompleted || rec.DestinationRecoveryPointArn == "" {
		t.Fatalf("copy: %+v (error %q), want a COMPLETED copy", rec, out.Result.Results[0].Error)
	}
	after := counters()
	if got := after.FaultsInjected["ResourceNotFoundException"] - before.FaultsInjected["ResourceNotFoundException"]; got != 3 {
		t.Errorf("ResourceNotFoundException answered %d times, want 3", got)
	}
	if got := after.FaultsInjected["ExpiredTokenException"] - before.FaultsInjected["ExpiredTokenException"]; got != 2 {
		t.Errorf("ExpiredTokenException answered %d times, want 2", got)
	}
	if got := after.Calls["StartCopyJob"] - before.Calls["StartCopyJob"]; got != 1 {
		t.Errorf("StartCopyJob called %d times, want 1", got)
	}
	if got := after.CopyJobs - before.CopyJobs; got != 1 {
		t.Errorf("copy jobs: %d, want 1", got)
	}
	if got := after.FullCopies + after.IncrementalCopies - before.FullCopies - before.IncrementalCopies; got != 1 {
		t.Errorf("copies landed: %d, want 1", got)
	}
}
