package main

import "context"

// workerSet is the worker processes the killer SIGKILLs and starts again: the one worker
// of the dev topology, or the stack's.
type workerSet interface {
	// names are the workers, in a fixed order; a kill names its targets by index.
	names() []string
	// kill SIGKILLs worker i and waits until it is gone.
	kill(i int) error
	// start starts worker i again after kill.
	start(ctx context.Context, i int) error
	// startCount is the number of worker processes started, first starts included.
	startCount() int
}

// soleWorker is the dev topology's one worker process.
type soleWorker struct{ wp *workerProcess }

func (s soleWorker) names() []string { return []string{"worker"} }

func (s soleWorker) kill(int) error {
	_, err := s.wp.kill()
	return err
}

func (s soleWorker) start(context.Context, int) error { return s.wp.start() }

func (s soleWorker) startCount() int { return s.wp.startCount() }
