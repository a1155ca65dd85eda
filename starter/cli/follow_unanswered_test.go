package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// unansweredRequest is a request whose eu-west-1 copy landed and whose us-west-2 chain
// did not answer within the completion window plus margin, as the workflow ends it.
func unansweredRequest() (model.CopyRequestResult, model.RequestStatus, error) {
	const why = "chain chain/us did not answer within 169h0m0s of taking the order (the completion window of 168h0m0s plus a margin of 1h0m0s)"
	res := model.CopyRequestResult{
		RecoveryPoint: model.RecoveryPoint{RecoveryPointArn: "arn:aws:ec2:us-east-1::snapshot/snap-1", ResourceArn: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", ResourceType: "EBS"},
		Results: []model.DestinationResult{
			{Destination: model.Destination{BackupVaultArn: testVaultEU}, ChainWorkflowId: "chain/eu",
				Record: &model.CopyRecord{State: model.JobCompleted, Kind: model.CopyFull, DestinationRecoveryPointArn: "arn:aws:ec2:eu-west-1::snapshot/snap-eu"}},
			{Destination: model.Destination{BackupVaultArn: testVaultUS}, ChainWorkflowId: "chain/us", Error: why},
		},
	}
	st := model.RequestStatus{State: model.RequestFailed, RecoveryPoint: &res.RecoveryPoint}
	for i := range res.Results {
		r := res.Results[i]
		st.Destinations = append(st.Destinations, model.DestinationProgress{Destination: r.Destination, ChainWorkflowId: r.ChainWorkflowId, Result: &r})
	}
	err := temporal.NewNonRetryableApplicationError("1 of 2 copies failed:\n- "+testVaultUS+": "+why, model.ErrCopyFailed, nil, res)
	return res, st, asReturned(err)
}

// `copy --wait` and `status` of a request that stopped waiting for a chain show that
// destination FAILED with the chain's id and the wait, and the other one's copy.
func TestFollowAndStatusOfARequestWithAnUnansweredChain(t *testing.T) {
	_, st, runErr := unansweredRequest()
	var out bytes.Buffer
	app := &App{Env: &Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}}
	err := app.follow(context.Background(), endedClient{err: runErr, status: st}, startedCopy{WorkflowId: "copy/snap-1/abc", RunId: "run-1"})
	if ExitCode(err) != ExitFailure || !strings.Contains(errText(err), "chain chain/us did not answer within 169h0m0s") {
		t.Errorf("follow returned %v (exit %d), want the failure naming the chain (exit %d)", err, ExitCode(err), ExitFailure)
	}
	text := out.String()
	for _, want := range []string{"us-west-2/Copies  FAILED  chain chain/us did not answer", "eu-west-1/Default  COMPLETED  FULL copy"} {
		if !strings.Contains(text, want) {
			t.Errorf("copy --wait output lacks %q:\n%s", want, text)
		}
	}

	out.Reset()
	c := noQueryClient{endedClient{err: runErr, closed: enumspb.WORKFLOW_EXECUTION_STATUS_FAILED}}
	ws, err := describeWorkflow(context.Background(), app, c, "copy/snap-1/abc", "")
	if err != nil || ws.StatusError != "" {
		t.Fatalf("status: %v, status error %q", err, ws.StatusError)
	}
	printWorkflowStatus(app, ws)
	text = out.String()
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, testVaultUS) && (!strings.Contains(l, model.JobFailed) || !strings.Contains(l, "did not answer within 169h0m0s")) {
			t.Errorf("the unanswered destination's row %q lacks FAILED and the reason", l)
		}
	}
	if !strings.Contains(text, "state:    FAILED") {
		t.Errorf("status lacks the request's FAILED state:\n%s", text)
	}
}

// `status` of a chain shows its current copy's status message: a job AWS does not list
// yet is said so while the chain follows it.
func TestStatusOfAChainShowsTheCurrentCopysNote(t *testing.T) {
	var out bytes.Buffer
	app := &App{Env: &Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}}
	const note = "DescribeCopyJob does not find copy job job-1"
	printChainStatus(app, model.ChainStatus{State: model.ChainCopying, Current: &model.CopyRecord{
		Kind: model.CopyFull, SourceRecoveryPointArn: "arn:aws:ec2:us-east-1::snapshot/snap-1", CopyJobId: "job-1",
		State: model.JobRunning, StatusMessage: note}})
	if !strings.Contains(out.String(), "job job-1 (RUNNING)\n            "+note) {
		t.Errorf("chain status lacks the current copy's note under it:\n%s", out.String())
	}
}
