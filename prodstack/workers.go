package prodstack

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// WorkerProcess is one running regioncopy-worker.
type WorkerProcess struct {
	// Name is worker-N, the log file's name.
	Name string
	// MetricsURL serves the worker's Prometheus metrics (SDK and regioncopy's own).
	MetricsURL string
	proc       *process
}

// Pid is the worker's process id.
func (w *WorkerProcess) Pid() int { return w.proc.Pid() }

// LogPath is the worker's log file.
func (w *WorkerProcess) LogPath() string { return w.proc.LogPath() }

// startWorker runs regioncopy-worker number n with env (the stack's Temporal, AWS and
// task queue settings) and its metrics on a free port, and waits until that answers;
// incarnation numbers its log (1 for the first start).
func startWorker(ctx context.Context, bins Binaries, n, incarnation int, env []string, logDir string) (*WorkerProcess, error) {
	var err error
	for range 3 {
		var w *WorkerProcess
		if w, err = startWorkerOnce(ctx, bins, n, incarnation, env, logDir); err == nil || !errors.Is(err, errExitedEarly) {
			return w, err
		}
	}
	return nil, err
}

func startWorkerOnce(ctx context.Context, bins Binaries, n, incarnation int, env []string, logDir string) (*WorkerProcess, error) {
	free, err := freePorts(1)
	if err != nil {
		return nil, err
	}
	listen := "127.0.0.1:" + strconv.Itoa(free[0])
	name := "worker-" + strconv.Itoa(n)
	cmd := exec.Command(bins.Worker)
	// The caller's Temporal and AWS settings (a cloud API key, a profile, TLS, a
	// session token) are for other deployments; the stack's own replace them.
	cmd.Env = append(append(environWithout("TEMPORAL_", "AWS_"), env...), "REGIONCOPY_METRICS_LISTEN="+listen)
	proc, err := startProcess(name, cmd, logPath(logDir, name, incarnation))
	if err != nil {
		return nil, err
	}
	w := &WorkerProcess{Name: name, MetricsURL: "http://" + listen + "/metrics", proc: proc}
	if err := proc.waitHTTP(ctx, w.MetricsURL, name+"'s metrics on "+listen); err != nil {
		_ = w.Stop()
		return nil, err
	}
	return w, nil
}

// Stop stops the worker gracefully (SIGTERM: it finishes or hands back its tasks),
// killing it after the worker's shutdown grace and a margin.
func (w *WorkerProcess) Stop() error {
	if w == nil || w.proc == nil {
		return nil
	}
	return w.proc.stop(syscall.SIGTERM, 45*time.Second)
}

// environWithout is this process's environment without the variables whose names
// start with one of prefixes.
func environWithout(prefixes ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		keep := true
		for _, p := range prefixes {
			if strings.HasPrefix(kv, p) {
				keep = false
				break
			}
		}
		if keep {
			env = append(env, kv)
		}
	}
	return env
}
