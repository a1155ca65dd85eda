package main

import (
	"context"
	"encoding/json"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
)

// workflowRun is one run of a workflow that continues as new, with its history.
type workflowRun struct {
	RunID   string
	History *historypb.History
}

// allRuns reads the history of every run of workflow id, oldest first, by following each
// run's started event back to the run it continued from.
func allRuns(ctx context.Context, e *env, id string) ([]workflowRun, error) {
	d, err := e.client.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		return nil, fmt.Errorf("describe %s: %w", id, err)
	}
	var runs []workflowRun
	run := d.GetWorkflowExecutionInfo().GetExecution().GetRunId()
	for {
		h, err := fetchRunHistory(ctx, e, id, run)
		if err != nil {
			return nil, err
		}
		if len(h.Events) == 0 {
			return nil, fmt.Errorf("history of %s run %q is empty", id, run)
		}
		started := h.Events[0].GetWorkflowExecutionStartedEventAttributes()
		runs = append(runs, workflowRun{RunID: run, History: h})
		prev := started.GetContinuedExecutionRunId()
		if prev == "" {
			break
		}
		run = prev
	}
	for i, j := 0, len(runs)-1; i < j; i, j = i+1, j-1 {
		runs[i], runs[j] = runs[j], runs[i]
	}
	return runs, nil
}

func fetchRunHistory(ctx context.Context, e *env, id, runID string) (*historypb.History, error) {
	it := e.client.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := &historypb.History{}
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("history of %s run %q: %w", id, runID, err)
		}
		h.Events = append(h.Events, ev)
	}
	return h, nil
}

// carriedInputBytes is the size of the input a run handed to the next when it continued
// as new (the payloads' data, as the next run receives it), 0 when it did not.
func carriedInputBytes(h *historypb.History) int {
	for _, ev := range h.Events {
		if a := ev.GetWorkflowExecutionContinuedAsNewEventAttributes(); a != nil {
			return payloadsBytes(a.GetInput())
		}
	}
	return 0
}

func payloadsBytes(p *commonpb.Payloads) int {
	n := 0
	for _, pl := range p.GetPayloads() {
		n += len(pl.GetData())
	}
	return n
}

// queryBytes asks a workflow run a query and returns the size of its answer's payload
// (its JSON, as the client receives it).
func queryBytes(ctx context.Context, e *env, id, runID, query string, args ...any) (int, json.RawMessage, error) {
	v, err := e.client.QueryWorkflow(ctx, id, runID, query, args...)
	if err != nil {
		return 0, nil, fmt.Errorf("query %s of %s: %w", query, id, err)
	}
	var raw json.RawMessage
	if err := v.Get(&raw); err != nil {
		return 0, nil, fmt.Errorf("query %s of %s: %w", query, id, err)
	}
	return len(raw), raw, nil
}
