//go:build unix

package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Ctrl-C on `make dev` is a clean stop, as it is for `regioncopy dev` run directly: the
// terminal's SIGINT reaches make and the program (one process group, as in a shell);
// the program stops the stack and exits 0, and make reports no failed or interrupted
// recipe. The commands printed are the bin/regioncopy ones the README shows.
func TestMakeDevStopsCleanlyOnCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("builds bin/regioncopy and starts the dev stack")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "bin", "temporal")); err != nil {
		t.Skip("bin/temporal is not built (make temporal-cli); building it here would take minutes")
	}
	flags := fmt.Sprintf("--port %d --ui-port %d --emulator-listen 127.0.0.1:0 --data-dir %s --time-scale 60",
		freePort(t), freePort(t), t.TempDir())
	cmd := exec.Command("make", "--no-print-directory", "-C", root, "dev", "DEV_FLAGS="+flags)
	var out, errOut lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // a terminal's foreground group
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		}
	})

	deadline := time.Now().Add(3 * time.Minute)
	for !strings.Contains(out.String(), "Press Ctrl-C") {
		select {
		case err := <-done:
			t.Fatalf("make dev ended before it was ready (%v):\n%s\n%s", err, out.String(), errOut.String())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("make dev not ready:\n%s\n%s", out.String(), errOut.String())
		}
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil { // Ctrl-C
		t.Fatal(err)
	}
	var waitErr error
	select {
	case waitErr = <-done:
	case <-time.After(time.Minute):
		t.Fatalf("make dev did not stop after Ctrl-C:\n%s", errOut.String())
	}

	if strings.Contains(errOut.String(), "make: ***") {
		t.Errorf("make reported the recipe as failed or interrupted:\n%s", errOut.String())
	}
	if !strings.Contains(errOut.String(), "Stopping...") {
		t.Errorf("the program did not stop the stack itself:\n%s", errOut.String())
	}
	// make re-raises the SIGINT it received once its recipe has ended; that is make's
	// own way to stop, and a shell prints nothing for it. Any other status is a failure.
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !(ws.Exited() && ws.ExitStatus() == 0) && !(ws.Signaled() && ws.Signal() == syscall.SIGINT) {
		t.Errorf("make dev ended with %v (%v), want exit 0 or make's own SIGINT", cmd.ProcessState, waitErr)
	}
	for _, want := range []string{"\nbin/regioncopy copy", "  bin/regioncopy list --address", "  bin/regioncopy plan trigger regioncopy-sample"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("make dev's commands lack %q:\n%s", want, out.String())
		}
	}
}

// freePort returns a port nothing listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
