package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/regioncopy/regioncopy/devstack"
	"github.com/regioncopy/regioncopy/model"
)

// startServer runs a Temporal dev server with regioncopy's search attributes and
// returns the --address flag for it.
func startServer(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	srv, err := devstack.StartTemporal(context.Background(), devstack.TemporalOptions{Headless: true, SearchAttributes: model.SearchAttributes})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	return "--address=" + srv.Address
}

// Against a live server: commands that succeed exit 0, a missing workflow exits 1, and
// the same copy requested twice is one workflow run.
func TestCommandsAgainstDevServer(t *testing.T) {
	addr := startServer(t)

	code, out, errOut := runCLI(t, nil, addr, "setup", "--output", "json")
	if code != ExitOK {
		t.Fatalf("setup: exit %d: %s", code, errOut)
	}
	var setup setupResult
	if err := json.Unmarshal([]byte(out), &setup); err != nil || setup.SearchAttributes["CopyState"] != "Keyword" || setup.SearchAttributes["LastCopyAt"] != "Datetime" {
		t.Errorf("setup printed %s (%v)", out, err)
	}

	for _, cmd := range [][]string{{"status", "copy/nothing-here"}, {"copies", "chain/nothing-here"}} {
		code, _, errOut := runCLI(t, nil, append(cmd, addr)...)
		if code != ExitFailure || !strings.Contains(errOut, "no workflow with id") {
			t.Errorf("%v: exit %d, stderr %q; want %d and a message naming the id", cmd, code, errOut, ExitFailure)
		}
	}

	// No worker listens on this task queue, so the request stays at its start: enough
	// to see that asking twice joins the first run.
	copyArgs := []string{addr, "--output", "json", "copy", "--region", "us-east-1", "--recovery-point-arn", testRP,
		"--source-backup-vault-name", "Default", "--destination-backup-vault-arn", testVaultEU,
		"--destination-backup-vault-arn", testVaultUS, "--iam-role-arn", testRole, "--task-queue", "no-worker-here"}
	var runs []startedCopy
	for range 2 {
		code, out, errOut := runCLI(t, nil, copyArgs...)
		if code != ExitOK {
			t.Fatalf("copy: exit %d: %s", code, errOut)
		}
		var s startedCopy
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("copy printed %s: %v", out, err)
		}
		runs = append(runs, s)
	}
	if runs[0].WorkflowId != runs[1].WorkflowId || runs[0].RunId != runs[1].RunId {
		t.Errorf("the same copy twice started two runs: %+v and %+v", runs[0], runs[1])
	}
	if !strings.HasPrefix(runs[0].UIURL, "http://localhost:") || !strings.Contains(runs[0].UIURL, "/namespaces/default/workflows/") {
		t.Errorf("UI link %q", runs[0].UIURL)
	}

	code, out, errOut = runCLI(t, nil, addr, "list", "--type", "request", "--state", "VALIDATING", "--output", "json")
	if code != ExitOK {
		t.Fatalf("list: exit %d: %s", code, errOut)
	}
	var rows []listedWorkflow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("list printed %s: %v", out, err)
	}
	// Visibility is eventually consistent; the dev server's SQLite store is immediate.
	if len(rows) != 1 || rows[0].WorkflowId != runs[0].WorkflowId || rows[0].SearchAttributes["SourceRegion"] != "us-east-1" {
		t.Errorf("list = %+v, want the one request with its search attributes", rows)
	}
	if len(rows) == 1 && strings.Join(rows[0].Destinations, ",") != "eu-west-1/Default,us-west-2/Copies" {
		t.Errorf("list gives the request's destinations as %v, want both Regions from its memo", rows[0].Destinations)
	}
	// A request is not a chain: 'copies' says so (exit 2) instead of Temporal's
	// "unknown queryType"; this one, with no worker, has handed nothing to a chain yet.
	code, _, errOut = runCLI(t, nil, addr, "copies", runs[0].WorkflowId)
	if code != ExitUsage || !strings.Contains(errOut, "is a copy request, not a copy chain") || strings.Contains(errOut, "queryType") {
		t.Errorf("copies <request id>: exit %d, stderr %q", code, errOut)
	}
	// A plan rule's schedule id is not a workflow id: status points at 'plan describe'.
	code, _, errOut = runCLI(t, nil, addr, "status", "plan/nightly/daily")
	if code != ExitFailure || !strings.Contains(errOut, "regioncopy plan describe nightly --rule daily") {
		t.Errorf("status plan/nightly/daily: exit %d, stderr %q", code, errOut)
	}

	code, out, _ = runCLI(t, nil, addr, "list", "--destination-region", "ap-south-1")
	if code != ExitOK || !strings.Contains(out, "no workflows match") {
		t.Errorf("list with no match: exit %d, %q", code, out)
	}
}
