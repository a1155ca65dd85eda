package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Scenario names accepted by -scenarios.
const (
	ScenarioBytes      = "bytes"
	ScenarioHistory    = "history"
	ScenarioFollow     = "follow"
	ScenarioPlanRun    = "planrun"
	ScenarioChain      = "chain"
	ScenarioTimers     = "timers"
	ScenarioThroughput = "throughput"
	// ScenarioThroughputPostgres is the throughput scenario on the production topology:
	// the Temporal server on PostgreSQL in place of the dev server.
	ScenarioThroughputPostgres = "throughput-postgres"
	ScenarioReport             = "report"
)

// scenarioNames lists every scenario, in the order a run takes them.
var scenarioNames = []string{ScenarioBytes, ScenarioHistory, ScenarioFollow, ScenarioPlanRun, ScenarioChain, ScenarioTimers, ScenarioThroughput, ScenarioThroughputPostgres, ScenarioReport}

// Options are what a run measures and where its figures go.
type Options struct {
	// Scenarios to run, from scenarioNames.
	Scenarios []string
	// Backups is how many hourly recovery points each resource gets in the bytes scenario.
	Backups int
	// Resources is the size of the multi-resource variant of the bytes scenario (the
	// single-resource variants always run too).
	Resources int
	// BacklogHours is how long the coalescing variant's first copies are held by AWS, so
	// that the hourly recovery points taken meanwhile pile up as a backlog.
	BacklogHours int
	// JobLengths are the emulated durations of the history scenario's copy jobs.
	JobLengths []time.Duration
	// FollowCopies is how many copies the follow scenario has in flight at once.
	FollowCopies int
	// FollowLengths are the follow scenario's shortest and longest emulated job lengths;
	// the copies' lengths are spread evenly between.
	FollowLengths [2]time.Duration
	// TimeScale is how many times faster than the wall clock the emulator runs.
	TimeScale float64
	// PlanResources is how many volumes the plan run scenario's rule selects, and
	// PlanCopyLength how long each of their copies takes (emulated).
	PlanResources  int
	PlanCopyLength time.Duration
	// PlanTimeScale is the plan run scenario's emulator clock speed.
	PlanTimeScale float64
	// ChainCopies is how many hourly recovery points the chain scenario's one chain copies
	// and keeps live.
	ChainCopies int
	// TimerChains is how many chains the timers scenario starts, each with a pending timer.
	TimerChains int
	// ThroughputCopies is how many on-demand copies the throughput scenario asks for at
	// once, and how many two-activity workflows its floor runs.
	ThroughputCopies int
	// ReportResources is how many resources the report scenario's plan selects, each
	// copied to three destinations.
	ReportResources int
	// ReportChains is how many of those resources the report scenario also copies through
	// regioncopy, to time reading the chains' records.
	ReportChains int
	// Seed seeds the emulator's ids and fault draws.
	Seed int64
	// Out is the JSON results file; the Markdown table goes next to it with the .md
	// extension. "" writes no files.
	Out string
	// Log receives progress lines; nil discards them.
	Log io.Writer
}

// DefaultOptions is the published configuration: `go run ./bench` with no flags.
func DefaultOptions() Options {
	return Options{
		Scenarios:     slices.Clone(scenarioNames),
		Backups:       48,
		Resources:     5,
		BacklogHours:  24,
		JobLengths:    []time.Duration{time.Minute, time.Hour, 10 * time.Hour, 48 * time.Hour},
		TimeScale:     7200,
		FollowCopies:  1000,
		FollowLengths: [2]time.Duration{30 * time.Minute, 4 * time.Hour},
		// At 100 times the wall clock, the default start window of 8 hours is almost
		// five minutes of wall time to start a thousand backups in (two loaded cores
		// start about five a second while the chains poll their copies), and a 4-hour
		// copy two and a half.
		PlanResources:    1000,
		PlanCopyLength:   4 * time.Hour,
		PlanTimeScale:    100,
		ChainCopies:      2160, // hourly backups kept 90 days
		TimerChains:      10000,
		ThroughputCopies: 500,
		ReportResources:  10000,
		ReportChains:     200,
		Seed:             1,
		Out:              "bench/results/latest.json",
	}
}

// parseOptions reads the command line over the defaults, reporting every bad flag by name
// with the rule it breaks.
func parseOptions(args []string, stderr io.Writer) (Options, error) {
	o := DefaultOptions()
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scenarios := fs.String("scenarios", strings.Join(o.Scenarios, ","), "comma-separated scenarios to run: "+strings.Join(scenarioNames, ", "))
	followLengths := fs.String("follow-lengths", joinDurations(o.FollowLengths[:]), "follow scenario: shortest and longest emulated copy job, comma-separated Go durations")
	fs.IntVar(&o.FollowCopies, "follow-copies", o.FollowCopies, "follow scenario: copies in flight at once")
	lengths := fs.String("job-lengths", joinDurations(o.JobLengths), "history scenario: emulated copy job durations, comma-separated Go durations")
	fs.IntVar(&o.Backups, "backups", o.Backups, "bytes scenario: hourly recovery points per resource")
	fs.IntVar(&o.Resources, "resources", o.Resources, "bytes scenario: resources in the multi-resource variant")
	fs.IntVar(&o.BacklogHours, "backlog-hours", o.BacklogHours, "bytes scenario: hours the coalescing variant's first copies are held, building a backlog")
	fs.Float64Var(&o.TimeScale, "time-scale", o.TimeScale, "emulator clock speed relative to the wall clock")
	fs.IntVar(&o.ChainCopies, "chain-copies", o.ChainCopies, "chain scenario: hourly recovery points copied by one chain and kept live")
	fs.IntVar(&o.TimerChains, "timer-chains", o.TimerChains, "timers scenario: chains started, each with a pending expiry timer")
	fs.IntVar(&o.ThroughputCopies, "throughput-copies", o.ThroughputCopies, "throughput scenario: on-demand copies asked at once (and floor workflows)")
	fs.IntVar(&o.ReportResources, "report-resources", o.ReportResources, "report scenario: resources the plan selects, each copied to three destinations")
	fs.IntVar(&o.ReportChains, "report-chains", o.ReportChains, "report scenario: resources also copied through regioncopy chains, whose records the report reads")
	fs.IntVar(&o.PlanResources, "plan-resources", o.PlanResources, "planrun scenario: volumes the rule selects")
	fs.DurationVar(&o.PlanCopyLength, "plan-copy-length", o.PlanCopyLength, "planrun scenario: emulated length of each copy")
	fs.Float64Var(&o.PlanTimeScale, "plan-time-scale", o.PlanTimeScale, "planrun scenario: emulator clock speed relative to the wall clock")
	fs.Int64Var(&o.Seed, "seed", o.Seed, "emulator seed")
	fs.StringVar(&o.Out, "out", o.Out, "JSON results file (the Markdown table is written next to it as .md); empty writes none")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q: every setting is a flag", fs.Args())
	}
	o.Scenarios = splitList(*scenarios)
	var errs []error
	o.JobLengths = nil
	for _, s := range splitList(*lengths) {
		d, err := time.ParseDuration(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("-job-lengths: %q is not a Go duration (like 90s, 10h)", s))
			continue
		}
		o.JobLengths = append(o.JobLengths, d)
	}
	if fl := splitList(*followLengths); len(fl) != 2 {
		errs = append(errs, fmt.Errorf("-follow-lengths: %q must be two Go durations, shortest first", *followLengths))
	} else {
		for i, v := range fl {
			d, err := time.ParseDuration(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("-follow-lengths: %q is not a Go duration (like 30m, 4h)", v))
			}
			o.FollowLengths[i] = d
		}
	}
	if err := errors.Join(append(errs, o.validate())...); err != nil {
		return o, err
	}
	return o, nil
}

// validate reports every setting that breaks its rule.
func (o Options) validate() error {
	var errs []error
	if len(o.Scenarios) == 0 {
		errs = append(errs, errors.New("-scenarios: name at least one of "+strings.Join(scenarioNames, ", ")))
	}
	for _, s := range o.Scenarios {
		if !slices.Contains(scenarioNames, s) {
			errs = append(errs, fmt.Errorf("-scenarios: %q is not a scenario (%s)", s, strings.Join(scenarioNames, ", ")))
		}
	}
	if o.ChainCopies < minChainCopies {
		errs = append(errs, fmt.Errorf("-chain-copies: %d must be at least %d (the chain continues as new after 30 records; fewer carry nothing to measure)", o.ChainCopies, minChainCopies))
	}
	if o.ChainCopies > maxChainCopies {
		errs = append(errs, fmt.Errorf("-chain-copies: %d must be at most %d (hourly points kept 90 days)", o.ChainCopies, maxChainCopies))
	}
	if o.TimerChains < 1 {
		errs = append(errs, fmt.Errorf("-timer-chains: %d must be at least 1", o.TimerChains))
	}
	if o.ThroughputCopies < 1 {
		errs = append(errs, fmt.Errorf("-throughput-copies: %d must be at least 1", o.ThroughputCopies))
	}
	if o.ReportResources < 1 {
		errs = append(errs, fmt.Errorf("-report-resources: %d must be at least 1", o.ReportResources))
	}
	if o.ReportChains < 0 || o.ReportChains > o.ReportResources {
		errs = append(errs, fmt.Errorf("-report-chains: %d must be from 0 to -report-resources (%d)", o.ReportChains, o.ReportResources))
	}
	if o.FollowCopies < 1 {
		errs = append(errs, fmt.Errorf("-follow-copies: %d must be at least 1", o.FollowCopies))
	}
	if l := o.FollowLengths; l[0] < time.Minute || l[1] < l[0] {
		errs = append(errs, fmt.Errorf("-follow-lengths: %s,%s must be at least 1m, shortest first", l[0], l[1]))
	}
	if o.PlanResources < 1 {
		errs = append(errs, fmt.Errorf("-plan-resources: %d must be at least 1", o.PlanResources))
	}
	if o.PlanCopyLength < time.Minute {
		errs = append(errs, fmt.Errorf("-plan-copy-length: %s must be at least 1m", o.PlanCopyLength))
	}
	if o.PlanTimeScale < 1 {
		errs = append(errs, fmt.Errorf("-plan-time-scale: %v must be at least 1", o.PlanTimeScale))
	}
	if o.Backups < 2 {
		errs = append(errs, fmt.Errorf("-backups: %d must be at least 2 (one full copy and one incremental)", o.Backups))
	}
	if o.Resources < 1 {
		errs = append(errs, fmt.Errorf("-resources: %d must be at least 1", o.Resources))
	}
	if o.BacklogHours < 2 || o.BacklogHours >= o.Backups {
		errs = append(errs, fmt.Errorf("-backlog-hours: %d must be at least 2 and less than -backups (%d)", o.BacklogHours, o.Backups))
	}
	if o.wants(ScenarioHistory) && len(o.JobLengths) < 2 {
		errs = append(errs, errors.New("-job-lengths: give at least two lengths to compare"))
	}
	for _, d := range o.JobLengths {
		if d < time.Second {
			errs = append(errs, fmt.Errorf("-job-lengths: %s must be at least 1s", d))
		}
	}
	if !slices.IsSorted(o.JobLengths) {
		errs = append(errs, errors.New("-job-lengths: list them shortest first"))
	}
	if o.TimeScale < 1 {
		errs = append(errs, fmt.Errorf("-time-scale: %v must be at least 1", o.TimeScale))
	}
	return errors.Join(errs...)
}

func (o Options) wants(s string) bool { return slices.Contains(o.Scenarios, s) }

func (o Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", args...)
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func joinDurations(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return strings.Join(parts, ",")
}
