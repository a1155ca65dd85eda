package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	workflowpb "go.temporal.io/api/workflow/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/regioncopy/regioncopy/model"
)

// followClient is a Temporal client whose workflow never ends on its own: Get returns
// only when its context is cancelled, and a query waits, as one does for a worker that
// is not there, until its context ends.
// The query returns only after Get has, so that follow finds both the interrupt and the
// workflow's Get answered when it looks next.
type followClient struct {
	client.Client
	gotten chan struct{}
}

func (c followClient) GetWorkflow(ctx context.Context, id, runID string) client.WorkflowRun {
	return blockedRun{id: id, runID: runID, gotten: c.gotten}
}

func (c followClient) QueryWorkflow(ctx context.Context, id, runID, query string, args ...any) (converter.EncodedValue, error) {
	<-ctx.Done()
	<-c.gotten
	time.Sleep(time.Millisecond)
	return nil, ctx.Err()
}

type blockedRun struct {
	id, runID string
	gotten    chan struct{}
}

func (r blockedRun) GetID() string                  { return r.id }
func (r blockedRun) GetRunID() string               { return r.runID }
func (r blockedRun) GetFirstExecutionRunID() string { return r.runID }
func (r blockedRun) Get(ctx context.Context, v any) error {
	<-ctx.Done()
	close(r.gotten)
	return ctx.Err()
}
func (r blockedRun) GetWithOptions(ctx context.Context, v any, _ client.WorkflowRunGetOptions) error {
	return r.Get(ctx, v)
}

// Interrupting `copy --wait` (here during a status query) stops following and says the
// copy goes on. The workflow's Get also returns at once with the cancelled context; that
// must not be reported as the workflow having ended without a result.
func TestFollowInterruptedSaysTheCopyGoesOn(t *testing.T) {
	for i := range 30 {
		var out bytes.Buffer
		app := &App{Env: &Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}, Output: outputJSON}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(10*time.Millisecond, cancel)
		err := app.follow(ctx, followClient{gotten: make(chan struct{})}, startedCopy{WorkflowId: "copy/rp/1", RunId: "run-1"})
		if ExitCode(err) != ExitFailure || err == nil || !strings.Contains(err.Error(), "stopped following copy/rp/1; the copy goes on") {
			t.Fatalf("try %d: follow after an interrupt returned %v (exit %d), want 'stopped following ...; the copy goes on' (exit %d)",
				i, err, ExitCode(err), ExitFailure)
		}
		if strings.Contains(out.String(), "ended") {
			t.Fatalf("try %d: printed %q, which says the workflow ended", i, out.String())
		}
	}
}

// endedClient is a Temporal client for one request whose workflow has ended: Get returns
// result or err, the status query answers status, and describing the workflow reports
// it closed with closed.
type endedClient struct {
	client.Client
	result model.CopyRequestResult
	err    error
	status model.RequestStatus
	closed enumspb.WorkflowExecutionStatus
}

func (c endedClient) GetWorkflow(ctx context.Context, id, runID string) client.WorkflowRun {
	return endedRun{id: id, runID: runID, c: c}
}

func (c endedClient) QueryWorkflow(ctx context.Context, id, runID, query string, args ...any) (converter.EncodedValue, error) {
	return jsonValue{c.status}, nil
}

func (c endedClient) DescribeWorkflowExecution(ctx context.Context, id, runID string) (*workflowservice.DescribeWorkflowExecutionResponse, error) {
	start := time.Date(2026, 11, 25, 5, 0, 0, 0, time.UTC)
	return &workflowservice.DescribeWorkflowExecutionResponse{WorkflowExecutionInfo: &workflowpb.WorkflowExecutionInfo{
		Execution: &commonpb.WorkflowExecution{WorkflowId: id, RunId: "run-1"},
		Type:      &commonpb.WorkflowType{Name: model.WorkflowCopyRecoveryPoint},
		Status:    c.closed,
		StartTime: timestamppb.New(start),
		CloseTime: timestamppb.New(start.Add(time.Minute)),
	}}, nil
}

// QueryWorkflow of a closed workflow needs a worker: a status that reads the result
// asks no query.
type noQueryClient struct{ endedClient }

func (noQueryClient) QueryWorkflow(ctx context.Context, id, runID, query string, args ...any) (converter.EncodedValue, error) {
	return nil, errors.New("no worker")
}

type endedRun struct {
	id, runID string
	c         endedClient
}

func (r endedRun) GetID() string                  { return r.id }
func (r endedRun) GetRunID() string               { return r.runID }
func (r endedRun) GetFirstExecutionRunID() string { return r.runID }
func (r endedRun) Get(ctx context.Context, v any) error {
	if r.c.err != nil {
		return r.c.err
	}
	return jsonValue{r.c.result}.Get(v)
}
func (r endedRun) GetWithOptions(ctx context.Context, v any, _ client.WorkflowRunGetOptions) error {
	return r.Get(ctx, v)
}

type jsonValue struct{ v any }

func (j jsonValue) HasValue() bool { return true }
func (j jsonValue) Get(v any) error {
	raw, err := json.Marshal(j.v)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, v)
}

// asReturned is err as a workflow's Get returns it: through the failure converter, its
// details encoded.
func asReturned(err error) error {
	fc := temporal.GetDefaultFailureConverter()
	return fc.FailureToError(fc.ErrorToFailure(err))
}

// canceledRequest is a request canceled after its eu-west-1 copy landed and before the
// us-west-2 chain answered, as the workflow ends it.
func canceledRequest() (model.CopyRequestResult, model.RequestStatus) {
	res := model.CopyRequestResult{
		RecoveryPoint: model.RecoveryPoint{RecoveryPointArn: "arn:aws:ec2:us-east-1::snapshot/snap-1", ResourceArn: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", ResourceType: "EBS"},
		Results: []model.DestinationResult{
			{Destination: model.Destination{BackupVaultArn: testVaultEU}, ChainWorkflowId: "chain/eu",
				Record: &model.CopyRecord{State: model.JobCompleted, Kind: model.CopyIncremental, DestinationRecoveryPointArn: "arn:aws:ec2:eu-west-1::snapshot/snap-eu"}},
			{Destination: model.Destination{BackupVaultArn: testVaultUS}, ChainWorkflowId: "chain/us", Canceled: true,
				Error: "the request was canceled before chain chain/us answered: the chain keeps the order"},
		},
	}
	st := model.RequestStatus{State: model.RequestCanceled, RecoveryPoint: &res.RecoveryPoint}
	for i := range res.Results {
		r := res.Results[i]
		st.Destinations = append(st.Destinations, model.DestinationProgress{Destination: r.Destination, ChainWorkflowId: r.ChainWorkflowId, Result: &r})
	}
	return res, st
}

// A canceled request ends `copy --wait` with CANCELED and each destination's outcome,
// exit 1, not as a workflow that ended without a result.
func TestFollowACanceledRequest(t *testing.T) {
	res, st := canceledRequest()
	c := endedClient{err: asReturned(temporal.NewCanceledError(res)), status: st}

	var out bytes.Buffer
	app := &App{Env: &Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}}
	err := app.follow(context.Background(), c, startedCopy{WorkflowId: "copy/snap-1/abc", RunId: "run-1"})
	if ExitCode(err) != ExitFailure || err == nil || !strings.Contains(err.Error(), "the copy request was canceled: "+testVaultUS+": the request was canceled before chain chain/us answered") {
		t.Errorf("follow returned %v (exit %d), want the cancellation naming the unanswered destination (exit %d)", err, ExitCode(err), ExitFailure)
	}
	text := out.String()
	for _, want := range []string{
		"  CANCELED  EBS arn:aws:ec2:us-east-1:123456789012:volume/vol-1",
		"us-west-2/Copies  CANCELED  the request was canceled before chain chain/us answered",
		"eu-west-1/Default  COMPLETED  INCREMENTAL copy",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q:\n%s", want, text)
		}
	}
	var usRow string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, testVaultUS) {
			usRow = l
		}
	}
	if f := strings.Fields(usRow); len(f) < 2 || f[1] != model.RequestCanceled {
		t.Errorf("result table's row for the canceled destination %q, want state CANCELED:\n%s", usRow, text)
	}
	if strings.Contains(text+errText(err), "without a result") {
		t.Errorf("a canceled request reported as ended without a result:\n%s%v", text, err)
	}

	out.Reset()
	app.Output = outputJSON
	err = app.follow(context.Background(), c, startedCopy{WorkflowId: "copy/snap-1/abc", RunId: "run-1"})
	var doc followOutcome
	if jerr := json.Unmarshal(out.Bytes(), &doc); jerr != nil {
		t.Fatalf("not JSON (%v):\n%s", jerr, out.String())
	}
	if ExitCode(err) != ExitFailure || doc.Result == nil || len(doc.Result.Results) != 2 || !doc.Result.Results[1].Canceled {
		t.Errorf("JSON outcome %+v (exit %d), want the result with the canceled destination", doc, ExitCode(err))
	}
}

// `status` of a canceled request reads its result from the cancellation, needing no
// worker, and shows CANCELED for the request and its unanswered destination.
func TestStatusOfACanceledRequest(t *testing.T) {
	res, _ := canceledRequest()
	c := noQueryClient{endedClient{err: asReturned(temporal.NewCanceledError(res)), closed: enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED}}
	var out bytes.Buffer
	app := &App{Env: &Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}}
	st, err := describeWorkflow(context.Background(), app, c, "copy/snap-1/abc", "")
	if err != nil || st.StatusError != "" {
		t.Fatalf("status of a canceled request: %v, status error %q", err, st.StatusError)
	}
	printWorkflowStatus(app, st)
	text := out.String()
	for _, want := range []string{"state:    CANCELED", "the request was canceled before chain chain/us answered", "COMPLETED"} {
		if !strings.Contains(text, want) {
			t.Errorf("status lacks %q:\n%s", want, text)
		}
	}
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, testVaultUS) && !strings.Contains(l, "CANCELED") {
			t.Errorf("canceled destination's row %q lacks CANCELED", l)
		}
	}
}

// A repeated request that changed the lifecycle of a copy the chain already held gets
// the existing record back; `copy --wait` shows its dates as they now are.
func TestFollowShowsTheCopysLifecycleDates(t *testing.T) {
	rec := &model.CopyRecord{State: model.JobCompleted, Kind: model.CopyIncremental, DestinationRecoveryPointArn: "arn:aws:ec2:eu-west-1::snapshot/snap-eu",
		Lifecycle: model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 120}, CompletedAt: time.Date(2026, 9, 7, 5, 0, 0, 0, time.UTC),
		MoveToColdStorageAt: time.Date(2026, 10, 7, 5, 0, 0, 0, time.UTC), DeleteAt: time.Date(2027, 1, 5, 5, 0, 0, 0, time.UTC)}
	kept := &model.CopyRecord{State: model.JobCompleted, Kind: model.CopyFull}
	res := model.CopyRequestResult{Results: []model.DestinationResult{
		{Destination: model.Destination{BackupVaultArn: testVaultEU}, ChainWorkflowId: "chain/eu", Record: rec},
		{Destination: model.Destination{BackupVaultArn: testVaultUS}, ChainWorkflowId: "chain/us", Record: kept},
	}}
	st := model.RequestStatus{State: model.RequestCompleted}
	for i := range res.Results {
		r := res.Results[i]
		st.Destinations = append(st.Destinations, model.DestinationProgress{Destination: r.Destination, ChainWorkflowId: r.ChainWorkflowId, Result: &r})
	}
	var out bytes.Buffer
	app := &App{Env: &Env{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}}
	if err := app.follow(context.Background(), endedClient{result: res, status: st}, startedCopy{WorkflowId: "copy/snap-1/abc", RunId: "run-1"}); err != nil {
		t.Fatalf("follow: %v", err)
	}
	for _, want := range []string{
		"snap-eu  cold 2026-10-07, deletes 2027-01-05\n",
		"us-west-2/Copies  COMPLETED  FULL copy (recovery point of 0 B)  -  kept until deleted\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
