package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Results is what a run writes to its results file.
type Results struct {
	Command string
	// TimeScale is the history scenario's emulator clock speed; BytesTimeScale the bytes
	// scenario's, whose hours are stepped with Advance.
	TimeScale      float64
	BytesTimeScale float64
	Seed           int64
	Bytes          []BytesResult  `json:",omitempty"`
	History        *HistoryResult `json:",omitempty"`
	PlanRun        *PlanRunResult `json:",omitempty"`
	Follow         *FollowResult  `json:",omitempty"`
	// The production-scale scenarios (scale_results.go).
	Chain      *ChainResult      `json:",omitempty"`
	Timers     *TimersResult     `json:",omitempty"`
	Throughput *ThroughputResult `json:",omitempty"`
	// ThroughputPostgres is the throughput scenario on the production topology.
	ThroughputPostgres *ThroughputResult `json:",omitempty"`
	Report             *ReportResult     `json:",omitempty"`
	// Checks are the targets, each with what was measured; a failed one fails the run.
	Checks []Check
}

// Check is one target and whether the run met it.
type Check struct {
	Name     string
	Target   string
	Measured string
	Pass     bool
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

// maxBytesRatio is the target for bytes moved over the minimum.
const maxBytesRatio = 1.01

// check derives the targets from the figures.
func (r *Results) check() {
	for _, b := range r.Bytes {
		if b.Coalesce {
			r.Checks = append(r.Checks,
				Check{Name: b.Name + ": bytes moved vs copying every point", Target: "< 1",
					Measured: fmt.Sprintf("%.4f", b.Ratio), Pass: b.Ratio > 0 && b.Ratio < 1},
				Check{Name: b.Name + ": incremental bytes moved vs copying every point", Target: "< 1",
					Measured: fmt.Sprintf("%.4f", b.IncrementalRatio), Pass: b.IncrementalRatio > 0 && b.IncrementalRatio < 1},
				Check{Name: b.Name + ": points coalesced away", Target: "> 0",
					Measured: fmt.Sprint(b.Superseded), Pass: b.Superseded > 0})
		} else {
			r.Checks = append(r.Checks, Check{Name: b.Name + ": bytes moved vs minimum", Target: fmt.Sprintf("<= %.2f", maxBytesRatio),
				Measured: fmt.Sprintf("%.4f", b.Ratio), Pass: b.Ratio > 0 && b.Ratio <= maxBytesRatio})
			full := int64(b.Resources * len(b.Pairs))
			r.Checks = append(r.Checks, Check{Name: b.Name + ": full copies", Target: fmt.Sprintf("%d (one per resource and destination)", full),
				Measured: fmt.Sprint(b.FullCopies), Pass: b.FullCopies == full})
		}
		r.Checks = append(r.Checks, Check{Name: b.Name + ": orders without a copy", Target: "0",
			Measured: fmt.Sprint(b.Failed), Pass: b.Failed == 0})
	}
	if h := r.History; h != nil {
		events := make([]string, len(h.Copies))
		reqEvents := make([]string, len(h.Copies))
		flat, reqFlat := true, true
		describes := 0
		var parts []string
		for i, c := range h.Copies {
			events[i] = fmt.Sprint(c.ChainEventsNoTasks)
			flat = flat && c.ChainEventsNoTasks == h.Copies[0].ChainEventsNoTasks
			reqEvents[i] = fmt.Sprint(c.RequestEventsNoTasks)
			reqFlat = reqFlat && c.RequestEventsNoTasks == h.Copies[0].RequestEventsNoTasks
			describes += c.DescribeBound
			parts = append(parts, fmt.Sprintf("%s: %d", c.JobLength, c.DescribeBound))
		}
		r.Checks = append(r.Checks,
			Check{Name: "chain events per copy (workflow tasks aside), by job length", Target: "equal",
				Measured: strings.Join(events, ", "), Pass: flat},
			Check{Name: "request events per copy (workflow tasks aside), by job length", Target: "equal",
				Measured: strings.Join(reqEvents, ", "), Pass: reqFlat},
			Check{Name: "DescribeCopyJob calls over the scenario: a first look per copy and its rechecks",
				Target:   fmt.Sprintf("1 <= calls <= %d (%s)", describes, strings.Join(parts, "; ")),
				Measured: fmt.Sprint(h.DescribeCopyJobCounted), Pass: h.DescribeCopyJobCounted >= 1 && h.DescribeCopyJobCounted <= int64(describes)})
	}
	if f := r.Follow; f != nil {
		r.Checks = append(r.Checks, f.checks()...)
	}
	if p := r.PlanRun; p != nil {
		r.Checks = append(r.Checks, p.checks()...)
	}
	r.checkScale()
	if p := r.Report; p != nil {
		r.Checks = append(r.Checks, p.checks()...)
	}
}

// write saves the JSON results to path and the Markdown table next to it.
func (r Results) write(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // pair names keep their ">"
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return err
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return err
	}
	md := strings.TrimSuffix(path, filepath.Ext(path)) + ".md"
	return os.WriteFile(md, []byte(r.markdown()), 0o644)
}

// markdown is the short table published with the results.
func (r Results) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# regioncopy benchmark results\n\n`%s` (emulator time scale %g for the bytes scenario, %g for the history scenario, 1 for the chain, timers and throughput scenarios; seed %d). Counts and ratios only; wall-clock speed is not a target.\n\n",
		r.Command, r.BytesTimeScale, r.TimeScale, r.Seed)
	if len(r.Bytes) > 0 {
		b.WriteString("## Bytes moved vs the minimum (hourly backups, two destinations)\n\n")
		b.WriteString("| variant | points per resource | moved | minimum | ratio | after the full copies: moved / minimum | full copies | incremental copies | points coalesced away |\n|---|---|---|---|---|---|---|---|---|\n")
		for _, x := range r.Bytes {
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %.4f | %s / %s = %.4f | %d | %d | %d |\n", x.Name, x.Backups, binary(x.Moved), binary(x.Minimum),
				x.Ratio, binary(x.IncrementalMoved), binary(x.IncrementalMinimum), x.IncrementalRatio, x.FullCopies, x.IncrementalCopies, x.Superseded)
		}
		b.WriteString("\nThe minimum is, per destination, each resource's full size once plus every later point's change since the previous one; for the coalescing variant it is the bytes of copying every point, which coalescing beats.\n\n")
	}
	if h := r.History; h != nil {
		b.WriteString("## History events and AWS read calls per copy, by job length\n\n")
		b.WriteString("| job length (emulated) | bytes | chain events | chain events, workflow tasks aside | request events (workflow tasks aside) | PollCopyJob attempts | DescribeCopyJob bound at this scale | at real speed (computed): DescribeCopyJob, sweeps of the Region shared by all jobs in flight |\n|---|---|---|---|---|---|---|---|\n")
		for _, c := range h.Copies {
			fmt.Fprintf(&b, "| %s | %s | %d | %d | %d (%d) | %d | %d | %d, %d |\n", c.JobLength, binary(c.Bytes), c.ChainEvents,
				c.ChainEventsNoTasks, c.RequestEvents, c.RequestEventsNoTasks, c.PollAttempts, c.DescribeBound, c.RealTimeDescribes, c.RealTimeSweeps)
		}
		fmt.Fprintf(&b, "\nLongest/shortest: chain events %.2f, workflow tasks aside %.2f. Over the scenario: %d DescribeCopyJob, %d ListCopyJobs.\n\n",
			h.EventsRatio, h.EventsNoTasksRatio, h.DescribeCopyJobCounted, h.ListCopyJobsCounted)
	}
	if f := r.Follow; f != nil {
		fmt.Fprintf(&b, "## Copies in flight, followed by the worker's Region watcher (time scale %d)\n\n", followTimeScale)
		b.WriteString("| copies in flight | job lengths (emulated) | landed | DescribeCopyJob | ListCopyJobs (while starting) | AWS read calls per landed copy | completion noticed within (computed) |\n|---|---|---|---|---|---|---|\n")
		fmt.Fprintf(&b, "| %d | %s to %s | %d | %d | %d (%d) | %.2f | %s |\n\n", f.InFlight, f.ShortestJob, f.LongestJob, f.Landed,
			f.DescribeCopyJob, f.ListCopyJobs, f.ListCopyJobsWhileStarting, f.ReadsPerCopy, f.NoticeComputed)
	}
	if p := r.PlanRun; p != nil {
		b.WriteString(p.markdown())
	}
	r.scaleMarkdown(&b)
	if p := r.Report; p != nil {
		b.WriteString(p.markdown())
	}
	b.WriteString("## Checks\n\n| check | target | measured | pass |\n|---|---|---|---|\n")
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "| %s | %s | %s | %v |\n", c.Name, c.Target, c.Measured, c.Pass)
	}
	return b.String()
}

// binary formats a byte count in binary units.
func binary(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, exp := float64(n), 0
	for v >= unit && exp < 5 {
		v /= unit
		exp++
	}
	return fmt.Sprintf("%.2f %ciB", v, "KMGTP"[exp-1])
}

// Duration is a time.Duration written as a Go duration string ("10h0m0s") in the results.
type Duration time.Duration

func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes the duration as its string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON reads the duration string MarshalJSON writes.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: %w", s, err)
	}
	*d = Duration(v)
	return nil
}
