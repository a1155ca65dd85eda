package prodstack_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/prodstack"
	"github.com/regioncopy/regioncopy/starter/cli"
	_ "github.com/regioncopy/regioncopy/starter/plancmd" // registers `regioncopy plan`
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

// The production topology on one machine: PostgreSQL, the Temporal server on it, the UI,
// the emulator and two worker processes. An on-demand copy of the sample to both
// Regions lands FULL; a run of the sample plan backs the volume up and its copies land
// INCREMENTAL in the same chains; both workers executed tasks; everything stops; a
// restart on the same state directory still has the chains' records, from PostgreSQL.
func TestStackCopiesAndRunsAPlanOnTwoWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts PostgreSQL, the Temporal server and UI built from tools/go.mod, the emulator and two worker processes")
	}
	if _, err := os.Stat(filepath.Join(prodstack.PostgresBinDir, "postgres")); err != nil {
		t.Fatalf("PostgreSQL 15 is not installed (apt-get install postgresql; .ci/run does): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	dir := stateDir(t)
	opts := prodstack.Options{
		StateDir:  dir,
		TimeScale: 60,
		// The sample's 2 GiB moves in a fraction of an emulated second.
		Emulator: emulator.Config{CopyBandwidth: 1 << 30, BackupBandwidth: 1 << 30},
		Progress: func(s string) { t.Log(s) },
	}
	began := time.Now()
	st, err := prodstack.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Stop() })
	t.Logf("stack up in %s:\n%s", time.Since(began).Round(time.Millisecond), strings.Join(st.Describe(), "\n"))
	if len(st.Workers) != 2 {
		t.Fatalf("%d workers, want 2", len(st.Workers))
	}
	addr := st.Server.Address
	dumpLogsOnFailure(t, st)

	// The UI serves its page and reaches the server.
	assertUIServesNamespace(t, st.UI.URL)

	// An on-demand copy to both Regions: the first copy into each vault is FULL.
	r := run(t, ctx, append(st.Dev.CopyArgs(), "--wait", "--output", "json")...)
	if r.code != cli.ExitOK {
		t.Fatalf("copy: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	var outcome struct {
		Result *struct {
			Results []struct {
				Destination     struct{ BackupVaultArn string }
				ChainWorkflowId string
				Record          *model.CopyRecord
			}
		}
	}
	mustJSON(t, r.stdout, &outcome)
	if outcome.Result == nil || len(outcome.Result.Results) != 2 {
		t.Fatalf("copy result: %s", r.stdout)
	}
	var chains []string
	for _, d := range outcome.Result.Results {
		if d.Record == nil || d.Record.State != model.JobCompleted || d.Record.Kind != model.CopyFull {
			t.Errorf("copy to %s: %+v, want a COMPLETED FULL copy", d.Destination.BackupVaultArn, d.Record)
		}
		chains = append(chains, d.ChainWorkflowId)
	}

	// A run of the sample plan: one backup, its copy to both Regions.
	r = run(t, ctx, "plan", "trigger", st.Dev.SamplePlan.Name, "--address", addr, "--output", "json")
	if r.code != cli.ExitOK {
		t.Fatalf("plan trigger: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	var trig struct{ Triggered []struct{ WorkflowId string } }
	mustJSON(t, r.stdout, &trig)
	if len(trig.Triggered) != 1 {
		t.Fatalf("plan trigger: %s", r.stdout)
	}
	var res model.PlanRunResult
	if err := st.Dev.Client.GetWorkflow(ctx, trig.Triggered[0].WorkflowId, "").Get(ctx, &res); err != nil {
		t.Fatalf("plan run %s: %v", trig.Triggered[0].WorkflowId, err)
	}
	if want := (model.PlanRunTally{Resources: 1, BackupsCompleted: 1, CopiesEnqueued: 2}); res.State != model.PlanRunCompleted || res.Tally != want {
		t.Fatalf("plan run: %+v, want COMPLETED with %+v", res, want)
	}

	// Each chain holds the on-demand FULL copy, then the plan run's INCREMENTAL one.
	for _, chain := range chains {
		temporaltest.Eventually(t, "chain "+chain+" records FULL then INCREMENTAL", func() error {
			return chainHasFullThenIncremental(ctx, t, addr, chain)
		})
	}

	// Both workers executed tasks from the one task queue.
	for _, w := range st.Workers {
		n, err := tasksExecuted(w.MetricsURL)
		if err != nil {
			t.Fatalf("%s: %v", w.Name, err)
		}
		if n == 0 {
			t.Errorf("%s (pid %d) executed no workflow or activity task; see %s", w.Name, w.Pid(), w.LogPath())
		}
		t.Logf("%s executed %d tasks", w.Name, n)
	}

	// Stop ends every process: nothing listens any more.
	listening := []string{addr, strings.TrimPrefix(st.Dev.Emulator.URL, "http://"), "127.0.0.1:" + strconv.Itoa(st.Postgres.Port), st.UI.Addr}
	for _, w := range st.Workers {
		listening = append(listening, strings.TrimSuffix(strings.TrimPrefix(w.MetricsURL, "http://"), "/metrics"))
	}
	if err := st.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	for _, a := range listening {
		if c, err := net.DialTimeout("tcp", a, time.Second); err == nil {
			_ = c.Close()
			t.Errorf("%s still listening after Stop", a)
		}
	}

	// The state directory keeps the cluster: a restart serves the same chains.
	began = time.Now()
	opts.NoUI, opts.Workers = true, 1
	again, err := prodstack.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = again.Stop() })
	// On the ports it had, the server finds itself in the membership its database
	// recorded. On new ones, whatever the old address owned (often the namespace's
	// schedule workers) waits about a minute for that address to expire.
	restart := time.Since(began)
	t.Logf("restarted in %s", restart.Round(time.Millisecond))
	if restart > 30*time.Second {
		t.Errorf("the restart took %s, want well under a minute", restart.Round(time.Second))
	}
	if again.Postgres.Fresh {
		t.Error("the restart made a new PostgreSQL cluster")
	}
	for _, chain := range chains {
		if err := chainHasFullThenIncremental(ctx, t, again.Server.Address, chain); err != nil {
			t.Errorf("after restart: %v", err)
		}
	}
	if err := again.Stop(); err != nil {
		t.Fatalf("stop after restart: %v", err)
	}
}

// stateDir is a fresh directory that PostgreSQL, run as another user when the test
// runs as root, can enter.
func stateDir(t *testing.T) string {
	dir, err := os.MkdirTemp("", "regioncopy-stack-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	return dir
}

func chainHasFullThenIncremental(ctx context.Context, t *testing.T, addr, chain string) error {
	r := run(t, ctx, "copies", chain, "--address", addr, "--output", "json")
	if r.code != cli.ExitOK {
		return fmt.Errorf("copies %s: exit %d: %s", chain, r.code, r.stderr)
	}
	var records []model.CopyRecord
	if err := json.Unmarshal([]byte(r.stdout), &records); err != nil {
		return fmt.Errorf("copies %s printed %q: %v", chain, r.stdout, err)
	}
	if len(records) != 2 {
		return fmt.Errorf("chain %s has %d records, want 2: %s", chain, len(records), r.stdout)
	}
	for i, kind := range []model.CopyKind{model.CopyFull, model.CopyIncremental} {
		if records[i].Kind != kind || records[i].State != model.JobCompleted {
			return fmt.Errorf("chain %s record %d is %s %s, want %s COMPLETED", chain, i, records[i].Kind, records[i].State, kind)
		}
	}
	return nil
}

// tasksExecuted sums the worker's executed workflow and activity tasks from its
// Prometheus metrics (the SDK's execution latency histograms count one per task).
func tasksExecuted(metricsURL string) (int, error) {
	resp, err := http.Get(metricsURL)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	total := 0
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		name, _, _ := strings.Cut(line, "{")
		name, _, _ = strings.Cut(name, " ")
		if name != "temporal_activity_execution_latency_seconds_count" && name != "temporal_workflow_task_execution_latency_seconds_count" {
			continue
		}
		fields := strings.Fields(line)
		v, err := strconv.ParseFloat(fields[len(fields)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("metric line %q: %v", line, err)
		}
		total += int(v)
	}
	return total, sc.Err()
}

// assertUIServesNamespace checks that the UI answers its API with the server's namespaces.
func assertUIServesNamespace(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url + "/api/v1/namespaces")
	if err != nil {
		t.Fatalf("UI: %v", err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	_, _ = body.ReadFrom(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body.String(), `"`+prodstack.Namespace+`"`) {
		t.Errorf("UI %s/api/v1/namespaces: %s %s", url, resp.Status, body.String())
	}
}

type result struct {
	code           int
	stdout, stderr string
}

// run runs the regioncopy CLI in-process, as the binary does.
func run(t *testing.T, ctx context.Context, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	code := cli.Run(ctx, args, &cli.Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }})
	return result{code, out.String(), errOut.String()}
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("%v in %q", err, s)
	}
}

// dumpLogsOnFailure prints the end of every log of a failed test.
func dumpLogsOnFailure(t *testing.T, st *prodstack.Stack) {
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		logs, _ := filepath.Glob(filepath.Join(st.LogDir, "*.log"))
		for _, l := range logs {
			data, _ := os.ReadFile(l)
			if len(data) > 4096 {
				data = data[len(data)-4096:]
			}
			t.Logf("--- end of %s:\n%s", l, data)
		}
	})
}
