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
	"sync"
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

// Run starts the system, runs the chosen scenarios one after another (they share the
// emulator clock, which the bytes scenario moves forward), stops everything and returns
// the figures with their checks.
func Run(ctx context.Context, o Options, command string) (res Results, err error) {
	if err := o.validate(); err != nil {
		return res, err
	}
	res = Results{Command: strings.TrimSpace(command), TimeScale: o.TimeScale, Seed: o.Seed}
	began := time.Now()
	e, err := startEnv(ctx, o)
	if err != nil {
		return res, err
	}
	defer func() { err = errors.Join(err, e.stop()) }()
	o.logf("bench: dev server, emulator and worker up in %s", time.Since(began).Round(time.Millisecond))

	if o.wants(ScenarioBytes) {
		// The variants that copy every point run side by side (they share no Region pair);
		// the coalescing one runs alone, since its held jobs are an account-wide fault.
		variants := bytesVariants(o)
		for _, group := range [][]bytesVariant{variants[:2], variants[2:]} {
			t := time.Now()
			results, check, err := runBytesGroup(ctx, e, o, group)
			if err != nil {
				return res, err
			}
			res.Bytes = append(res.Bytes, results...)
			res.Checks = append(res.Checks, check)
			for _, b := range results {
				o.logf("bench: bytes, %s: moved/minimum %.4f, %d full, %d incremental, %d coalesced away (%s)",
					b.Name, b.Ratio, b.FullCopies, b.IncrementalCopies, b.Superseded, time.Since(t).Round(time.Millisecond))
			}
		}
	}
	if o.wants(ScenarioHistory) {
		t := time.Now()
		h, err := runHistory(ctx, e, o)
		if err != nil {
			return res, fmt.Errorf("history scenario: %w", err)
		}
		res.History = &h
		o.logf("bench: history: events longest/shortest %.2f (workflow tasks aside %.2f), DescribeCopyJob calls %.2f (%s)",
			h.EventsRatio, h.EventsNoTasksRatio, h.CallsRatio, time.Since(t).Round(time.Millisecond))
	}
	res.check()
	return res, nil
}

// runBytesGroup runs bytes variants at once and checks that their records' full and
// incremental copies are the ones the emulator counted.
func runBytesGroup(ctx context.Context, e *env, o Options, group []bytesVariant) ([]BytesResult, Check, error) {
	first := 1
	for _, v := range bytesVariants(o) {
		if v.Name == group[0].Name {
			break
		}
		first += v.Resources
	}
	before := e.emu.Counters()
	results := make([]BytesResult, len(group))
	errs := make([]error, len(group))
	var wg sync.WaitGroup
	for i, v := range group {
		wg.Add(1)
		go func(i, volume int) {
			defer wg.Done()
			results[i], errs[i] = runBytes(ctx, e, o, v, volume)
			if errs[i] != nil {
				errs[i] = fmt.Errorf("bytes scenario, %s: %w", v.Name, errs[i])
			}
		}(i, first)
		first += v.Resources
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, Check{}, err
	}
	after := e.emu.Counters()
	var full, incr int64
	names := make([]string, len(results))
	for i, r := range results {
		full += r.FullCopies
		incr += r.IncrementalCopies
		names[i] = r.Name
	}
	countedFull, countedIncr := after.FullCopies-before.FullCopies, after.IncrementalCopies-before.IncrementalCopies
	return results, Check{
		Name:     strings.Join(names, " + ") + ": full/incremental copies by the chains' records vs the emulator's counters",
		Target:   "equal",
		Measured: fmt.Sprintf("%d/%d vs %d/%d", full, incr, countedFull, countedIncr),
		Pass:     full == countedFull && incr == countedIncr,
	}, nil
}
