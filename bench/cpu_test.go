package main

import (
	"os"
	"testing"
	"time"
)

// pidCPU reads this process's own CPU time from /proc; it grows with work and agrees
// with getrusage within a few clock ticks.
func TestPidCPUReadsProcStat(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc on this system")
	}
	before, err := pidCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	spin := time.Now().Add(300 * time.Millisecond)
	for x := 0; time.Now().Before(spin); x++ {
		_ = x * x
	}
	after, err := pidCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if d := after - before; d < 100*time.Millisecond {
		t.Errorf("CPU time grew %s over 300 ms of spinning", d)
	}
	if d := selfCPU() - after; d < -50*time.Millisecond || d > time.Second {
		t.Errorf("getrusage and /proc disagree by %s", d)
	}
	if _, err := pidCPU(-1); err == nil {
		t.Error("no error for a process that does not exist")
	}
}
