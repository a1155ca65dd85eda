package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/model"
)

// notFoundClient knows no workflow.
type notFoundClient struct{ client.Client }

func (notFoundClient) DescribeWorkflowExecution(ctx context.Context, id, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	return nil, serviceerror.NewNotFound("workflow not found")
}

// Every command the CLI prints for the user to run next starts the way the program was
// started (bin/regioncopy under make dev), not with a regioncopy that may not be on PATH.
func TestPrintedCommandsStartAsTheProgramWasStarted(t *testing.T) {
	const prog = "bin/regioncopy"
	var out bytes.Buffer
	app := &App{Env: &Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }, Program: prog}}
	check := func(what, text, want string) {
		t.Helper()
		if !strings.Contains(text, want) {
			t.Errorf("%s: %q lacks %q", what, text, want)
		}
	}

	printStarted(app, startedCopy{WorkflowId: "copy/snap-1/abc", RunId: "run-1"})
	check("copy", out.String(), "follow:  bin/regioncopy status copy/snap-1/abc\n")
	check("interrupted follow", app.stoppedFollowing(startedCopy{WorkflowId: "copy/snap-1/abc"}).Error(), "(bin/regioncopy status copy/snap-1/abc)")

	_, err := describeWorkflow(context.Background(), app, notFoundClient{}, "plan/nightly/daily", "")
	check("status of a schedule id", errText(err), "'bin/regioncopy plan describe nightly --rule daily'")

	// A chain id that names no chain: one of another form is told the form, a well-formed
	// one how to list its resource's chains.
	_, err = describeWorkflow(context.Background(), app, notFoundClient{}, "chain/arn:aws:ec2:us-east-1:123456789012:volume/vol-1/eu-west-1/Default", "")
	check("status of a chain id of another form", errText(err), "a chain's id reads "+model.ChainWorkflowIDForm+"; 'bin/regioncopy list --type chain'")
	_, err = describeWorkflow(context.Background(), app, notFoundClient{}, "chain/arn:aws:ec2:us-east-1:123456789012:volume/vol-1/from/eu-west-1/to/123456789012/us-west-2/Default", "")
	check("status of a chain not started", errText(err), "from eu-west-1 into vault Default of account 123456789012 in us-west-2; 'bin/regioncopy list --type chain --resource-arn arn:aws:ec2:us-east-1:123456789012:volume/vol-1'")

	chain := "chain/x/from/us-east-1/to/123456789012/eu-west-1/Default"
	raw, _ := json.Marshal(model.RequestStatus{State: model.RequestCompleted, Destinations: []model.DestinationProgress{{ChainWorkflowId: chain}}})
	check("copies of a request", errText(notAChain(workflowStatus{WorkflowId: "copy/a", Type: model.WorkflowCopyRecoveryPoint, Status: raw}, app.Program())),
		"\n  bin/regioncopy copies "+chain)
	check("copies of a request without chains", errText(notAChain(workflowStatus{WorkflowId: "copy/a", Type: model.WorkflowCopyRecoveryPoint}, app.Program())),
		"'bin/regioncopy status copy/a'")
	check("copies of a plan run", errText(notAChain(workflowStatus{WorkflowId: "planrun/p/r", Type: model.WorkflowPlanRun}, app.Program())),
		"'bin/regioncopy list --type chain'")

	var stderr bytes.Buffer
	code := Run(context.Background(), []string{"copy", "--no-such-flag"}, &Env{Stdout: &out, Stderr: &stderr, Getenv: func(string) string { return "" }, Program: prog})
	check("unknown flag", stderr.String(), "(see 'bin/regioncopy copy --help')")
	code2 := Run(context.Background(), []string{"status"}, &Env{Stdout: &out, Stderr: &stderr, Getenv: func(string) string { return "" }, Program: prog})
	check("missing argument", stderr.String(), "(see 'bin/regioncopy status --help')")
	if code != ExitUsage || code2 != ExitUsage {
		t.Errorf("usage errors exited %d and %d, want %d", code, code2, ExitUsage)
	}
}

func errText(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

// A printed command reaches the Temporal this invocation reached: the connection flags
// it was given follow the words.
func TestRerunKeepsTheConnectionFlags(t *testing.T) {
	app := &App{Env: &Env{Program: "bin/regioncopy"}, Address: "127.0.0.1:7299", Namespace: "dr team"}
	if got, want := app.Rerun("status", "copy/x"), "bin/regioncopy status copy/x --address 127.0.0.1:7299 --namespace 'dr team'"; got != want {
		t.Errorf("Rerun = %q, want %q", got, want)
	}
	if got := (&App{Env: &Env{Program: "bin/regioncopy"}}).Rerun("plan", "list"); got != "bin/regioncopy plan list" {
		t.Errorf("without flags: %q", got)
	}
}
