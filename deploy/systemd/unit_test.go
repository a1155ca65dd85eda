// Package systemd holds the worker's systemd unit; its test keeps the unit and the
// example environment file in step with the worker.
package systemd

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/worker"
)

// unitSettings reads the key=value lines of a unit or environment file, skipping
// comments and section headers; commented-out assignments are returned in commented.
func unitSettings(t *testing.T, path string) (set map[string]string, commented map[string]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, commented = map[string]string{}, map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		dst := set
		if rest, ok := strings.CutPrefix(line, "#"); ok {
			line, dst = strings.TrimSpace(rest), commented
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.ContainsAny(k, " []") {
			continue
		}
		dst[k] = v
	}
	return set, commented
}

func TestUnitStopsTheWorkerGracefully(t *testing.T) {
	unit, _ := unitSettings(t, "regioncopy-worker.service")
	if !strings.HasSuffix(unit["ExecStart"], "/regioncopy-worker") {
		t.Errorf("ExecStart=%s, want the regioncopy-worker binary with no arguments", unit["ExecStart"])
	}
	if unit["KillSignal"] != "SIGTERM" {
		t.Errorf("KillSignal=%s, want SIGTERM, on which the worker stops gracefully", unit["KillSignal"])
	}
	stop, err := time.ParseDuration(unit["TimeoutStopSec"])
	if grace := worker.DefaultConfig().ShutdownGrace; err != nil || stop <= grace {
		t.Errorf("TimeoutStopSec=%s (%v): want more than the shutdown grace %s", unit["TimeoutStopSec"], err, grace)
	}
	if unit["Restart"] != "on-failure" || unit["RestartPreventExitStatus"] != "2" {
		t.Errorf("Restart=%s RestartPreventExitStatus=%s: want restarts after exit 1 (AWS or Temporal missing), none after exit 2 (bad arguments)",
			unit["Restart"], unit["RestartPreventExitStatus"])
	}
}

// TestExampleEnvironmentNamesOnlyRealVariables catches a misspelt REGIONCOPY_ variable,
// which the worker would silently ignore.
func TestExampleEnvironmentNamesOnlyRealVariables(t *testing.T) {
	src, err := os.ReadFile("../../worker/config.go")
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, m := range regexp.MustCompile(`"(REGIONCOPY_[A-Z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		known[m[1]] = true
	}
	set, commented := unitSettings(t, "worker.env.example")
	if len(set) == 0 {
		t.Fatal("worker.env.example sets nothing")
	}
	for _, vars := range []map[string]string{set, commented} {
		for name := range vars {
			if strings.HasPrefix(name, "REGIONCOPY_") && !known[name] {
				t.Errorf("worker.env.example names %s, which the worker does not read", name)
			}
		}
	}
}
