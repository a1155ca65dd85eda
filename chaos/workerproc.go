package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/regioncopy/regioncopy/devstack"
)

// workerProcess runs the regioncopy worker binary, as deployed, and SIGKILLs and restarts
// it on demand. Each incarnation logs to a file of its own in logDir.
type workerProcess struct {
	bin    string
	env    []string
	logDir string

	mu         sync.Mutex
	cmd        *exec.Cmd
	exited     chan struct{} // closed when the current incarnation's Wait returns
	killing    bool          // the current incarnation is being killed on purpose
	starts     int
	unexpected []string // incarnations that ended without being killed
}

// buildWorker builds worker/cmd/regioncopy-worker into dir.
func buildWorker(ctx context.Context, dir string) (string, error) {
	root, err := devstack.ModuleRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "regioncopy-worker")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./worker/cmd/regioncopy-worker")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build the worker: %v\n%s", err, out)
	}
	return bin, nil
}

// start runs a new incarnation; the previous one must have ended.
func (w *workerProcess) start() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cmd != nil {
		return errors.New("a worker is already running")
	}
	w.starts++
	logFile, err := os.Create(filepath.Join(w.logDir, fmt.Sprintf("worker-%03d.log", w.starts)))
	if err != nil {
		return err
	}
	cmd := exec.Command(w.bin)
	cmd.SysProcAttr = devstack.ChildProcAttr() // dies with this process, whatever happens
	cmd.Env = append(os.Environ(), w.env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		_ = logFile.Close()
		return fmt.Errorf("start worker %d: %w", w.starts, err)
	}
	exited := make(chan struct{})
	w.cmd, w.exited, w.killing = cmd, exited, false
	n := w.starts
	go func() {
		err := cmd.Wait()
		_ = logFile.Close()
		w.mu.Lock()
		if !w.killing {
			w.unexpected = append(w.unexpected, fmt.Sprintf("worker %d (pid %d) ended on its own: %v (log worker-%03d.log)", n, cmd.Process.Pid, err, n))
		}
		w.cmd = nil
		w.mu.Unlock()
		close(exited)
	}()
	return nil
}

// kill SIGKILLs the running incarnation and waits until it is gone. It reports false when
// no worker was running.
func (w *workerProcess) kill() (bool, error) {
	w.mu.Lock()
	cmd, exited := w.cmd, w.exited
	if cmd == nil {
		w.mu.Unlock()
		return false, nil
	}
	w.killing = true
	w.mu.Unlock()
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return false, fmt.Errorf("SIGKILL worker pid %d: %w", cmd.Process.Pid, err)
	}
	<-exited
	return true, nil
}

// problems lists the incarnations that ended without being killed.
func (w *workerProcess) problems() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.unexpected...)
}

// startCount is the number of incarnations started.
func (w *workerProcess) startCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.starts
}
