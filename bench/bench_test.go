package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

// TestScenariosMeetTheirTargets runs the bytes and history scenarios at a tiny size on the real dev
// server, emulator and worker, and fails on any missed target: bytes within 1% of the
// minimum, coalescing below copying every point, the same history events per copy for
// every job length, DescribeCopyJob calls within the worker's poll floor.
func TestScenariosMeetTheirTargets(t *testing.T) {
	if testing.Short() || temporaltest.Binary() == "" {
		t.Skip("needs the Temporal dev server: set REGIONCOPY_TEMPORAL_BIN (make test does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	o := DefaultOptions()
	o.Scenarios = []string{ScenarioBytes, ScenarioHistory}
	o.Backups, o.Resources, o.BacklogHours = 5, 2, 3
	o.TimeScale = 28800 // a 48h job lasts six wall seconds
	o.Out = filepath.Join(t.TempDir(), "results.json")
	res, err := Run(ctx, o, "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Failed() {
		t.Errorf("target missed: %s: want %s, measured %s", c.Name, c.Target, c.Measured)
	}

	if len(res.Bytes) != 3 {
		t.Fatalf("bytes variants: %d, want 3", len(res.Bytes))
	}
	for _, b := range res.Bytes[:2] {
		if b.Ratio < 1 || b.Ratio > maxBytesRatio {
			t.Errorf("%s: moved/minimum %.4f, want within [1, %.2f]", b.Name, b.Ratio, maxBytesRatio)
		}
		wantIncr := int64(b.Resources * (b.Backups - 1) * len(bytesDestinations))
		if b.IncrementalCopies != wantIncr {
			t.Errorf("%s: %d incremental copies, want %d (every later point to both destinations)", b.Name, b.IncrementalCopies, wantIncr)
		}
	}
	co := res.Bytes[2]
	if co.Moved >= co.Minimum || co.Superseded == 0 {
		t.Errorf("coalescing moved %d of copy-every %d bytes with %d points coalesced away; want fewer bytes and some coalesced", co.Moved, co.Minimum, co.Superseded)
	}
	if copies := co.FullCopies + co.IncrementalCopies + int64(co.Superseded); copies != int64(co.Resources*co.Backups*len(bytesDestinations)) {
		t.Errorf("coalescing: %d copies and %d coalesced away do not account for every order", co.FullCopies+co.IncrementalCopies, co.Superseded)
	}

	h := res.History
	if h == nil || len(h.Copies) != len(o.JobLengths) {
		t.Fatalf("history: %+v", h)
	}
	for _, c := range h.Copies {
		if c.ChainEventsNoTasks != h.Copies[0].ChainEventsNoTasks {
			t.Errorf("a %s copy cost %d chain events, a %s copy %d", c.JobLength, c.ChainEventsNoTasks, h.Copies[0].JobLength, h.Copies[0].ChainEventsNoTasks)
		}
		if c.RequestEventsNoTasks != h.Copies[0].RequestEventsNoTasks {
			t.Errorf("a %s copy's request cost %d events, a %s copy's %d (workflow tasks aside)", c.JobLength, c.RequestEventsNoTasks, h.Copies[0].JobLength, h.Copies[0].RequestEventsNoTasks)
		}
	}

	// The results file and its table are written and read back.
	if err := res.write(o.Out); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(o.Out)
	if err != nil {
		t.Fatal(err)
	}
	var back Results
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("results file: %v", err)
	}
	if len(back.Checks) != len(res.Checks) {
		t.Errorf("results file has %d checks, the run %d", len(back.Checks), len(res.Checks))
	}
	md, err := os.ReadFile(strings.TrimSuffix(o.Out, ".json") + ".md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "| 48h0m0s |") {
		t.Errorf("the Markdown table lacks the 48h row:\n%s", md)
	}
}

// TestOptionsNameEveryBadFlag needs no server: bad flags are refused together, each by
// name and rule.
func TestOptionsNameEveryBadFlag(t *testing.T) {
	var stderr strings.Builder
	_, err := parseOptions([]string{"-scenarios", "bytes,speed", "-backups", "1", "-job-lengths", "1h,soon", "-time-scale", "0.5",
		"-plan-resources", "0", "-plan-copy-length", "1s", "-plan-time-scale", "0",
		"-chain-copies", "20", "-timer-chains", "0", "-throughput-copies", "0"}, &stderr)
	if err == nil {
		t.Fatal("bad flags accepted")
	}
	for _, want := range []string{`-scenarios: "speed"`, "-backups: 1", `-job-lengths: "soon"`, "-time-scale: 0.5", "-backlog-hours: 24",
		"-plan-resources: 0", "-plan-copy-length: 1s", "-plan-time-scale: 0",
		"-chain-copies: 20", "-timer-chains: 0", "-throughput-copies: 0"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	o, err := parseOptions(nil, &stderr)
	if err != nil {
		t.Fatalf("defaults refused: %v", err)
	}
	if o.Backups != 48 || len(o.JobLengths) != 4 || o.Out != "bench/results/latest.json" ||
		o.PlanResources != 1000 || o.PlanCopyLength != 4*time.Hour || !slices.Contains(o.Scenarios, ScenarioPlanRun) ||
		len(o.Scenarios) != len(scenarioNames) || o.ChainCopies != 2160 || o.TimerChains != 10000 || o.ThroughputCopies != 500 {
		t.Errorf("defaults: %+v", o)
	}
}

// TestRealTimeFollowCosts pins the computed real-speed columns: a job costs its first
// look and a DescribeCopyJob every 6 hours; its Region is swept every 20 seconds while it
// runs, for all the jobs followed there at once.
func TestRealTimeFollowCosts(t *testing.T) {
	for l, want := range map[time.Duration]int{time.Minute: 1, 10 * time.Hour: 2, 48 * time.Hour: 9} {
		if got := realTimeDescribes(l); got != want {
			t.Errorf("%s job: %d DescribeCopyJob, want %d", l, got, want)
		}
	}
	if got := realTimeSweeps(time.Hour); got != 180 {
		t.Errorf("an hour: %d sweeps, want 180", got)
	}
}

// TestFollowScenarioMeetsItsTargets is the follow scenario reduced to 200 copies in
// flight at once, with jobs of 5 to 30 emulated minutes: at most 2 AWS read calls per
// landed copy, every copy landed.
func TestFollowScenarioMeetsItsTargets(t *testing.T) {
	if testing.Short() || temporaltest.Binary() == "" {
		t.Skip("needs the Temporal dev server: set REGIONCOPY_TEMPORAL_BIN (make test does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	o := DefaultOptions()
	o.Scenarios = []string{ScenarioFollow}
	o.FollowCopies, o.FollowLengths = 200, [2]time.Duration{5 * time.Minute, 30 * time.Minute}
	o.Out = ""
	res, err := Run(ctx, o, "test")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Failed() {
		t.Errorf("target missed: %s: want %s, measured %s", c.Name, c.Target, c.Measured)
	}
	f := res.Follow
	if f == nil || f.InFlight != 200 || f.Landed != 200 {
		t.Fatalf("follow: %+v", f)
	}
	// Each copy's first look is its only DescribeCopyJob: no job runs 6 emulated hours.
	if f.DescribeCopyJob != 200 {
		t.Errorf("%d DescribeCopyJob calls for 200 copies, want one each", f.DescribeCopyJob)
	}
	t.Logf("%+v", *f)
}
