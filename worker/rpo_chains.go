package worker

import (
	"context"
	"fmt"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/regioncopy/regioncopy/model"
)

// openChainsQuery selects the running chains in the visibility store.
var openChainsQuery = fmt.Sprintf(`WorkflowType = %q AND ExecutionStatus = "Running"`, model.WorkflowCopyChain)

// openChainsPageSize is the largest page Temporal's visibility API answers by default
// (frontend.visibilityMaxPageSize), so 3,000 chains take three calls.
const openChainsPageSize = 1000

// listOpenChains is the RPO collector's only conversation with Temporal: one pass over
// the open chains in pages of pageSize, keeping four search attributes of each. It
// answers the chains and the number of pages it read.
func listOpenChains(ctx context.Context, c client.Client, pageSize int32) ([]openChain, int, error) {
	var chains []openChain
	var token []byte
	for pages := 1; ; pages++ {
		resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			PageSize: pageSize, NextPageToken: token, Query: openChainsQuery,
		})
		if err != nil {
			return nil, pages, fmt.Errorf("list open chains (%s): %w", openChainsQuery, err)
		}
		for _, e := range resp.GetExecutions() {
			chains = append(chains, openChainOf(e.GetSearchAttributes().GetIndexedFields()))
		}
		token = resp.GetNextPageToken()
		if len(token) == 0 {
			return chains, pages, nil
		}
	}
}

// openChainOf reads a chain's attributes; one missing or unreadable stays empty, which
// the summary reads as "not set".
func openChainOf(fields map[string]*commonpb.Payload) openChain {
	var c openChain
	decode(fields, model.PlanKey.GetName(), &c.Plan)
	decode(fields, model.DestinationRegionKey.GetName(), &c.DestinationRegion)
	decode(fields, model.RpoStateKey.GetName(), &c.RpoState)
	var at time.Time
	if decode(fields, model.LastCopyAtKey.GetName(), &at) {
		c.LastCopyAt = at
	}
	return c
}

func decode(fields map[string]*commonpb.Payload, name string, into any) bool {
	p, ok := fields[name]
	if !ok || p == nil {
		return false
	}
	return converter.GetDefaultDataConverter().FromPayload(p, into) == nil
}
