package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// runScale runs the production-scale scenarios (chain, timers, throughput) that o asks
// for, each on a system of its own, and adds their figures to res.
func runScale(ctx context.Context, o Options, res *Results) error {
	if o.wants(ScenarioChain) {
		// The emulator runs on the wall clock's speed: the chain's first copy expires an
		// emulated hour after the last backup (see runChain).
		if err := withEnv(ctx, o, 1, 0, func(e *env) error {
			t := time.Now()
			c, err := runChain(ctx, e, o)
			if err != nil {
				return fmt.Errorf("chain scenario: %w", err)
			}
			res.Chain = &c
			o.logf("bench: chain: %d copies, carried input at most %d B, queries at most %d B, %.1f events and %.1f AWS calls per copy (%s)",
				c.Copies, c.MaxCarriedInputBytes, max(c.MaxStatusBytes, c.MaxCopiesPageBytes), c.EventsPerCopy, c.AWSCallsPerCopy, time.Since(t).Round(time.Millisecond))
			return nil
		}); err != nil {
			return err
		}
	}
	if o.wants(ScenarioTimers) {
		dir, err := os.MkdirTemp("", "regioncopy-bench-timers-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		db := filepath.Join(dir, "temporal.db")
		if err := withEnvDB(ctx, o, 1, 0, db, func(e *env) error {
			t := time.Now()
			r, err := runTimers(ctx, e, o, db)
			if err != nil {
				return fmt.Errorf("timers scenario: %w", err)
			}
			res.Timers = &r
			o.logf("bench: timers: %d of %d chains with a pending timer, started in %s, worker heap %+.0f B and RSS %+.0f B per chain, database %.0f B per chain (%s)",
				r.TimersPending, r.Chains, r.StartTook, r.HeapPerChain, r.RSSPerChain, r.DBBytesPerChain, time.Since(t).Round(time.Millisecond))
			return nil
		}); err != nil {
			return err
		}
	}
	// Instant jobs: a copy quota of at least the burst, so that no job waits in CREATED
	// for another to end and is then seen ended only at a watcher's sweep.
	quota := max(100, o.ThroughputCopies)
	if o.wants(ScenarioThroughput) {
		if err := withEnv(ctx, o, 1, quota, func(e *env) error {
			r, err := throughput(ctx, e, o)
			res.Throughput = r
			return err
		}); err != nil {
			return err
		}
	}
	if o.wants(ScenarioThroughputPostgres) {
		began := time.Now()
		e, err := startProdEnv(ctx, o, quota)
		if err != nil {
			return fmt.Errorf("%s scenario: %w", ScenarioThroughputPostgres, err)
		}
		o.logf("bench: PostgreSQL, the Temporal server, emulator and worker up in %s", time.Since(began).Round(time.Millisecond))
		r, err := throughput(ctx, e, o)
		res.ThroughputPostgres = r
		if err := errors.Join(err, e.stop()); err != nil {
			return err
		}
	}
	return nil
}

// throughput runs the throughput scenario on e.
func throughput(ctx context.Context, e *env, o Options) (*ThroughputResult, error) {
	t := time.Now()
	r, err := runThroughput(ctx, e, o)
	if err != nil {
		return nil, fmt.Errorf("throughput scenario on %s: %w", e.server, err)
	}
	o.logf("bench: throughput on %s: %.2f copies/s vs a floor of %.2f two-activity workflows/s = %.3f (server CPU: %.3f), %.1f events per copy; later copies %.3f (server CPU: %.3f) (%s)",
		e.server, r.CopiesPerSecond, r.FloorPerSecond, r.Ratio, r.CPURatio, r.EventsPerCopy, r.LaterRatio, r.LaterCPURatio, time.Since(t).Round(time.Millisecond))
	return &r, nil
}
