package activities

import (
	"errors"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

// TestAnswerRequesterSignalsTheRequester runs AnswerRequester against the real dev
// server (no worker: the requester only needs to exist): the answer arrives as a
// SignalCopyResult; a requester that has ended is a final NotFound naming it; a missing
// id is refused.
func TestAnswerRequesterSignalsTheRequester(t *testing.T) {
	srv, ctx, env := chainsOnDevServer(t)

	const requester = "copy/requester-under-test"
	if _, err := srv.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: requester, TaskQueue: "answer-test"},
		model.WorkflowCopyRecoveryPoint, model.CopyRequest{}); err != nil {
		t.Fatal(err)
	}
	result := model.DestinationResult{Destination: model.Destination{BackupVaultArn: vaultArn(west, dstVault)},
		ChainWorkflowId: "chain-under-test", Error: "copy failed"}
	if _, err := env.ExecuteActivity(model.ActAnswerRequester, model.AnswerRequesterInput{RequesterWorkflowId: requester, Result: result}); err != nil {
		t.Fatal(err)
	}
	var got []model.DestinationResult
	for _, ev := range temporaltest.History(t, ctx, srv.Client, requester).Events {
		if ev.GetEventType() != enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED {
			continue
		}
		attrs := ev.GetWorkflowExecutionSignaledEventAttributes()
		if attrs.GetSignalName() != model.SignalCopyResult {
			t.Errorf("signal %q, want %q", attrs.GetSignalName(), model.SignalCopyResult)
		}
		var r model.DestinationResult
		if err := converter.GetDefaultDataConverter().FromPayloads(attrs.GetInput(), &r); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	if len(got) != 1 || got[0].ChainWorkflowId != "chain-under-test" || got[0].Error != "copy failed" ||
		got[0].Destination.BackupVaultArn != result.Destination.BackupVaultArn {
		t.Fatalf("requester received %+v, want one %+v", got, result)
	}

	if err := srv.Client.TerminateWorkflow(ctx, requester, "", "test"); err != nil {
		t.Fatal(err)
	}
	_, err := env.ExecuteActivity(model.ActAnswerRequester, model.AnswerRequesterInput{RequesterWorkflowId: requester, Result: result})
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != model.ErrNotFound || !appErr.NonRetryable() {
		t.Fatalf("answering an ended requester: %v, want a non-retryable %s", err, model.ErrNotFound)
	}
	if msg := appErr.Error(); !strings.Contains(msg, requester) {
		t.Errorf("error %q does not name the requester", msg)
	}

	_, err = env.ExecuteActivity(model.ActAnswerRequester, model.AnswerRequesterInput{Result: result})
	if !errors.As(err, &appErr) || appErr.Type() != model.ErrInvalidParameter || !strings.Contains(appErr.Error(), "RequesterWorkflowId") {
		t.Fatalf("answering no one: %v, want %s naming RequesterWorkflowId", err, model.ErrInvalidParameter)
	}
}
