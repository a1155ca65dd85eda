package main

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/emulator/emulatortest"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
	buildDir  string
)

// workerBinary builds the binary once for the start-up tests.
func workerBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "regioncopy-worker-startup")
		if buildErr != nil {
			return
		}
		builtBin = filepath.Join(buildDir, "regioncopy-worker")
		out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(err.Error() + "\n" + string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// closedAddress is a local address nothing listens on.
func closedAddress(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// isolatedEnv is an environment with nothing from this machine: no AWS or Temporal
// configuration files, no instance metadata, HOME in a temporary directory.
func isolatedEnv(t *testing.T, extra ...string) []string {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return append([]string{
		"PATH=/usr/bin:/bin",
		"HOME=" + dir,
		"AWS_CONFIG_FILE=" + empty,
		"AWS_SHARED_CREDENTIALS_FILE=" + empty,
		"AWS_EC2_METADATA_DISABLED=true",
		"TEMPORAL_CONFIG_FILE=" + filepath.Join(dir, "absent.toml"),
		"REGIONCOPY_METRICS_LISTEN=127.0.0.1:0",
	}, extra...)
}

// runUntilExit runs the binary and returns its exit code and stderr; it must exit on
// its own within a few seconds.
func runUntilExit(t *testing.T, env []string) (int, string) {
	t.Helper()
	cmd := exec.Command(workerBinary(t))
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("worker still running after 20s; stderr:\n%s", stderr.String())
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// errorLines are the lines of stderr that are not zap JSON log entries.
func errorLines(stderr string) []string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if l != "" && !strings.HasPrefix(l, "{") {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestWorkerWithoutAWSCredentialsExitsNamingThem(t *testing.T) {
	code, stderr := runUntilExit(t, isolatedEnv(t, "TEMPORAL_ADDRESS="+closedAddress(t)))
	if code != 1 {
		t.Errorf("exit code %d, want 1; stderr:\n%s", code, stderr)
	}
	lines := errorLines(stderr)
	if len(lines) != 1 || strings.Count(stderr, "\n") > 1 {
		t.Fatalf("want exactly one line on stderr, got:\n%s", stderr)
	}
	for _, want := range []string{"regioncopy-worker: no AWS credentials", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "Pod Identity"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("line %q does not say %q", lines[0], want)
		}
	}
	// Checked before Temporal: the closed Temporal port is never mentioned.
	if strings.Contains(stderr, "Temporal at") {
		t.Errorf("AWS credentials must be checked first, got:\n%s", stderr)
	}
}

func TestWorkerWithoutTemporalExitsNamingIt(t *testing.T) {
	addr := closedAddress(t)
	code, stderr := runUntilExit(t, isolatedEnv(t,
		"TEMPORAL_ADDRESS="+addr,
		"AWS_ACCESS_KEY_ID="+emulatortest.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY="+emulatortest.SecretAccessKey,
	))
	if code != 1 {
		t.Errorf("exit code %d, want 1; stderr:\n%s", code, stderr)
	}
	lines := errorLines(stderr)
	if len(lines) != 1 {
		t.Fatalf("want exactly one error line on stderr, got:\n%s", stderr)
	}
	for _, want := range []string{"regioncopy-worker: cannot connect to Temporal at " + addr, "TEMPORAL_ADDRESS", "TEMPORAL_API_KEY", "TEMPORAL_PROFILE"} {
		if !strings.Contains(lines[0], want) {
			t.Errorf("line %q does not say %q", lines[0], want)
		}
	}
	if strings.Contains(stderr, "worker started") || strings.Contains(stderr, "search attributes") {
		t.Errorf("nothing may start without Temporal, got:\n%s", stderr)
	}
}

func TestWorkerPrintsItsVersion(t *testing.T) {
	cmd := exec.Command(workerBinary(t), "-version")
	cmd.Env = isolatedEnv(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("-version: %v", err)
	}
	line := strings.TrimSpace(string(out))
	if strings.Count(line, "\n") != 0 || !strings.HasPrefix(line, "regioncopy-worker ") || !strings.Contains(line, runtime.Version()) {
		t.Errorf("-version printed %q, want one line naming the build and %s", line, runtime.Version())
	}
}
