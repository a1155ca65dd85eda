package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Results is what a run writes to its results file.
type Results struct {
	Command     string
	Seed        int64
	Options     ResultOptions
	StartedAt   time.Time
	WallSeconds float64
	Figures     Figures
	Kills       []Kill
	// Checks are the assertions; a failed one fails the run.
	Checks []Check
	// Problems are failures outside the checks: a worker that died on its own, a
	// workload step that failed.
	Problems []string `json:",omitempty"`
	// LogDir keeps each worker incarnation's log when the run failed.
	LogDir string `json:",omitempty"`
}

// ResultOptions are the options that shaped the run.
type ResultOptions struct {
	Resources, Points, ShortLifecycle, RandomKills int
	LateShort                                      bool   `json:",omitempty"`
	Soak                                           string `json:",omitempty"`
	TimeScale                                      float64
	// Faults are the AWS faults asked for (absent: none).
	Faults *ResultFaults `json:",omitempty"`
	// Topology is the stack topology's shape (absent: the dev topology).
	Topology *ResultTopology `json:",omitempty"`
}

// ResultTopology is the stack topology as asked for.
type ResultTopology struct {
	Name                                   string
	Workers, ServerKills, PostgresRestarts int
}

// ResultFaults are AWSFaults as the results file shows them.
type ResultFaults struct {
	BurstCalls         int
	BurstGap           string
	Operations, Codes  []string
	FailJobs, HoldJobs float64
	HoldFor            string
}

func resultFaults(f AWSFaults) *ResultFaults {
	if f.none() {
		return nil
	}
	return &ResultFaults{BurstCalls: f.BurstCalls, BurstGap: f.BurstGap.String(), Operations: f.Operations, Codes: f.Codes,
		FailJobs: f.FailJobs, HoldJobs: f.HoldJobs, HoldFor: f.HoldFor.String()}
}

// FaultFigures count the AWS faults injected and what became of them.
type FaultFigures struct {
	// Bursts is the number of error bursts begun; Injected the calls they answered with
	// an error, by "Operation Code"; Throttled and ServiceFaults the same calls by class.
	Bursts                   int
	Injected                 map[string]int64 `json:",omitempty"`
	Throttled, ServiceFaults int64
	// FailedJobs and HeldJobs are the copy jobs the emulator made fail or held in CREATED;
	// FailedJobsListed the FAILED copy jobs it lists at the end.
	FailedJobs, HeldJobs, FailedJobsListed int64
	// CopiedAfterFailedJob are orders that landed on a later attempt; FailedCopies orders
	// recorded FAILED because every attempt's job failed.
	CopiedAfterFailedJob, FailedCopies int
}

// Figures are the run's counts.
type Figures struct {
	Kills, DeliberateKills, WorkerStarts int
	Requests, RequestsSentTwice          int
	RequestsCompleted                    int
	Chains                               int
	// Copies are the chains' records; Deleted of them were deleted at expiry and
	// GuardExtended are newest copies whose expiry the chain pushed back.
	// LandedExpired of them are EXPIRED_ON_LANDING: their job finished after their DeleteAt.
	Copies, Deleted, GuardExtended, LandedExpired int
	// From the emulator's counters.
	CopyJobs, StartCopyJobCalls                    int64
	IdempotencyTokens                              int
	EmulatorFullCopies, EmulatorIncrementalCopies  int64
	ExpectedFullCopies, JustifiedByExpiry          int64
	DescribeCopyJobCalls, DeleteRecoveryPointCalls int64
	UpdateLifecycleCalls                           int64
	// Duplicates are copy jobs beyond one per token plus jobs no chain records.
	Duplicates int64
	Faults     FaultFigures
	// On the stack topology: SIGKILLs by worker (a deliberate kill hits every worker),
	// the Temporal server's SIGKILLs and PostgreSQL's restarts, and the longest each took
	// to serve again after its restart began.
	WorkerKills                   map[string]int `json:",omitempty"`
	ServerKills, PostgresRestarts int            `json:",omitempty"`
	ServerRecoverySeconds         float64        `json:",omitempty"`
	PostgresRecoverySeconds       float64        `json:",omitempty"`
	SendsRetried                  int            `json:",omitempty"`
}

// Check is one assertion and whether the run met it.
type Check struct {
	Name    string
	Want    string
	Got     string
	Pass    bool
	Details []string `json:",omitempty"`
}

// Failed lists the checks that did not pass.
func (r Results) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.Pass {
			out = append(out, c)
		}
	}
	return out
}

// OK reports whether every check passed and nothing else went wrong.
func (r Results) OK() bool { return len(r.Failed()) == 0 && len(r.Problems) == 0 }

// write stores the results as JSON at path and as Markdown next to it (.md).
func (r Results) write(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return err
	}
	return os.WriteFile(strings.TrimSuffix(path, filepath.Ext(path))+".md", []byte(r.markdown()), 0o644)
}

// row is one line of the figures table.
type row struct {
	k string
	v any
}

func (r Results) markdown() string {
	var b strings.Builder
	verdict := "PASS"
	if !r.OK() {
		verdict = "FAIL"
	}
	f := r.Figures
	fmt.Fprintf(&b, "# Chaos run: %s\n\n", verdict)
	fmt.Fprintf(&b, "`%s` — seed %d, %s, %.0fs wall, time scale %g\n\n", r.Command, r.Seed, r.StartedAt.UTC().Format(time.RFC3339), r.WallSeconds, r.Options.TimeScale)
	b.WriteString("| figure | value |\n|---|---|\n")
	rows := []row{
		{"worker SIGKILLs (deliberate among them)", fmt.Sprintf("%d (%d)", f.Kills, f.DeliberateKills)},
		{"worker processes started", f.WorkerStarts},
		{"requests (sent twice) / completed", fmt.Sprintf("%d (%d) / %d", f.Requests, f.RequestsSentTwice, f.RequestsCompleted)},
		{"chains", f.Chains},
		{"copies recorded (deleted at expiry, guard-extended, landed expired)", fmt.Sprintf("%d (%d, %d, %d)", f.Copies, f.Deleted, f.GuardExtended, f.LandedExpired)},
		{"copy jobs created / StartCopyJob calls / idempotency tokens", fmt.Sprintf("%d / %d / %d", f.CopyJobs, f.StartCopyJobCalls, f.IdempotencyTokens)},
		{"full copies: emulator / expected (after an expired base)", fmt.Sprintf("%d / %d (%d)", f.EmulatorFullCopies, f.ExpectedFullCopies, f.JustifiedByExpiry)},
		{"incremental copies (emulator)", f.EmulatorIncrementalCopies},
		{"DescribeCopyJob / DeleteRecoveryPoint / UpdateRecoveryPointLifecycle calls", fmt.Sprintf("%d / %d / %d", f.DescribeCopyJobCalls, f.DeleteRecoveryPointCalls, f.UpdateLifecycleCalls)},
		{"AWS error bursts / calls answered throttled / with a service fault", fmt.Sprintf("%d / %d / %d", f.Faults.Bursts, f.Faults.Throttled, f.Faults.ServiceFaults)},
		{"copy jobs made to fail (listed FAILED) / held in CREATED", fmt.Sprintf("%d (%d) / %d", f.Faults.FailedJobs, f.Faults.FailedJobsListed, f.Faults.HeldJobs)},
		{"orders copied after a failed job / reported FAILED (every job failed)", fmt.Sprintf("%d / %d", f.Faults.CopiedAfterFailedJob, f.Faults.FailedCopies)},
		{"**duplicates**", fmt.Sprintf("**%d**", f.Duplicates)},
	}
	if r.Options.Topology != nil {
		rows = slices.Insert(rows, 1, r.stackRows()...)
	}
	for _, row := range rows {
		fmt.Fprintf(&b, "| %s | %v |\n", row.k, row.v)
	}
	if len(f.Faults.Injected) > 0 {
		b.WriteString("\n| injected error | calls |\n|---|---|\n")
		keys := slices.Sorted(maps.Keys(f.Faults.Injected))
		for _, k := range keys {
			fmt.Fprintf(&b, "| %s | %d |\n", k, f.Faults.Injected[k])
		}
	}
	b.WriteString("\n| check | want | got | |\n|---|---|---|---|\n")
	for _, c := range r.Checks {
		mark := "pass"
		if !c.Pass {
			mark = "**FAIL**"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.Name, c.Want, c.Got, mark)
	}
	if r.Options.Topology != nil {
		b.WriteString(r.stackKillTable())
	} else {
		b.WriteString("\n| # | at | kill | worker up | pause |\n|---|---|---|---|---|\n")
		for i, k := range r.Kills {
			kind := k.Kind
			if !k.Landed {
				kind += " (did not land)"
			}
			fmt.Fprintf(&b, "| %d | %.1fs | %s | %.2fs | %.2fs |\n", i+1, k.At.Seconds(), kind, k.Uptime.Seconds(), k.Pause.Seconds())
		}
	}
	for _, c := range r.Failed() {
		fmt.Fprintf(&b, "\n**%s**\n\n", c.Name)
		for _, d := range c.Details {
			fmt.Fprintf(&b, "- %s\n", d)
		}
	}
	if len(r.Problems) > 0 {
		b.WriteString("\n**Problems**\n\n")
		for _, p := range r.Problems {
			fmt.Fprintf(&b, "- %s\n", p)
		}
	}
	return b.String()
}
