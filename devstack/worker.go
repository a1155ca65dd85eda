package devstack

import (
	"context"
	"errors"
	"fmt"
	"time"

	sdkworker "go.temporal.io/sdk/worker"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/workflows"
)

// runningWorker is the in-process worker.
type runningWorker struct {
	w sdkworker.Worker
}

// StartWorker runs the regioncopy worker in this process, its AWS Backup clients
// pointed at the emulator with static credentials. Tests stop and start it again to
// show that a copy survives a worker that goes away.
func (s *Stack) StartWorker(ctx context.Context) error {
	s.workerMu.Lock()
	defer s.workerMu.Unlock()
	if s.worker != nil {
		return errors.New("the worker is already running")
	}
	w := sdkworker.New(s.Client, s.TaskQueue, sdkworker.Options{})
	workflows.Register(w)
	activities.Register(w, activities.NewBackup(s.Emulator.AWSConfig(DefaultSample().SourceRegion)), &activities.Chains{Client: s.Client})
	if err := w.Start(); err != nil {
		return fmt.Errorf("start the worker: %w", err)
	}
	s.worker = &runningWorker{w: w}
	return nil
}

// StopWorker stops the in-process worker, if running.
func (s *Stack) StopWorker() error {
	s.workerMu.Lock()
	defer s.workerMu.Unlock()
	if s.worker == nil {
		return nil
	}
	done := make(chan struct{})
	go func() {
		s.worker.w.Stop()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		return errors.New("the worker did not stop within 30s")
	}
	s.worker = nil
	return nil
}
