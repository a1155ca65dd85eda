package worker

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

// TestListOpenChainsReadsTheChainsSearchAttributes starts executions on a task queue no
// worker polls, so they stay running with the search attributes they were started
// with: four open chains (one with every attribute the collector reads, others with
// some), a terminated chain and a request. One pass in pages of 2 must find the four
// open chains, read back what each set, and leave out the rest.
func TestListOpenChainsReadsTheChainsSearchAttributes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	srv := temporaltest.Start(t, model.SearchAttributes...)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	copied := time.Date(2026, 3, 1, 6, 30, 0, 0, time.UTC)
	start := func(id, workflowType string, attrs ...temporal.SearchAttributeUpdate) {
		t.Helper()
		_, err := srv.Client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: id, TaskQueue: "nobody-polls", TypedSearchAttributes: temporal.NewSearchAttributes(attrs...),
		}, workflowType)
		if err != nil {
			t.Fatal(err)
		}
	}
	start("chain-daily-eu", model.WorkflowCopyChain, model.PlanKey.ValueSet("daily"), model.DestinationRegionKey.ValueSet("eu-west-1"),
		model.RpoStateKey.ValueSet(model.RpoBreach), model.LastCopyAtKey.ValueSet(copied))
	start("chain-daily-usw2", model.WorkflowCopyChain, model.PlanKey.ValueSet("daily"), model.DestinationRegionKey.ValueSet("us-west-2"),
		model.RpoStateKey.ValueSet(model.RpoAtRisk))
	start("chain-on-demand-eu", model.WorkflowCopyChain, model.DestinationRegionKey.ValueSet("eu-west-1"),
		model.LastCopyAtKey.ValueSet(copied.Add(time.Hour)))
	start("chain-bare", model.WorkflowCopyChain)
	start("chain-ended", model.WorkflowCopyChain, model.DestinationRegionKey.ValueSet("sa-east-1"))
	start("request", model.WorkflowCopyRecoveryPoint, model.DestinationRegionKey.ValueSet("ca-central-1"))
	if err := srv.Client.TerminateWorkflow(ctx, "chain-ended", "", "test"); err != nil {
		t.Fatal(err)
	}

	want := []openChain{
		{},
		{DestinationRegion: "eu-west-1", LastCopyAt: copied.Add(time.Hour)},
		{Plan: "daily", DestinationRegion: "eu-west-1", RpoState: model.RpoBreach, LastCopyAt: copied},
		{Plan: "daily", DestinationRegion: "us-west-2", RpoState: model.RpoAtRisk},
	}
	var got []openChain
	var pages int
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		var err error
		got, pages, err = listOpenChains(ctx, srv.Client, 2)
		if err != nil {
			t.Fatal(err)
		}
		slices.SortFunc(got, func(a, b openChain) int {
			return strings.Compare(a.Plan+"/"+a.DestinationRegion, b.Plan+"/"+b.DestinationRegion)
		})
		if equalChains(got, want) || time.Now().After(deadline) {
			break
		}
	}
	if !equalChains(got, want) {
		t.Fatalf("open chains = %+v\nwant %+v", got, want)
	}
	if pages < 2 {
		t.Errorf("read %d pages of 2 for 4 chains", pages)
	}
}

func equalChains(a, b []openChain) bool {
	return slices.EqualFunc(a, b, func(x, y openChain) bool {
		return x.Plan == y.Plan && x.DestinationRegion == y.DestinationRegion && x.RpoState == y.RpoState && x.LastCopyAt.Equal(y.LastCopyAt)
	})
}
