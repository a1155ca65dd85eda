package temporalclient_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/temporalclient"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

func TestEnsureSearchAttributesIsIdempotentAndChecksTypes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	srv := temporaltest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	keys := []temporal.SearchAttributeKey{
		temporal.NewSearchAttributeKeyKeyword("SourceRegion"),
		temporal.NewSearchAttributeKeyTime("LastCopyAt"),
		temporal.NewSearchAttributeKeyInt64("CopyCount"),
	}
	for i := range 2 { // the second call finds everything in place
		if err := temporalclient.EnsureSearchAttributes(ctx, srv.Client, srv.Namespace, keys); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
		if i == 0 {
			assertUsable(ctx, t, srv.Client)
		}
	}
	resp, err := srv.Client.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: srv.Namespace})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if got, ok := resp.GetCustomAttributes()[k.GetName()]; !ok || got != k.GetValueType() {
			t.Errorf("%s: registered as %v (present %v), want %v", k.GetName(), got, ok, k.GetValueType())
		}
	}
	// An attribute that exists with another type cannot be fixed silently.
	err = temporalclient.EnsureSearchAttributes(ctx, srv.Client, srv.Namespace,
		[]temporal.SearchAttributeKey{temporal.NewSearchAttributeKeyInt64("SourceRegion")})
	if err == nil || !strings.Contains(err.Error(), "SourceRegion") || !strings.Contains(err.Error(), "wrong type") {
		t.Errorf("got %v, want an error naming SourceRegion's wrong type", err)
	}
}

// assertUsable starts a workflow that sets the attributes just created, at once: the
// server takes it (it keeps its search attribute cache, as production servers do, so
// this holds only because EnsureSearchAttributes waited until they are served).
func assertUsable(ctx context.Context, t *testing.T, c client.Client) {
	t.Helper()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: "search-attributes-usable", TaskQueue: "no-worker",
		TypedSearchAttributes: temporal.NewSearchAttributes(
			temporal.NewSearchAttributeKeyKeyword("SourceRegion").ValueSet("us-east-1"),
			temporal.NewSearchAttributeKeyTime("LastCopyAt").ValueSet(time.Unix(0, 0)),
			temporal.NewSearchAttributeKeyInt64("CopyCount").ValueSet(1)),
	}, "NoSuchWorkflow")
	if err != nil {
		t.Fatalf("a start setting the attributes just created: %v", err)
	}
	if err := c.TerminateWorkflow(ctx, run.GetID(), run.GetRunID(), "test"); err != nil {
		t.Fatal(err)
	}
}
