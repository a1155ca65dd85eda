package prodstack

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/regioncopy/regioncopy/devstack"
)

// process is a child process whose output goes to a log file.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	exited  chan struct{}
	waitErr error

	stopOnce sync.Once
	stopErr  error
	// ending is set once this program has asked the process to end (stop or kill), so an
	// exit without it is the process's own.
	ending atomic.Bool
}

// startProcess starts cmd in its own process group (devstack.ChildProcAttr unless cmd
// sets its own), its output truncating logPath.
func startProcess(name string, cmd *exec.Cmd, logPath string) (*process, error) {
	if err := os.MkdirAll(filepath.Dir(logPath), 0o755); err != nil {
		return nil, err
	}
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = devstack.ChildProcAttr()
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, exited: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		_ = log.Close()
		close(p.exited)
	}()
	return p, nil
}

// Pid is the process id.
func (p *process) Pid() int { return p.cmd.Process.Pid }

// LogPath is the file the process writes its output to.
func (p *process) LogPath() string { return p.logPath }

// Exited is closed once the process has ended.
func (p *process) Exited() <-chan struct{} { return p.exited }

// exitedEarly describes a process that ended before it was ready, with its log's tail.
func (p *process) exitedEarly() error {
	return fmt.Errorf("%s exited before it was ready (%v); the end of %s:\n%s", p.name, p.waitErr, p.logPath, logTail(p.logPath, 2048))
}

// stop sends sig to the process group and waits for the process to end, killing the
// group after grace. It is safe to call more than once.
func (p *process) stop(sig syscall.Signal, grace time.Duration) error {
	p.stopOnce.Do(func() {
		p.ending.Store(true)
		select {
		case <-p.exited:
			// Killed or ended already: its group id may belong to another process now.
			return
		default:
		}
		pgid := p.cmd.Process.Pid
		_ = syscall.Kill(-pgid, sig)
		select {
		case <-p.exited:
		case <-time.After(grace):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-p.exited
			p.stopErr = fmt.Errorf("%s did not stop within %s of %s; killed", p.name, grace, sig)
		}
	})
	return p.stopErr
}

// kill SIGKILLs the process group, with no grace, and waits for the process to end.
func (p *process) kill() error {
	p.ending.Store(true)
	if err := syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("SIGKILL %s (pid %d): %w", p.name, p.cmd.Process.Pid, err)
	}
	<-p.exited
	return nil
}

// endedOnItsOwn describes the process when it has ended without being stopped or killed
// by this program; "" otherwise.
func (p *process) endedOnItsOwn() string {
	select {
	case <-p.exited:
	default:
		return ""
	}
	if p.ending.Load() {
		return ""
	}
	return fmt.Sprintf("%s (pid %d) ended on its own: %v; see %s", p.name, p.Pid(), p.waitErr, p.logPath)
}

// logPath is the log file of a process's incarnation (1 for the first start): name.log,
// then name.2.log and so on, so a restart keeps the log of the process it replaced.
func logPath(logDir, name string, incarnation int) string {
	if incarnation <= 1 {
		return filepath.Join(logDir, name+".log")
	}
	return filepath.Join(logDir, fmt.Sprintf("%s.%d.log", name, incarnation))
}

// logTail is the last n bytes of the file at path, for error messages.
func logTail(path string, n int64) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if int64(len(data)) > n {
		data = data[int64(len(data))-n:]
	}
	return string(data)
}

// waitHTTP waits up to a minute for url to answer 200 OK, giving up early when the
// process exits or ctx ends; what names the endpoint in the error.
func (p *process) waitHTTP(ctx context.Context, url, what string) error {
	deadline := time.Now().Add(time.Minute)
	for {
		if resp, err := http.Get(url); err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-p.Exited():
			return fmt.Errorf("%s %w: %v", what, errExitedEarly, p.exitedEarly())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after a minute; see %s", what, p.LogPath())
		}
	}
}
