package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
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
