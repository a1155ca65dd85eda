// Command regioncopy-worker runs the regioncopy Temporal worker. It is configured by the
// environment only: TEMPORAL_* (or a temporal.toml profile) for Temporal, the AWS
// default chain (profiles, SSO, AWS_ENDPOINT_URL_BACKUP) for AWS, REGIONCOPY_* for the
// rest (see package worker). SIGINT or SIGTERM stops it gracefully.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"go.uber.org/zap"

	"github.com/regioncopy/regioncopy/temporalclient"
	"github.com/regioncopy/regioncopy/worker"
)

func main() {
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
	c, err := temporalclient.Dial(ctx, temporalclient.Options{Namespace: cfg.Namespace, Logger: log})
	if err != nil {
		return err
	}
	defer c.Close()
	if err := worker.Run(ctx, cfg, c, log); err != nil {
		log.Error("worker failed", zap.Error(err))
		return err
	}
	return nil
}
