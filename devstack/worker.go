package devstack

import (
	"context"
	"errors"

	"go.uber.org/zap"

	"github.com/regioncopy/regioncopy/worker"
)

// runningWorker is the in-process worker.
type runningWorker struct {
	w *worker.Running
}

// WorkerConfig is the configuration of the stack's in-process worker: the stack's task
// queue and time scale, AWS pointed at the emulator with static credentials, and no
// metrics endpoint (a second stack or a worker process would want the same port).
func (s *Stack) WorkerConfig() worker.Config {
	cfg := worker.DefaultConfig()
	cfg.TaskQueue = s.TaskQueue
	cfg.TimeScale = s.TimeScale
	cfg.MetricsListen = worker.MetricsOff
	aws := s.Emulator.AWSConfig(DefaultSample().SourceRegion)
	cfg.AWS = &aws
	return cfg
}

// StartWorker runs the regioncopy worker in this process. Tests stop it and start it
// again to show that copies survive a worker that goes away.
func (s *Stack) StartWorker(ctx context.Context) error {
	s.workerMu.Lock()
	defer s.workerMu.Unlock()
	if s.worker != nil {
		return errors.New("the worker is already running")
	}
	log := s.opts.Logger
	if log == nil {
		log = zap.NewNop()
	}
	w, err := worker.Start(ctx, s.WorkerConfig(), s.Client, log)
	if err != nil {
		return err
	}
	s.worker = &runningWorker{w: w}
	return nil
}

// StopWorker stops the in-process worker gracefully, if it runs.
func (s *Stack) StopWorker() error {
	s.workerMu.Lock()
	defer s.workerMu.Unlock()
	if s.worker == nil {
		return nil
	}
	s.worker.w.Stop()
	s.worker = nil
	return nil
}
