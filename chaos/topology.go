package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/devstack"
	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/prodstack"
)

// system is what a run starts on its topology: the AWS Backup emulator in this process,
// a client of the Temporal server, and the worker processes the killer SIGKILLs.
type system struct {
	emu     *devstack.EmulatorServer
	client  client.Client
	workers workerSet
	// stack is the stack topology's processes, whose server and PostgreSQL the killer
	// restarts too; nil on the dev topology.
	stack *prodstack.Stack
	// dev is the dev topology's worker; nil on the stack topology.
	dev *workerProcess
	// stop stops everything the run started.
	stop func() error
}

// emulatorConfig is the emulator's configuration on either topology.
func emulatorConfig(o Options) emulator.Config {
	return emulator.Config{
		Seed:          o.Seed,
		CopyBandwidth: resourceSize / (fullCopyWallSeconds * o.TimeScale),
		// AWS removes an expired point some time after its DeleteAt, so the chains'
		// own deletions at DeleteAt (and the kill while one is in flight) happen. A
		// killed worker's call is retried after its one-minute StartToClose, 60 hours
		// at 3600x, during which the chain waits: the lag outlasts that.
		LifecycleLag: 72 * time.Hour,
	}
}

// startDev starts the dev server and the emulator in this process; the worker, built
// into logDir, is started by startWorkers once the workload's vaults exist.
func startDev(ctx context.Context, o Options, logDir string) (*system, error) {
	bin, err := buildWorker(ctx, logDir)
	if err != nil {
		return nil, err
	}
	st, err := devstack.Start(ctx, devstack.Options{
		Temporal:  devstack.TemporalOptions{Headless: true},
		TimeScale: o.TimeScale,
		NoWorker:  true,
		NoSample:  true,
		TaskQueue: taskQueue,
		Emulator:  emulatorConfig(o),
	})
	if err != nil {
		return nil, fmt.Errorf("start the dev server and the emulator: %w", err)
	}
	wp := &workerProcess{bin: bin, logDir: logDir,
		env: append(st.WorkerEnv(), "REGIONCOPY_LOG_LEVEL=info", "REGIONCOPY_METRICS_LISTEN=off")}
	return &system{emu: st.Emulator, client: st.Client, workers: soleWorker{wp}, dev: wp, stop: func() error {
		_, kerr := wp.kill()
		return errors.Join(kerr, st.Stop())
	}}, nil
}

// startStack starts the production topology (prodstack) with its state in logDir/stack:
// PostgreSQL, the Temporal server on it, the emulator in this process and o.Workers
// worker processes on the run's task queue.
func startStack(ctx context.Context, o Options, logDir string, log io.Writer) (*system, error) {
	// PostgreSQL may run as another user, who must be able to enter the state directory.
	if err := os.Chmod(logDir, 0o755); err != nil {
		return nil, err
	}
	st, err := prodstack.Start(ctx, prodstack.Options{
		StateDir:     filepath.Join(logDir, "stack"),
		NoUI:         true,
		Workers:      o.Workers,
		TimeScale:    o.TimeScale,
		Emulator:     emulatorConfig(o),
		NoSample:     true,
		NoSamplePlan: true,
		TaskQueue:    taskQueue,
		Progress:     func(s string) { fmt.Fprintln(log, "chaos: "+s) },
	})
	if err != nil {
		return nil, fmt.Errorf("start the stack: %w", err)
	}
	return &system{emu: st.Dev.Emulator, client: st.Dev.Client, workers: &stackWorkers{st: st}, stack: st, stop: st.Stop}, nil
}

// startWorkers starts what had to wait for the workload's vaults: the dev topology's
// worker (the stack's workers are up from the start).
func (s *system) startWorkers() error {
	if s.dev != nil {
		return s.dev.start()
	}
	return nil
}

// stackWorkers are the stack's worker processes.
type stackWorkers struct {
	st       *prodstack.Stack
	restarts int
}

func (s *stackWorkers) names() []string {
	var out []string
	for _, w := range s.st.Workers {
		out = append(out, w.Name)
	}
	return out
}

func (s *stackWorkers) kill(i int) error { return s.st.KillWorker(i) }

func (s *stackWorkers) start(ctx context.Context, i int) error {
	if err := s.st.RestartWorker(ctx, i); err != nil {
		return err
	}
	s.restarts++
	return nil
}

func (s *stackWorkers) startCount() int { return len(s.st.Workers) + s.restarts }
