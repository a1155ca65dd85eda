package emulator_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/emulator"
)

// TestRestartFromTheStateFile: a second emulator started from the saved file (here while the
// first never closed, as after a crash) has everything: vaults, points, jobs mid-flight,
// tokens, counters, clock and fault sequence.
func TestRestartFromTheStateFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	cfg := emulator.Config{StateFile: file, Seed: 3, CopyBandwidth: 64 << 20,
		Faults: emulator.Faults{ThrottleRate: 0.5, Operations: []string{"GetSupportedResourceTypes"}}}
	first := start(t, cfg)
	src := first.Client(east)
	mustVault(t, src, "src", "")
	dstArn := mustVault(t, first.Client(west), "dst", "")
	b := completedBackup(t, first, src, "src", volume)
	tok := func(in *backup.StartCopyJobInput) { in.IdempotencyToken = aws.String("restart-token") }
	id := mustCopy(t, src, aws.ToString(b.RecoveryPointArn), "src", dstArn, tok)
	first.Emulator.Advance(60 * time.Second) // the 128 s copy is half done
	clockBefore := first.Emulator.Now()

	probe := func(c *backup.Client) (out []bool) {
		for range 8 {
			_, err := c.GetSupportedResourceTypes(ctx(t), &backup.GetSupportedResourceTypesInput{})
			out = append(out, err != nil)
		}
		return out
	}
	// What the first emulator would answer next, had it gone on...
	if err := first.Emulator.Save(); err != nil {
		t.Fatal(err)
	}
	saved, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	wantFaults := probe(first.Client(east, noRetry))
	// ...is what a restarted one answers (from a copy of the file: the first emulator keeps
	// saving to its own).
	restarted := filepath.Join(t.TempDir(), "restarted.json")
	if err := os.WriteFile(restarted, saved, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.StateFile = restarted
	second := start(t, cfg)
	if gotFaults := probe(second.Client(east, noRetry)); !equalBools(gotFaults, wantFaults) {
		t.Errorf("fault sequence after restart %v, want %v", gotFaults, wantFaults)
	}
	if now := second.Emulator.Now(); now.Before(clockBefore) || now.Sub(clockBefore) > time.Minute {
		t.Errorf("restarted clock %v, saved %v", now, clockBefore)
	}
	c2 := second.Client(east)
	j := copyJob(t, c2, &id)
	if j.State != types.CopyJobStateRunning {
		t.Fatalf("copy after restart is %s, want RUNNING", j.State)
	}
	if again := mustCopy(t, c2, aws.ToString(b.RecoveryPointArn), "src", dstArn, tok); again != id {
		t.Fatalf("idempotency token forgotten across restart: %s vs %s", again, id)
	}
	second.Emulator.Advance(70 * time.Second)
	if j := copyJob(t, c2, &id); j.State != types.CopyJobStateCompleted {
		t.Fatalf("copy did not finish after restart: %s", j.State)
	}
	c := second.Emulator.Counters()
	if c.BackupJobs != 1 || c.CopyJobs != 1 || c.BytesTransferred[east+">"+west] != fullSize || c.StartCopyJobCalls["restart-token"] != 2 {
		t.Fatalf("counters after restart: %+v", c)
	}
	if _, err := second.Client(west).DescribeBackupVault(ctx(t), &backup.DescribeBackupVaultInput{BackupVaultName: aws.String("dst")}); err != nil {
		t.Fatalf("vault lost: %v", err)
	}

	// Changes reach the file in the background without an explicit Save.
	if _, err := second.Client(east).CreateBackupVault(ctx(t), &backup.CreateBackupVaultInput{BackupVaultName: aws.String("later")}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(restarted)
		if err == nil && bytes.Contains(b, []byte(vaultArn(east, "later"))) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a new vault never reached the state file")
		}
		time.Sleep(10 * time.Millisecond)
	}

	// A torn or foreign file is refused with a clear error, not silently replaced.
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"Vaults": [`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := emulator.New(emulator.Config{StateFile: bad}); err == nil {
		t.Fatal("a corrupt state file was accepted")
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRefusedCallsReachTheStateFile: calls answered with an error before any handler runs
// (here every call is throttled) still change the counters and the fault source, and those
// changes reach the state file without waiting for some later successful call.
func TestRefusedCallsReachTheStateFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	s := start(t, emulator.Config{StateFile: file, Faults: emulator.Faults{ThrottleRate: 1}})
	_, err := s.Client(east, noRetry).ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{})
	wantAPIError(t, err, "ThrottlingException", 400)
	deadline := time.Now().Add(5 * time.Second)
	for {
		var saved struct{ Counters emulator.Counters }
		b, err := os.ReadFile(file)
		if err == nil && json.Unmarshal(b, &saved) == nil && saved.Counters.Calls["ListBackupVaults"] == 1 &&
			saved.Counters.FaultsInjected["Throttling"] == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the throttled call never reached the state file: %s", b)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestBackgroundSavesAreSpacedBySaveInterval: a stream of calls, each of which changes the
// state (its counters), is saved about once a second, not once per call, and the last
// change still reaches the state file within a second or so of the stream's end.
func TestBackgroundSavesAreSpacedBySaveInterval(t *testing.T) {
	file := filepath.Join(t.TempDir(), "state.json")
	s := start(t, emulator.Config{StateFile: file})
	c := s.Client(east)
	var seen []byte
	writes := 0
	look := func() []byte {
		b, err := os.ReadFile(file)
		if err == nil && !bytes.Equal(b, seen) {
			writes++
			seen = b
		}
		return b
	}
	look()
	began := time.Now()
	calls := 0
	for time.Since(began) < 1500*time.Millisecond {
		if _, err := c.ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{}); err != nil {
			t.Fatal(err)
		}
		calls++
		look()
	}
	elapsed := time.Since(began)
	if limit := int(elapsed/time.Second) + 2; writes > limit || calls < 20 {
		t.Errorf("%d state file writes seen over %d calls in %s, want at most %d", writes, calls, elapsed.Round(time.Millisecond), limit)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var saved struct{ Counters emulator.Counters }
		if json.Unmarshal(look(), &saved) == nil && saved.Counters.Calls["ListBackupVaults"] == int64(calls) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the state file never counted all %d calls: %v", calls, saved.Counters.Calls)
		}
	}
}
