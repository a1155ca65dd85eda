package main

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/prodstack"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

// runScaleScenario runs one production-scale scenario at a reduced size and fails on
// every missed target except those named in skip.
func runScaleScenario(t *testing.T, scenario string, set func(*Options), skip ...string) Results {
	t.Helper()
	if testing.Short() || temporaltest.Binary() == "" {
		t.Skip("needs the Temporal dev server: set REGIONCOPY_TEMPORAL_BIN (make test does)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	o := DefaultOptions()
	o.Scenarios = []string{scenario}
	o.Out = filepath.Join(t.TempDir(), "results.json")
	set(&o)
	res, err := Run(ctx, o, "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Checks) == 0 {
		t.Fatal("no checks")
	}
	for _, c := range res.Failed() {
		if !slices.Contains(skip, c.Name) {
			t.Errorf("target missed: %s: want %s, measured %s", c.Name, c.Target, c.Measured)
		}
	}
	if md := res.markdown(); !strings.Contains(md, scenarioTitle(scenario)) {
		t.Errorf("the Markdown lacks the %s table:\n%s", scenario, md)
	}
	return res
}

// scenarioTitle is a phrase of the scenario's Markdown heading.
func scenarioTitle(s string) string {
	switch s {
	case ScenarioChain:
		return "## One chain"
	case ScenarioTimers:
		return "chains each waiting on its expiry timer"
	case ScenarioReport:
		return "## regioncopy report over"
	case ScenarioThroughputPostgres:
		return "## Throughput on the production topology"
	}
	return "## Throughput"
}

// TestChainScenarioKeeps120LiveCopies copies 120 hourly points through one chain: what
// it carries and answers stays under 32 KiB, the vault and the chain agree on the live
// copies, one job per point, only the first full, and every run's records are read.
func TestChainScenarioKeeps120LiveCopies(t *testing.T) {
	const copies = 120
	res := runScaleScenario(t, ScenarioChain, func(o *Options) { o.ChainCopies = copies })
	c := res.Chain
	if c == nil || c.Copies != copies {
		t.Fatalf("chain: %+v", c)
	}
	if c.Runs < copies/30 {
		t.Errorf("%d runs for %d copies: the chain did not continue as new every 30 records", c.Runs, copies)
	}
	if c.EventsPerCopy <= 0 || c.AWSCallsPerCopy < 2 || c.AWSCalls["StartCopyJob"] < copies {
		t.Errorf("events per copy %.2f, AWS calls per copy %.2f (%v): want a StartCopyJob and a look at each job at least", c.EventsPerCopy, c.AWSCallsPerCopy, c.AWSCalls)
	}
	if c.RecordsRead != c.Copies || c.ReadAllRecords <= 0 {
		t.Errorf("read %d records in %s", c.RecordsRead, c.ReadAllRecords)
	}
	if c.QuerySamples == 0 {
		t.Error("no query answer sampled while the chain copied")
	}
}

// TestTimersScenarioArms500Timers starts 500 chains with carried state: every one runs
// with its expiry timer pending, without an AWS call, and the memory and database figures
// are measured.
func TestTimersScenarioArms500Timers(t *testing.T) {
	res := runScaleScenario(t, ScenarioTimers, func(o *Options) { o.TimerChains = 500 })
	r := res.Timers
	if r == nil || r.Chains != 500 || r.TimersPending != 500 || r.Running != 500 {
		t.Fatalf("timers: %+v", r)
	}
	if r.DBAfter <= r.DBBefore || r.HeapAfter == 0 || r.StartTook <= 0 {
		t.Errorf("figures not measured: %+v", r)
	}
}

// TestThroughputScenarioLandsEveryCopy asks for 20 copies at once: every one lands and
// the figures are computed; the ratio to the floor is reported, not asserted here.
func TestThroughputScenarioLandsEveryCopy(t *testing.T) {
	res := runScaleScenario(t, ScenarioThroughput, func(o *Options) { o.ThroughputCopies = 20 })
	assertThroughputFigures(t, res.Throughput, devServer)
	if res.ThroughputPostgres != nil {
		t.Error("the dev server's scenario also ran on PostgreSQL")
	}
}

// TestThroughputPostgresScenarioLandsEveryCopy runs the same on the production topology:
// PostgreSQL's CPU is counted with the Temporal server's, and everything it started is
// stopped and removed.
func TestThroughputPostgresScenarioLandsEveryCopy(t *testing.T) {
	if testing.Short() || temporaltest.Binary() == "" {
		t.Skip("needs the Temporal dev server and PostgreSQL: make test runs it")
	}
	if _, err := os.Stat(filepath.Join(prodstack.PostgresBinDir, "postgres")); err != nil {
		t.Fatalf("PostgreSQL 15 is not installed (apt-get install postgresql; .ci/run does): %v", err)
	}
	before, _ := filepath.Glob(filepath.Join(os.TempDir(), "regioncopy-bench-stack-*"))
	res := runScaleScenario(t, ScenarioThroughputPostgres, func(o *Options) { o.ThroughputCopies = 20 }, throughputRatioCheck)
	assertThroughputFigures(t, res.ThroughputPostgres, prodServer)
	if res.Throughput != nil {
		t.Error("the PostgreSQL scenario also ran on the dev server")
	}
	if after, _ := filepath.Glob(filepath.Join(os.TempDir(), "regioncopy-bench-stack-*")); len(after) > len(before) {
		t.Errorf("state directories left behind: %v (before the run: %v)", after, before)
	}
}

func assertThroughputFigures(t *testing.T, p *ThroughputResult, server string) {
	t.Helper()
	if p == nil || p.Server != server || p.Landed != 20*throughputRounds || len(p.Rounds) != throughputRounds ||
		p.LaterLanded != 20*throughputLaterRounds || len(p.LaterRounds) != throughputLaterRounds || p.LaterRatio <= 0 {
		t.Fatalf("throughput: %+v", p)
	}
	if p.CopiesPerSecond <= 0 || p.FloorPerSecond <= 0 || p.Ratio <= 0 || p.FloorEvents == 0 {
		t.Errorf("figures not computed: %+v", p)
	}
	// Every burst costs the server CPU; a copy, two workflows, costs it more than a floor
	// workflow does.
	for i, r := range append(slices.Clone(p.Rounds), p.LaterRounds...) {
		if r.ServerCPUPerFloor <= 0 || r.ServerCPUPerCopy <= r.ServerCPUPerFloor || r.CPURatio <= 0 || r.CPURatio >= 1 || r.WorkerCPUPerCopy <= 0 {
			t.Errorf("round %d CPU figures: %+v", i+1, r)
		}
	}
	// A copy is a request and a chain, each with more than a floor workflow's events.
	if p.EventsPerCopy <= float64(p.FloorEvents) || p.RequestEvents == 0 || p.ChainEvents == 0 {
		t.Errorf("events per copy %.1f (request %d, chain %d) vs floor %d", p.EventsPerCopy, p.RequestEvents, p.ChainEvents, p.FloorEvents)
	}
}
