// Command regioncopy-worker runs the regioncopy Temporal worker. It is configured by the
// environment only: TEMPORAL_* (or a temporal.toml profile) for Temporal, the AWS
// default chain (profiles, SSO, AWS_ENDPOINT_URL_BACKUP) for AWS, REGIONCOPY_* for the
// rest (see package worker). SIGINT or SIGTERM stops it gracefully. Without AWS
// credentials or a reachable Temporal it exits with status 1 and one line saying what is
// missing, before it polls for any task.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"go.uber.org/zap"

	"github.com/regioncopy/regioncopy/buildinfo"
	"github.com/regioncopy/regioncopy/probe"
	"github.com/regioncopy/regioncopy/temporalclient"
	"github.com/regioncopy/regioncopy/worker"
)

const usage = `Usage: regioncopy-worker [--version | --probe URL]

Runs the regioncopy Temporal worker until SIGINT or SIGTERM. It takes no other
arguments; everything comes from the environment:

  Temporal   TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*,
             TEMPORAL_PROFILE / TEMPORAL_CONFIG_FILE (as for the Temporal CLI)
  AWS        the default chain: AWS_PROFILE, SSO, AWS_REGION, AWS_ENDPOINT_URL_BACKUP, ...
  regioncopy REGIONCOPY_TASK_QUEUE (regioncopy), REGIONCOPY_METRICS_LISTEN (127.0.0.1:9464, or off),
             REGIONCOPY_MAX_CONCURRENT_ACTIVITIES (100), REGIONCOPY_MAX_CONCURRENT_WORKFLOW_TASKS,
             REGIONCOPY_ACTIVITIES_PER_SECOND, REGIONCOPY_TIME_SCALE (1),
             REGIONCOPY_REGISTER_SEARCH_ATTRIBUTES (auto, always, never), REGIONCOPY_SHUTDOWN_GRACE (30s),
             REGIONCOPY_LOG_LEVEL (info), REGIONCOPY_VERIFY_AWS_IDENTITY (false: credentials are
             resolved at start, true: STS GetCallerIdentity checks them too),
             REGIONCOPY_RPO_METRICS_INTERVAL (1m, 0 = off)
  alerts     REGIONCOPY_ALERT_WEBHOOK_URL: JSON POST on every chain's change into or out of
             RPO BREACH (unset: logged only); REGIONCOPY_ALERT_WEBHOOK_HEADER ("Name: value")

  --version    print the version, commit and Go version, and exit
  --probe URL  exit 0 when URL (this worker's metrics endpoint) answers, 1 otherwise: the
               health check of a container image without a shell
`

func main() {
	flag.Usage = func() { fmt.Fprint(flag.CommandLine.Output(), usage) }
	version := flag.Bool("version", false, "print the version and exit")
	probeURL := flag.String("probe", "", "check that URL answers and exit")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "regioncopy-worker: unexpected argument %q; configure it with environment variables (see -help)\n", flag.Arg(0))
		os.Exit(2)
	}
	if *version {
		fmt.Println(buildinfo.Get().Line("regioncopy-worker"))
		return
	}
	if *probeURL != "" {
		if err := probe.Get(context.Background(), *probeURL); err != nil {
			fmt.Fprintln(os.Stderr, "regioncopy-worker:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "regioncopy-worker:", err)
		os.Exit(1)
	}
}

func run() error {
	cfg, err := worker.ConfigFromEnv()
	if err != nil {
		return err
	}
	log, err := worker.NewLogger(cfg.LogLevel)
	if err != nil {
		return err
	}
	defer func() { _ = log.Sync() }()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal, a second one ends the process at once instead of waiting
	// for the shutdown grace; that is safe because every activity is idempotent.
	go func() { <-ctx.Done(); stop() }()
	// AWS first: resolving credentials starts nothing, and a worker that could not make
	// any AWS call must not take tasks from the queue.
	awsCfg, err := worker.LoadAWS(ctx, cfg, log)
	if err != nil {
		return err
	}
	cfg.AWS = &awsCfg
	c, err := temporalclient.Dial(ctx, temporalclient.Options{Namespace: cfg.Namespace, Logger: log})
	if err != nil {
		return fmt.Errorf("cannot %w; set TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE (with TEMPORAL_API_KEY or "+
			"TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH for Temporal Cloud), or name a temporal.toml profile with TEMPORAL_PROFILE", err)
	}
	defer c.Close()
	if err := worker.Run(ctx, cfg, c, log); err != nil {
		log.Error("worker failed", zap.Error(err))
		return err
	}
	return nil
}
