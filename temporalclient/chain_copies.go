package temporalclient

import (
	"context"
	"fmt"
	"sort"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/model"
)

// ChainRuns lists the run ids of a chain, newest first, at most n (open and closed runs
// while the namespace retains them).
func ChainRuns(ctx context.Context, c client.Client, chainID string, n int) ([]string, error) {
	query := fmt.Sprintf("WorkflowId = %q", chainID)
	resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, PageSize: int32(n)})
	if err != nil {
		return nil, fmt.Errorf("list the runs of %s: %w", chainID, err)
	}
	var ids []string
	for _, e := range resp.GetExecutions() {
		ids = append(ids, e.GetExecution().GetRunId())
	}
	if len(ids) == 0 {
		// Visibility may lag a chain that has just started: its latest run still answers.
		ids = []string{""}
	}
	return ids[:min(len(ids), n)], nil
}

// ChainCopies reads every page of the copies query of each run (runIDs newest first) and
// lists each copy once, oldest first, as the newest run that knows it last saw it. A run
// carries its latest records into the next, so consecutive runs overlap; and a run that
// deletes a copy an earlier run made knows it only from the vault, so what that record
// lacks (source recovery point, job, kind, times) is filled in from the earlier run's.
func ChainCopies(ctx context.Context, c client.Client, chainID string, runIDs []string) ([]model.CopyRecord, error) {
	var runs [][]model.CopyRecord
	for _, run := range runIDs {
		recs, err := model.AllCopies(func(page model.CopiesPage, into *[]model.CopyRecord) error {
			resp, err := c.QueryWorkflow(ctx, chainID, run, model.QueryCopies, page)
			if err != nil {
				return err
			}
			return resp.Get(into)
		})
		if err != nil {
			return nil, err
		}
		runs = append(runs, recs)
	}
	return mergeRuns(runs), nil
}

// mergeRuns merges runs' records (newest run first) as ChainCopies describes.
func mergeRuns(runs [][]model.CopyRecord) []model.CopyRecord {
	byKey := map[string]*model.CopyRecord{}
	var order [][]*model.CopyRecord
	for _, recs := range runs {
		var fresh []*model.CopyRecord
		for i := range recs {
			r := recs[i]
			k := copyKey(r)
			if newer, ok := byKey[k]; ok {
				fillFrom(newer, r)
				continue
			}
			byKey[k] = &r
			fresh = append(fresh, &r)
		}
		order = append(order, fresh)
	}
	out := []model.CopyRecord{}
	for i := len(order) - 1; i >= 0; i-- {
		for _, r := range order[i] {
			out = append(out, *r)
		}
	}
	// Oldest first by when each copy was asked for (a record filled from an earlier run
	// takes its place there).
	sort.SliceStable(out, func(i, j int) bool { return out[i].RequestedAt.Before(out[j].RequestedAt) })
	return out
}

// fillFrom fills what a newer record of a copy does not know from an older one.
func fillFrom(newer *model.CopyRecord, older model.CopyRecord) {
	if newer.SourceRecoveryPointArn == "" {
		newer.SourceRecoveryPointArn = older.SourceRecoveryPointArn
	}
	if newer.CopyJobId == "" {
		newer.CopyJobId = older.CopyJobId
	}
	if newer.Kind == "" {
		newer.Kind = older.Kind
	}
	if newer.Attempts == 0 {
		newer.Attempts = older.Attempts
	}
	if newer.StartedAt.IsZero() {
		newer.StartedAt = older.StartedAt
	}
	if older.RequestedAt.Before(newer.RequestedAt) && !older.RequestedAt.IsZero() {
		newer.RequestedAt = older.RequestedAt
	}
}

// copyKey identifies one copy across runs: its destination recovery point once it has
// one, else its order (source point, job, time asked).
func copyKey(r model.CopyRecord) string {
	if r.DestinationRecoveryPointArn != "" {
		return r.DestinationRecoveryPointArn
	}
	return r.SourceRecoveryPointArn + "|" + r.CopyJobId + "|" + r.RequestedAt.String()
}
