package main

import (
	"os"
	"os/exec"
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

// treeCPU counts the CPU time of a process's descendants, while they run and after they
// end.
func TestTreeCPUCountsDescendantsRunningAndEnded(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc on this system")
	}
	self, err := treeCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	// sh, the parent, waits for its child, a shell that counts to 400,000 (about
	// 0.4 s of CPU).
	cmd := exec.Command("sh", "-c", `sh -c 'i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done'`)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	parent := cmd.Process.Pid
	var running time.Duration
	for deadline := time.Now().Add(20 * time.Second); running < 100*time.Millisecond; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the tree of a spinning grandchild used %s in 20 s", running)
		}
		if running, err = treeCPU(parent); err != nil {
			t.Fatal(err)
		}
	}
	if own, _ := pidCPU(parent); own > running/2 {
		t.Errorf("the waiting parent itself used %s of the tree's %s: the spin is not in a descendant", own, running)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	// Ended and reaped, the whole tree's time is in this process's reaped time.
	after, err := treeCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if after-self < running {
		t.Errorf("this process's tree grew %s after reaping a tree read at %s while it ran", after-self, running)
	}
	if _, err := treeCPU(-1); err == nil {
		t.Error("no error for a process that does not exist")
	}
}
