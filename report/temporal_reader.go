package report

import (
	"context"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/schedules"
	"github.com/regioncopy/regioncopy/temporalclient"
)

// recordRuns is how many of a chain's latest runs a cross-check reads: each holds at
// most 30 records whole (docs/design.md, invariant 8), so 300 copies back.
const recordRuns = 10

// TemporalReader reads plans, chains and records from a Temporal namespace.
type TemporalReader struct{ Client client.Client }

func (r TemporalReader) PlanRules(ctx context.Context) ([]model.PlanRunInput, error) {
	return schedules.NewManager(r.Client, schedules.Options{}).AppliedRules(ctx)
}

// Chains lists every CopyChain workflow through visibility, one entry per chain (its
// newest run), with the search attributes its latest run published. Runs that continued
// as new are left out: a chain keeps one open run, and a chain continues as new every 30
// copies, so its closed runs would outnumber the chains many times over.
func (r TemporalReader) Chains(ctx context.Context) ([]Chain, error) {
	query := fmt.Sprintf("WorkflowType = %q AND ExecutionStatus != %q", model.WorkflowCopyChain, "ContinuedAsNew")
	seen := map[string]bool{}
	var out []Chain
	var token []byte
	for {
		resp, err := r.Client.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, PageSize: 1000, NextPageToken: token})
		if err != nil {
			return nil, fmt.Errorf("list chains (%s): %w", query, err)
		}
		for _, e := range resp.GetExecutions() {
			id := e.GetExecution().GetWorkflowId()
			if seen[id] {
				continue
			}
			seen[id] = true
			if c, ok := chainOf(id, e.GetSearchAttributes()); ok {
				out = append(out, c)
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return out, nil
		}
	}
}

// chainOf reads a chain's search attributes; ok is false for a chain that has not
// published its key yet (its first workflow task has not run).
func chainOf(id string, sa *commonpb.SearchAttributes) (Chain, bool) {
	f := sa.GetIndexedFields()
	str := func(name string) string {
		var s string
		if p, ok := f[name]; ok {
			_ = converter.GetDefaultDataConverter().FromPayload(p, &s)
		}
		return s
	}
	tm := func(name string) time.Time {
		var t time.Time
		if p, ok := f[name]; ok {
			_ = converter.GetDefaultDataConverter().FromPayload(p, &t)
		}
		return t.UTC()
	}
	var count int64
	if p, ok := f["CopyCount"]; ok {
		_ = converter.GetDefaultDataConverter().FromPayload(p, &count)
	}
	c := Chain{
		WorkflowId:   id,
		ResourceArn:  str("ResourceArn"),
		ResourceType: str("ResourceType"),
		SourceRegion: str("SourceRegion"),
		Plan:         str("Plan"),
		LastCopyAt:   tm("LastCopyAt"),
		CopyCount:    count,
		NextExpiry:   tm("NextExpiry"),
	}
	region, account, vault := str("DestinationRegion"), str("DestinationAccount"), str("DestinationVault")
	if c.ResourceArn == "" || c.SourceRegion == "" || region == "" || account == "" || vault == "" {
		return c, false
	}
	c.DestinationVaultArn = fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:%s", region, account, vault)
	return c, true
}

// recordsTimeout bounds reading one chain's records: its copies queries need a worker,
// and a report without one says so on the chain's row instead of waiting forever.
const recordsTimeout = 30 * time.Second

func (r TemporalReader) ChainRecords(ctx context.Context, chainID string) ([]model.CopyRecord, error) {
	ctx, cancel := context.WithTimeout(ctx, recordsTimeout)
	defer cancel()
	runs, err := temporalclient.ChainRuns(ctx, r.Client, chainID, recordRuns)
	if err != nil {
		return nil, err
	}
	return temporalclient.ChainCopies(ctx, r.Client, chainID, runs)
}
