package emulator_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/smithy-go"

	"github.com/regioncopy/regioncopy/emulator"
)

func TestThrottlingFaults(t *testing.T) {
	s := start(t, emulator.Config{Faults: emulator.Faults{ThrottleRate: 1, ThrottleLimit: 2}})
	c := s.Client(east, noRetry)
	for range 2 {
		_, err := c.ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{})
		wantAPIError(t, err, "ThrottlingException", 400)
	}
	if _, err := c.ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{}); err != nil {
		t.Fatalf("third call after a limit of two: %v", err)
	}
	if err := s.Emulator.SetFaults(emulator.Faults{ThrottleRate: 1, ThrottleCode: "LimitExceededException", ThrottleLimit: 1,
		Operations: []string{"DescribeCopyJob"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{}); err != nil {
		t.Fatalf("an operation outside Faults.Operations was faulted: %v", err)
	}
	_, err := c.DescribeCopyJob(ctx(t), &backup.DescribeCopyJobInput{CopyJobId: aws.String("ANY")})
	wantAPIError(t, err, "LimitExceededException", 400)
	if n := s.Emulator.Counters().FaultsInjected["Throttling"]; n != 3 {
		t.Fatalf("FaultsInjected[Throttling] = %d, want 3", n)
	}
}

// TestSDKRetriesThrottling: the SDK's standard retryer rides over an injected throttle.
func TestSDKRetriesThrottling(t *testing.T) {
	s := start(t, emulator.Config{Faults: emulator.Faults{ThrottleRate: 1, ThrottleLimit: 1}})
	if _, err := s.Client(east).ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{}); err != nil {
		t.Fatalf("the SDK did not retry a ThrottlingException: %v", err)
	}
	if n := s.Emulator.Counters().Calls["ListBackupVaults"]; n != 2 {
		t.Fatalf("Calls[ListBackupVaults] = %d, want 2 (one throttled, one retried)", n)
	}
}

func TestServerErrorFaults(t *testing.T) {
	s := start(t, emulator.Config{Faults: emulator.Faults{ServerErrorRate: 1, ServerErrorLimit: 1}})
	c := s.Client(east, noRetry)
	_, err := c.ListCopyJobs(ctx(t), &backup.ListCopyJobsInput{})
	wantAPIError(t, err, "ServiceUnavailableException", 503)
	if _, err := c.ListCopyJobs(ctx(t), &backup.ListCopyJobsInput{}); err != nil {
		t.Fatalf("after the limit: %v", err)
	}
}

// TestFaultsAreReproducible: the same seed gives the same faults for the same calls.
func TestFaultsAreReproducible(t *testing.T) {
	outcomes := func(seed int64) []bool {
		s := start(t, emulator.Config{Seed: seed, Faults: emulator.Faults{ThrottleRate: 0.5}})
		c := s.Client(east, noRetry)
		var out []bool
		for range 24 {
			_, err := c.GetSupportedResourceTypes(ctx(t), &backup.GetSupportedResourceTypesInput{})
			var ae smithy.APIError
			out = append(out, errors.As(err, &ae))
		}
		return out
	}
	a, b, other := outcomes(7), outcomes(7), outcomes(8)
	same := func(x, y []bool) bool {
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return true
	}
	if !same(a, b) {
		t.Fatalf("seed 7 gave %v then %v", a, b)
	}
	if same(a, other) {
		t.Fatalf("seeds 7 and 8 gave the same 24 outcomes %v", a)
	}
	hits := 0
	for _, h := range a {
		if h {
			hits++
		}
	}
	if hits == 0 || hits == len(a) {
		t.Fatalf("a 0.5 rate faulted %d of %d calls", hits, len(a))
	}
}

func TestFailedJobFaults(t *testing.T) {
	s := start(t, emulator.Config{Faults: emulator.Faults{FailJobRate: 1, FailJobLimit: 1, JobKinds: []string{"copy"},
		FailReason: "Access denied to KMS key: the destination key has no grant for AWS Backup"}})
	src := s.Client(east)
	mustVault(t, src, "src", "")
	dstArn := mustVault(t, s.Client(west), "dst", "")
	b := completedBackup(t, s, src, "src", volume) // backups are not in JobKinds: it completes
	id := mustCopy(t, src, aws.ToString(b.RecoveryPointArn), "src", dstArn, nil)
	s.Emulator.Advance(time.Hour)
	j := copyJob(t, src, &id)
	if j.State != types.CopyJobStateFailed || aws.ToString(j.StatusMessage) != "Access denied to KMS key: the destination key has no grant for AWS Backup" {
		t.Fatalf("copy %s %q, want FAILED with the injected reason", j.State, aws.ToString(j.StatusMessage))
	}
	c := s.Emulator.Counters()
	if c.RecoveryPointsPerVault[dstArn] != 0 || c.BytesTransferred[east+">"+west] != 0 || c.FaultsInjected["FailedJob"] != 1 {
		t.Fatalf("a failed copy left traces: %+v", c)
	}
	// The limit was one: the retry succeeds, and as a full copy.
	id = mustCopy(t, src, aws.ToString(b.RecoveryPointArn), "src", dstArn, nil)
	s.Emulator.Advance(time.Hour)
	if j := copyJob(t, src, &id); j.State != types.CopyJobStateCompleted {
		t.Fatalf("retried copy %s", j.State)
	}
}

func TestHeldJobFaults(t *testing.T) {
	s := start(t, emulator.Config{Faults: emulator.Faults{HoldRate: 1, HoldFor: emulator.Duration(2 * time.Hour), JobKinds: []string{"copy"}}})
	src := s.Client(east)
	mustVault(t, src, "src", "")
	dstArn := mustVault(t, s.Client(west), "dst", "")
	b := completedBackup(t, s, src, "src", volume)
	id := mustCopy(t, src, aws.ToString(b.RecoveryPointArn), "src", dstArn, nil)
	s.Emulator.Advance(119 * time.Minute)
	if st := copyJob(t, src, &id).State; st != types.CopyJobStateCreated {
		t.Fatalf("held copy is %s before its hold ends", st)
	}
	s.Emulator.Advance(2 * time.Minute)
	if st := copyJob(t, src, &id).State; st != types.CopyJobStateRunning {
		t.Fatalf("held copy is %s after its hold, want RUNNING", st)
	}
}

func TestLatencyFault(t *testing.T) {
	s := start(t, emulator.Config{Faults: emulator.Faults{Latency: emulator.Duration(40 * time.Millisecond), Operations: []string{"ListBackupVaults"}}})
	c := s.Client(east)
	began := time.Now()
	if _, err := c.ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(began); d < 40*time.Millisecond {
		t.Fatalf("call took %v despite 40ms of injected latency", d)
	}
	if n := s.Emulator.Counters().FaultsInjected["Latency"]; n != 1 {
		t.Fatalf("FaultsInjected[Latency] = %d", n)
	}
}
