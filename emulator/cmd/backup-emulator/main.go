// Command backup-emulator serves the AWS Backup API, and the Resource Groups Tagging API
// that backup selections resolve tags through, for every Region of one emulated account.
// Point any AWS SDK or the AWS CLI at it with AWS_ENDPOINT_URL_BACKUP and
// AWS_ENDPOINT_URL_RESOURCE_GROUPS_TAGGING_API, or --endpoint-url; any Region, any static
// credentials.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/regioncopy/regioncopy/buildinfo"
	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/policy"
	"github.com/regioncopy/regioncopy/probe"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "backup-emulator:", err)
		os.Exit(1)
	}
}

// kvFlag collects repeated key=value flags.
type kvFlag map[string]string

func (f kvFlag) String() string { return fmt.Sprint(map[string]string(f)) }
func (f kvFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" || v == "" {
		return fmt.Errorf("%q must be key=value", s)
	}
	f[k] = v
	return nil
}

// errorFaultsFlag collects repeated --fault-error OPERATION:CODE[:COUNT] flags.
type errorFaultsFlag []emulator.ErrorFault

func (f *errorFaultsFlag) String() string { return fmt.Sprint([]emulator.ErrorFault(*f)) }
func (f *errorFaultsFlag) Set(s string) error {
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[1] == "" {
		return fmt.Errorf("%q must be OPERATION:CODE or OPERATION:CODE:COUNT (an empty OPERATION means every operation)", s)
	}
	ef := emulator.ErrorFault{Operation: parts[0], Code: parts[1]}
	if len(parts) == 3 {
		n, err := strconv.ParseInt(parts[2], 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("%q: COUNT %q must be a number of calls (0: every call)", s, parts[2])
		}
		ef.Count = n
	}
	*f = append(*f, ef)
	return nil
}

// run serves until ctx is done, then shuts down and saves the state. It prints the address
// it listens on to out.
func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("backup-emulator", flag.ContinueOnError)
	var (
		cfg         emulator.Config
		f           emulator.Faults
		listen      = fs.String("listen", "127.0.0.1:4566", "address to listen on (port 0 picks a free port)")
		startTime   = fs.String("start-time", "", "initial emulator clock, RFC 3339 (default: now)")
		seedFile    = fs.String("resources", "", "JSON seed file of resources with SizeBytes, DailyWriteRate and Tags")
		rulesFile   = fs.String("rules", "", "regioncopy rules document (JSON) whose cross-Region, cold-storage and lifecycle rules the emulator enforces instead of the built-in ones, as AWS does once it relaxes them")
		faultOps    = fs.String("fault-operations", "", "comma-separated operations request faults apply to (default: all)")
		jobKinds    = fs.String("fault-job-kinds", "", "comma-separated job kinds job faults apply to: backup,copy (default: both)")
		latency     = fs.Duration("latency", 0, "wall-clock latency added to calls")
		holdFor     = fs.Duration("hold-for", 0, "emulated time held jobs stay in CREATED")
		bandwidths  = kvFlag{}
		errorFaults errorFaultsFlag
		credentials = kvFlag{}
		version     = fs.Bool("version", false, "print the version, commit and Go version, and exit")
		probeURL    = fs.String("probe", "", "exit when URL (an emulator's /_emulator/healthz) answers, with an error when it does not: the health check of a container image without a shell")
	)
	fs.Float64Var(&cfg.TimeScale, "time-scale", 1, "emulator clock speed relative to the wall clock")
	fs.StringVar(&cfg.StateFile, "state-file", "", "file the state is loaded from and saved to atomically")
	fs.StringVar(&cfg.AccountID, "account-id", "123456789012", "the emulated account id")
	fs.Int64Var(&cfg.Seed, "seed", 1, "seed of the fault-injection random source and of generated ids")
	fs.Int64Var(&cfg.DefaultResourceSize, "default-size", 8<<30, "bytes of a resource created on first use")
	fs.Float64Var(&cfg.DefaultDailyWriteRate, "default-write-rate", 0.05, "fraction of a resource written per day")
	fs.Float64Var(&cfg.CopyBandwidth, "copy-bandwidth", 100<<20, "copy bytes per emulated second for pairs without --bandwidth")
	fs.Var(bandwidths, "bandwidth", "per-pair copy bandwidth, source>destination=bytesPerSecond (repeatable)")
	fs.Float64Var(&cfg.BackupBandwidth, "backup-bandwidth", 200<<20, "backup bytes per emulated second")
	fs.DurationVar(&cfg.JobOverhead, "job-overhead", 0, "emulated time each job runs on top of its transfer")
	fs.IntVar(&cfg.CopyQuota, "copy-quota", 100, "copy jobs running at once per destination Region")
	fs.Var(credentials, "credentials", "verify SigV4 with this ACCESS_KEY_ID=SECRET (repeatable; none: no verification)")
	fs.Float64Var(&f.ThrottleRate, "throttle-rate", 0, "share of calls answered with a throttling error")
	fs.StringVar(&f.ThrottleCode, "throttle-code", "ThrottlingException", "ThrottlingException or LimitExceededException")
	fs.Int64Var(&f.ThrottleLimit, "throttle-limit", 0, "at most this many throttling errors (0: no limit)")
	fs.Float64Var(&f.ServerErrorRate, "error-rate", 0, "share of calls answered with ServiceUnavailableException (503)")
	fs.Int64Var(&f.ServerErrorLimit, "error-limit", 0, "at most this many server errors (0: no limit)")
	fs.Float64Var(&f.LatencyRate, "latency-rate", 0, "share of calls that get --latency (0: all)")
	fs.Float64Var(&f.FailJobRate, "fail-job-rate", 0, "share of jobs that end FAILED")
	fs.StringVar(&f.FailReason, "fail-reason", "", "StatusMessage of failed jobs")
	fs.Int64Var(&f.FailJobLimit, "fail-job-limit", 0, "at most this many failed jobs (0: no limit)")
	fs.Float64Var(&f.HoldRate, "hold-rate", 0, "share of jobs held in CREATED for --hold-for")
	fs.Int64Var(&f.HoldLimit, "hold-limit", 0, "at most this many held jobs (0: no limit)")
	fs.Var(&errorFaults, "fault-error", "answer OPERATION with the AWS error CODE for COUNT calls (0 or none: every call), as OPERATION:CODE[:COUNT]; repeatable, used in order")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *version {
		_, err := fmt.Fprintln(out, buildinfo.Get().Line("backup-emulator"))
		return err
	}
	if *probeURL != "" {
		return probe.Get(ctx, *probeURL)
	}
	if *startTime != "" {
		t, err := time.Parse(time.RFC3339, *startTime)
		if err != nil {
			return fmt.Errorf("--start-time: %w", err)
		}
		cfg.StartTime = t
	}
	if len(bandwidths) > 0 {
		cfg.PairBandwidth = map[string]float64{}
		for pair, v := range bandwidths {
			bw, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return fmt.Errorf("--bandwidth %s=%s: %w", pair, v, err)
			}
			cfg.PairBandwidth[pair] = bw
		}
	}
	if len(credentials) > 0 {
		cfg.Credentials = credentials
	}
	if *rulesFile != "" {
		rules, err := policy.LoadFile(*rulesFile)
		if err != nil {
			return fmt.Errorf("--rules: %w", err)
		}
		cfg.FollowRules(rules)
	}
	if *seedFile != "" {
		seeds, err := emulator.LoadResourceSeeds(*seedFile)
		if err != nil {
			return err
		}
		cfg.Resources = seeds
	}
	f.Latency = emulator.Duration(*latency)
	f.HoldFor = emulator.Duration(*holdFor)
	if *faultOps != "" {
		f.Operations = strings.Split(*faultOps, ",")
	}
	if *jobKinds != "" {
		f.JobKinds = strings.Split(*jobKinds, ",")
	}
	f.Errors = errorFaults
	cfg.Faults = f

	e, err := emulator.New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return errors.Join(err, e.Close())
	}
	srv := &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(out, "backup-emulator listening on http://%s (time scale %g)\n", ln.Addr(), cfg.TimeScale)

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err := <-serveErr:
		return errors.Join(err, e.Close())
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return errors.Join(srv.Shutdown(shutdownCtx), e.Close())
}
