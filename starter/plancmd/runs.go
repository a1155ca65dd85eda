package plancmd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/regioncopy/regioncopy/model"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// runResult is one PlanRun a schedule started, as list and describe show it.
type runResult struct {
	ScheduledAt time.Time
	StartedAt   time.Time
	WorkflowId  string
	// Status is the workflow's execution status (Running, Completed, Failed, ...).
	Status string
	// State is the run's outcome from its CopyState search attribute: COMPLETED, PARTIAL
	// (some resources failed; see the run's result) or SKIPPED.
	State string `json:",omitempty"`
	UIURL string `json:",omitempty"`
}

// Outcome is the one word text output shows for a run: its CopyState once it has
// one, else its execution status.
func (r runResult) Outcome() string {
	if r.State != "" && r.Status != "Running" {
		return r.State
	}
	return r.Status
}

// runOf describes the workflow a schedule action started. The latest run of the id is
// asked for, so a run that continued as new reports its final state. A run deleted by
// retention is reported as such rather than failing the whole listing.
func runOf(ctx context.Context, c client.Client, a client.ScheduleActionResult) (runResult, error) {
	r := runResult{ScheduledAt: a.ScheduleTime, StartedAt: a.ActualTime}
	if a.StartWorkflowResult == nil {
		r.Status = "NotStarted"
		return r, nil
	}
	r.WorkflowId = a.StartWorkflowResult.WorkflowID
	d, err := c.DescribeWorkflow(ctx, r.WorkflowId, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		r.Status = "Gone"
		return r, nil
	}
	if err != nil {
		return r, fmt.Errorf("describe run %s: %w", r.WorkflowId, err)
	}
	r.Status = executionStatus(d.Status.String())
	if state, ok := d.TypedSearchAttributes.GetKeyword(model.CopyStateKey); ok {
		r.State = state
	}
	return r, nil
}

// executionStatus turns WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW into ContinuedAsNew,
// the spelling of the Temporal UI and CLI.
func executionStatus(enum string) string {
	var b strings.Builder
	for _, word := range strings.Split(strings.TrimPrefix(enum, "WORKFLOW_EXECUTION_STATUS_"), "_") {
		if word == "" {
			continue
		}
		b.WriteString(word[:1])
		b.WriteString(strings.ToLower(word[1:]))
	}
	return b.String()
}

// parseScheduleID splits "plan/<plan>/<rule>"; ok is false for schedules regioncopy did
// not make.
func parseScheduleID(id string) (planName, rule string, ok bool) {
	parts := strings.Split(id, "/")
	if len(parts) != 3 || parts[0] != "plan" || parts[1] == "" || parts[2] == "" {
		return "", "", false
	}
	return parts[1], parts[2], true
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
