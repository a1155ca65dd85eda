package prodstack_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/prodstack"
	"github.com/regioncopy/regioncopy/starter/cli"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

// The parts the chaos run uses: a worker SIGKILLed and started again, the Temporal server
// SIGKILLed and started again on its address, PostgreSQL stopped (fast shutdown) and
// started again on its data directory and port. Afterwards a client dialled before all
// that still works, a copy runs to COMPLETED on the restarted processes, every restart
// has a log of its own, no process counts as ended on its own, and a worker that
// dies of a signal the Stack did not send does.
func TestStackKillsAndRestartsItsProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts PostgreSQL, the Temporal server built from tools/go.mod, the emulator and two worker processes")
	}
	if _, err := os.Stat(filepath.Join(prodstack.PostgresBinDir, "postgres")); err != nil {
		t.Fatalf("PostgreSQL 15 is not installed (apt-get install postgresql): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	st, err := prodstack.Start(ctx, prodstack.Options{
		StateDir: stateDir(t), NoUI: true, NoSamplePlan: true, TimeScale: 60,
		Emulator: emulator.Config{CopyBandwidth: 1 << 30, BackupBandwidth: 1 << 30},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Stop() })
	dumpLogsOnFailure(t, st)
	addr, pgPort := st.Server.Address, st.Postgres.Port

	oldPid := st.Workers[0].Pid()
	if err := st.KillWorker(0); err != nil {
		t.Fatal(err)
	}
	if alive(oldPid) {
		t.Errorf("worker pid %d still alive after KillWorker", oldPid)
	}
	if err := st.RestartWorker(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if st.Workers[0].Pid() == oldPid || !alive(st.Workers[0].Pid()) {
		t.Errorf("restarted worker pid %d (was %d) is not a new live process", st.Workers[0].Pid(), oldPid)
	}

	serverPid := st.Server.Pid()
	if err := st.KillServer(); err != nil {
		t.Fatal(err)
	}
	if alive(serverPid) {
		t.Errorf("temporal-server pid %d still alive after KillServer", serverPid)
	}
	if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		_ = c.Close()
		t.Errorf("%s still answers after KillServer", addr)
	}
	began := time.Now()
	if err := st.RestartServer(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("server back in %s", time.Since(began).Round(time.Millisecond))
	if st.Server.Address != addr {
		t.Errorf("server restarted on %s, want %s", st.Server.Address, addr)
	}

	if err := st.StopPostgres(); err != nil {
		t.Fatal(err)
	}
	if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(pgPort), time.Second); err == nil {
		_ = c.Close()
		t.Errorf("PostgreSQL still listens on %d after StopPostgres", pgPort)
	}
	if err := st.RestartPostgres(ctx); err != nil {
		t.Fatal(err)
	}
	if st.Postgres.Port != pgPort {
		t.Errorf("PostgreSQL restarted on port %d, want %d", st.Postgres.Port, pgPort)
	}

	// The client dialled at the start reaches the restarted server once the server's
	// connections to PostgreSQL are made again (its first queries after the restart may
	// fail), and the workers, one restarted and one that lived through both restarts,
	// copy the sample.
	temporaltest.Eventually(t, "the stack's client after the restarts", func() error {
		_, err := st.Dev.Client.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: prodstack.Namespace})
		return err
	})
	r := run(t, ctx, append(st.Dev.CopyArgs(), "--wait", "--output", "json")...)
	if r.code != cli.ExitOK {
		t.Fatalf("copy after the restarts: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	var outcome struct {
		Result *struct {
			Results []struct{ Record *model.CopyRecord }
		}
	}
	mustJSON(t, r.stdout, &outcome)
	if outcome.Result == nil || len(outcome.Result.Results) != 2 {
		t.Fatalf("copy result: %s", r.stdout)
	}
	for _, d := range outcome.Result.Results {
		if d.Record == nil || d.Record.State != model.JobCompleted {
			t.Errorf("copy after the restarts: %+v, want COMPLETED", d.Record)
		}
	}

	for _, name := range []string{"worker-1.2.log", "temporal-server.2.log", "postgres.2.log"} {
		if _, err := os.Stat(filepath.Join(st.LogDir, name)); err != nil {
			t.Errorf("the restart's log: %v", err)
		}
	}
	if got := st.EndedOnTheirOwn(); len(got) != 0 {
		t.Errorf("after kills and restarts through the Stack: %q ended on their own, want none", got)
	}
	// A worker killed behind the Stack's back is reported.
	if err := syscall.Kill(st.Workers[1].Pid(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(st.EndedOnTheirOwn()) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if got := st.EndedOnTheirOwn(); len(got) != 1 || !strings.Contains(got[0], "worker-2") {
		t.Errorf("after an outside SIGKILL of worker-2: %q, want worker-2 alone", got)
	}
}

// alive reports whether a process with pid exists (and is not a zombie awaiting Wait,
// which the Stack's processes never are once their kill returned).
func alive(pid int) bool {
	return syscall.Kill(pid, 0) == nil
}
