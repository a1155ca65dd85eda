// Command bench runs regioncopy's published benchmarks on the real system: the Temporal
// dev server, the AWS Backup emulator and the regioncopy worker in this process.
//
//	go run ./bench                          # every scenario, published sizes
//	go run ./bench -scenarios history -time-scale 14400 -out my-results.json
//
// It writes the figures to -out (JSON) and a Markdown table next to it, and exits 1 when
// a target is missed. See bench/README.md for what each scenario measures.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(cli(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// cli runs the benchmarks from a command line and returns the exit code: 0 when every
// target is met, 1 when one is missed or the run failed, 2 for bad flags.
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseOptions(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}
	o.Log = stderr
	res, err := Run(ctx, o, "go run ./bench "+strings.Join(args, " "))
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	fmt.Fprint(stdout, res.markdown())
	if o.Out != "" {
		if err := res.write(o.Out); err != nil {
			fmt.Fprintln(stderr, "bench: write results:", err)
			return 1
		}
		fmt.Fprintf(stderr, "bench: results written to %s\n", o.Out)
	}
	if failed := res.Failed(); len(failed) > 0 {
		for _, c := range failed {
			fmt.Fprintf(stderr, "bench: target missed: %s: want %s, measured %s\n", c.Name, c.Target, c.Measured)
		}
		return 1
	}
	return 0
}

// Run runs the chosen scenarios one after another, each on a system of its own (the
// bytes scenario moves its emulator clock itself; the history scenario lets it run at
// o.TimeScale), and returns the figures with their checks.
func Run(ctx context.Context, o Options, command string) (res Results, err error) {
	if err := o.validate(); err != nil {
		return res, err
	}
	res = Results{Command: strings.TrimSpace(command), TimeScale: o.TimeScale, BytesTimeScale: bytesTimeScale, Seed: o.Seed}
	if o.wants(ScenarioBytes) {
		if err := withEnv(ctx, o, bytesTimeScale, 0, func(e *env) error {
			// The variants share no Region pair and run side by side, hour by hour.
			t := time.Now()
			results, check, err := runBytesGroup(ctx, e, o, bytesVariants(o), 1) // each variant has a Region of its own
			if err != nil {
				return fmt.Errorf("bytes scenario: %w", err)
			}
			res.Bytes = results
			res.Checks = append(res.Checks, check)
			for _, b := range results {
				o.logf("bench: bytes, %s: moved/minimum %.4f, %d full, %d incremental, %d coalesced away",
					b.Name, b.Ratio, b.FullCopies, b.IncrementalCopies, b.Superseded)
			}
			o.logf("bench: bytes scenario took %s", time.Since(t).Round(time.Millisecond))
			return nil
		}); err != nil {
			return res, err
		}
	}
	if o.wants(ScenarioHistory) {
		if err := withEnv(ctx, o, o.TimeScale, 0, func(e *env) error {
			t := time.Now()
			h, err := runHistory(ctx, e, o)
			if err != nil {
				return fmt.Errorf("history scenario: %w", err)
			}
			res.History = &h
			o.logf("bench: history: events longest/shortest %.2f (workflow tasks aside %.2f), %d DescribeCopyJob, %d ListCopyJobs (%s)",
				h.EventsRatio, h.EventsNoTasksRatio, h.DescribeCopyJobCounted, h.ListCopyJobsCounted, time.Since(t).Round(time.Millisecond))
			return nil
		}); err != nil {
			return res, err
		}
	}
	if o.wants(ScenarioFollow) {
		// Every copy runs at once: the emulator's copy quota is raised to the copies.
		if err := withEnv(ctx, o, followTimeScale, o.FollowCopies, func(e *env) error {
			f, err := runFollow(ctx, e, o)
			if err != nil {
				return fmt.Errorf("follow scenario: %w", err)
			}
			res.Follow = &f
			o.logf("bench: follow: %d copies in flight, %d landed, %.2f AWS read calls per copy (%d DescribeCopyJob, %d ListCopyJobs; %d while starting) in %.0fs",
				f.InFlight, f.Landed, f.ReadsPerCopy, f.DescribeCopyJob, f.ListCopyJobs, f.ListCopyJobsWhileStarting, f.WallSeconds)
			return nil
		}); err != nil {
			return res, err
		}
	}
	if o.wants(ScenarioPlanRun) {
		// Every copy may run at once, so each lands its length after its hand-over, not
		// behind AWS's 100 copies per destination at a time.
		if err := withEnv(ctx, o, o.PlanTimeScale, o.PlanResources, func(e *env) error {
			t := time.Now()
			p, err := runPlanRun(ctx, e, o)
			if err != nil {
				return fmt.Errorf("planrun scenario: %w", err)
			}
			res.PlanRun = &p
			o.logf("bench: planrun: %d of %d backups started within the start window, %d missed, %d copies landed, run %s (%s)",
				p.StartedInWindow, p.Resources, p.BackupsMissed, p.CopiesLanded, p.State, time.Since(t).Round(time.Millisecond))
			return nil
		}); err != nil {
			return res, err
		}
	}
	if err := runScale(ctx, o, &res); err != nil {
		return res, err
	}
	if o.wants(ScenarioReport) {
		// Every copy runs at once: the copies are seeded, not what is measured.
		if err := withEnv(ctx, o, 1, 3*o.ReportResources, func(e *env) error {
			r, err := runReport(ctx, e, o)
			if err != nil {
				return fmt.Errorf("report scenario: %w", err)
			}
			res.Report = &r
			o.logf("bench: report: %d rows (%v) in %s, exit %d, AWS calls %s (seeding took %s)",
				r.Rows, r.States, r.ReportTook, r.ExitCode, callsText(r.AWSCalls), r.SeedTook)
			return nil
		}); err != nil {
			return res, err
		}
	}
	res.check()
	return res, nil
}

// withEnv runs fn on a fresh system whose emulator runs timeScale times faster than the
// wall clock, and stops the system afterwards.
func withEnv(ctx context.Context, o Options, timeScale float64, copyQuota int, fn func(*env) error) (err error) {
	return withEnvDB(ctx, o, timeScale, copyQuota, "", fn)
}

// withEnvDB is withEnv with the dev server's database in the SQLite file dbFile.
func withEnvDB(ctx context.Context, o Options, timeScale float64, copyQuota int, dbFile string, fn func(*env) error) (err error) {
	began := time.Now()
	e, err := startEnv(ctx, o, timeScale, copyQuota, dbFile)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, e.stop()) }()
	o.logf("bench: dev server, emulator (time scale %g) and worker up in %s", timeScale, time.Since(began).Round(time.Millisecond))
	return fn(e)
}
