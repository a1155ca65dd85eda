package main

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The worker, run as a process, is SIGKILLed six times at random moments and four
// times at chosen ones (StartCopyJob in flight, StartCopyJob just answered, a poll in
// flight, an expiry deletion in flight) while volumes are backed up and copied to two
// Regions, and AWS throttles calls, answers 5xx, fails copy jobs and holds them in
// CREATED; with the worker left running, every request completes (a copy FAILED only
// when every job of it failed in AWS), every chain lists each recovery point once, and
// the emulator shows one copy job per copy, failed job and token.
// REGIONCOPY_CHAOS_SEED repeats a run.
func TestWorkerSIGKILLedNoCopyLostOrDoubled(t *testing.T) {
	skipUnlessIntegration(t)
	o := DefaultOptions()
	res := runChaos(t, o)
	f := res.Figures
	checkKillsAndCopies(t, o, f)
	if f.WorkerStarts != f.Kills+1 {
		t.Errorf("worker processes started: %d, want one more than the %d kills", f.WorkerStarts, f.Kills)
	}
	if f.Faults.CopiedAfterFailedJob == 0 {
		t.Errorf("AWS faults %+v: want copies retried after a failed job", f.Faults)
	}
	if f.RequestsSentTwice == 0 {
		t.Error("no request was sent twice: the workload no longer repeats requests")
	}
}

func skipUnlessIntegration(t *testing.T) {
	t.Helper()
	if testing.Short() || os.Getenv("REGIONCOPY_SKIP_INTEGRATION") != "" {
		t.Skip("chaos run skipped (-short or REGIONCOPY_SKIP_INTEGRATION)")
	}
}

// checkKillsAndCopies holds on both topologies: the worker was SIGKILLed at every chosen
// moment and at random ones, AWS's faults all happened, and every order ended in one
// copy job per copy and per failed job, none doubled.
func checkKillsAndCopies(t *testing.T, o Options, f Figures) {
	t.Helper()
	if want := o.RandomKills + 4; f.Kills != want || f.DeliberateKills != 4 {
		t.Errorf("worker kills: %d (%d deliberate), want %d (4 deliberate)", f.Kills, f.DeliberateKills, want)
	}
	if f.Duplicates != 0 || f.CopyJobs != int64(f.Copies)+f.Faults.FailedJobsListed || f.Copies+f.Faults.FailedCopies < o.Resources*o.Points*len(destinationRegions) {
		t.Errorf("copies %d (%d FAILED), copy jobs %d (%d FAILED), duplicates %d: want one job per copy and per failed job, none doubled, at least %d orders",
			f.Copies, f.Faults.FailedCopies, f.CopyJobs, f.Faults.FailedJobsListed, f.Duplicates, o.Resources*o.Points*len(destinationRegions))
	}
	if ff := f.Faults; ff.Throttled == 0 || ff.ServiceFaults == 0 || ff.FailedJobs == 0 || ff.HeldJobs == 0 {
		t.Errorf("AWS faults %+v: want throttled calls, service faults, failed and held copy jobs", ff)
	}
}

// runChaos runs o with a seed from the clock or REGIONCOPY_CHAOS_SEED, failing the test
// on every failed check and problem.
func runChaos(t *testing.T, o Options) Results {
	t.Helper()
	o.Seed = time.Now().UnixNano() % 1_000_000_000
	if s := os.Getenv("REGIONCOPY_CHAOS_SEED"); s != "" {
		seed, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("REGIONCOPY_CHAOS_SEED=%q must be a whole number", s)
		}
		o.Seed = seed
	}
	t.Logf("seed %d (repeat with REGIONCOPY_CHAOS_SEED=%d or go run ./chaos -topology %s -seed %d)", o.Seed, o.Seed, o.Topology, o.Seed)
	o.Log = testLog{t}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	res, err := Run(ctx, o, "go test ./chaos")
	if err != nil {
		t.Fatalf("seed %d: %v", o.Seed, err)
	}
	t.Logf("results:\n%s", res.markdown())
	for _, c := range res.Failed() {
		t.Errorf("seed %d: %s: want %s, got %s\n%s", o.Seed, c.Name, c.Want, c.Got, strings.Join(c.Details, "\n"))
	}
	for _, p := range res.Problems {
		t.Errorf("seed %d: %s", o.Seed, p)
	}
	return res
}

// testLog writes the run's progress lines to the test log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
