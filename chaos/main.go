// Command chaos SIGKILLs the regioncopy worker at random moments, and at a few chosen
// ones, while copies run, and checks that no copy was lost or doubled:
//
//	go run ./chaos                          # the go test run, figures in chaos/results/latest.*
//	go run ./chaos -seed 42                 # repeat a run
//	go run ./chaos -soak 10m -resources 8   # keep killing for ten minutes
//	go run ./chaos -topology stack          # on the production topology, figures in chaos/results/stack.*
//
// It starts the Temporal dev server and the AWS Backup emulator in this process and the
// worker (worker/cmd/regioncopy-worker) as a child process; with -topology stack,
// PostgreSQL, the Temporal server and three workers (package prodstack), the server
// SIGKILLed and PostgreSQL restarted too. It exits 1 when a check fails. See
// chaos/README.md.
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

// cli runs a chaos run from a command line and returns the exit code: 0 when every check
// passes, 1 when one fails or the run could not be carried out, 2 for bad flags.
func cli(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := DefaultOptions()
	fs := flag.NewFlagSet("chaos", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Int64Var(&o.Seed, "seed", 0, "seed of every random choice (0: derived from the clock, and printed)")
	fs.IntVar(&o.Resources, "resources", o.Resources, "volumes, each copied to two Regions")
	fs.IntVar(&o.Points, "points", o.Points, "recovery points per volume at least (more are taken while kills go on; at most 40)")
	fs.IntVar(&o.ShortLifecycle, "short-lifecycle", o.ShortLifecycle, "volumes whose copies expire after one emulated day")
	fs.BoolVar(&o.LateShort, "late-short", false, "short-lifecycle volumes take points during the kills too (their copies may land already expired)")
	fs.IntVar(&o.RandomKills, "kills", o.RandomKills, "SIGKILLs at random moments (four deliberate ones come on top)")
	fs.DurationVar(&o.Soak, "soak", 0, "keep killing at random until this long after the first kill (the scheduled kills come first)")
	fs.Float64Var(&o.TimeScale, "time-scale", o.TimeScale, "emulator clock speed (3600: a one-day lifecycle lasts 24s)")
	awsFaults := fs.Bool("aws-faults", true, "inject AWS faults from the first kill until every request has finished (false: kills only)")
	fs.IntVar(&o.Faults.BurstCalls, "burst-calls", o.Faults.BurstCalls, "an error burst answers the next 1 to this many calls of one operation with one error (0: no bursts)")
	fs.DurationVar(&o.Faults.BurstGap, "burst-gap", o.Faults.BurstGap, "bursts come a tenth of this to this much apart")
	fs.Func("fault-ops", "comma-separated operations bursts hit (default "+strings.Join(o.Faults.Operations, ",")+")", func(s string) error {
		o.Faults.Operations = splitList(s)
		return nil
	})
	fs.Func("fault-codes", "comma-separated error codes bursts answer, throttling or service faults (default "+strings.Join(o.Faults.Codes, ",")+")", func(s string) error {
		o.Faults.Codes = splitList(s)
		return nil
	})
	fs.Float64Var(&o.Faults.FailJobs, "fail-jobs", o.Faults.FailJobs, "share of copy jobs that end FAILED")
	fs.Float64Var(&o.Faults.HoldJobs, "hold-jobs", o.Faults.HoldJobs, "share of copy jobs held in CREATED for -hold-for")
	fs.DurationVar(&o.Faults.HoldFor, "hold-for", o.Faults.HoldFor, "emulated time a held copy job stays in CREATED")
	fs.StringVar(&o.Topology, "topology", o.Topology, "dev: the embedded dev server and one worker; stack: PostgreSQL, the Temporal server and -workers workers (package prodstack), the server SIGKILLed and PostgreSQL restarted too")
	fs.IntVar(&o.Workers, "workers", o.Workers, "worker processes on the stack topology")
	fs.IntVar(&o.ServerKills, "server-kills", o.ServerKills, "SIGKILLs of the Temporal server on the stack topology")
	fs.IntVar(&o.PostgresRestarts, "postgres-restarts", o.PostgresRestarts, "PostgreSQL restarts (fast shutdown, start) on the stack topology")
	out := fs.String("out", "chaos/results/latest.json", "results file (JSON; Markdown next to it; chaos/results/stack.json by default with -topology stack); empty: none")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "chaos: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if !*awsFaults {
		o.Faults = AWSFaults{}
	}
	outSet := false
	fs.Visit(func(f *flag.Flag) { outSet = outSet || f.Name == "out" })
	if !outSet && o.Topology == TopologyStack {
		*out = "chaos/results/stack.json"
	}
	if o.Seed == 0 {
		o.Seed = time.Now().UnixNano() % 1_000_000_000
	}
	o.Log = stderr
	res, err := Run(ctx, o, strings.TrimSpace("go run ./chaos "+strings.Join(args, " ")))
	if err != nil {
		fmt.Fprintf(stderr, "chaos: seed %d: %v\n", o.Seed, err)
		return 1
	}
	fmt.Fprint(stdout, res.markdown())
	if *out != "" {
		if err := res.write(*out); err != nil {
			fmt.Fprintln(stderr, "chaos: write results:", err)
			return 1
		}
		fmt.Fprintf(stderr, "chaos: results written to %s\n", *out)
	}
	if !res.OK() {
		fmt.Fprintf(stderr, "chaos: FAILED with seed %d (repeat: go run ./chaos -seed %d ...)\n", o.Seed, o.Seed)
		return 1
	}
	return 0
}

// splitList splits a comma-separated flag value, dropping empty entries.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
