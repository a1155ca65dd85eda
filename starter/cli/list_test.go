package cli

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"go.temporal.io/sdk/temporal"
)

func TestVisibilityQuery(t *testing.T) {
	for _, tc := range []struct {
		f    listFilters
		want string
	}{
		{listFilters{}, `WorkflowType IN ("CopyRecoveryPoint", "CopyChain")`},
		{listFilters{Kind: "chain", DestinationRegion: "eu-west-1", State: "failed"},
			`WorkflowType = "CopyChain" AND DestinationRegion = "eu-west-1" AND CopyState = "FAILED"`},
		{listFilters{Kind: "chain", SourceRegion: "eu-west-1", DestinationAccount: "123456789012"},
			`WorkflowType = "CopyChain" AND SourceRegion = "eu-west-1" AND DestinationAccount = "123456789012"`},
		{listFilters{Kind: "requests", ResourceArn: `arn:aws:ec2:us-east-1:123456789012:volume/vol-1`, Status: "running"},
			`WorkflowType = "CopyRecoveryPoint" AND ResourceArn = "arn:aws:ec2:us-east-1:123456789012:volume/vol-1" AND ExecutionStatus = "Running"`},
		// A quote in a value stays inside the value.
		{listFilters{Kind: "all", Plan: `nightly" OR WorkflowType = "X`},
			`WorkflowType IN ("CopyRecoveryPoint", "CopyChain") AND Plan = "nightly\" OR WorkflowType = \"X"`},
		{listFilters{Kind: "chain", Status: "continuedasnew", Query: `NextExpiry < "2026-12-01T00:00:00Z"`},
			`WorkflowType = "CopyChain" AND ExecutionStatus = "ContinuedAsNew" AND (NextExpiry < "2026-12-01T00:00:00Z")`},
	} {
		got, err := tc.f.visibilityQuery()
		if err != nil || got != tc.want {
			t.Errorf("%+v:\n got %s (%v)\nwant %s", tc.f, got, err, tc.want)
		}
	}
	for _, bad := range []listFilters{{Kind: "planet"}, {Status: "Sleeping"}, {State: "BOGUS"}, {State: "RUNNING"}} {
		if _, err := bad.visibilityQuery(); ExitCode(err) != ExitUsage {
			t.Errorf("%+v: %v, want a usage error", bad, err)
		}
	}
	// Every state a chain or a request publishes is accepted, in any case.
	for _, s := range []string{"idle", "COPYING", "Failed", "VALIDATING", "REJECTED", "COMPLETED"} {
		if _, err := (listFilters{State: s}).visibilityQuery(); err != nil {
			t.Errorf("--state %s: %v", s, err)
		}
	}
}

func TestCopySummaryIsOneSentence(t *testing.T) {
	req, err := validCopyFlags().request("us-east-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "Copy recovery point snap-0123456789abcdef0 from us-east-1 vault Default to eu-west-1 (vault Default) and us-west-2 (vault Copies)"
	if got := copySummary(req); got != want {
		t.Errorf("summary %q\nwant    %q", got, want)
	}
	sa := copySearchAttributes(req)
	if v, ok := sa.GetKeyword(searchKeyword("SourceRegion")); !ok || v != "us-east-1" {
		t.Errorf("SourceRegion = %q, %v", v, ok)
	}
	// Two destination Regions: DestinationRegion would be ambiguous, so it is left to the
	// chains.
	if _, ok := sa.GetKeyword(searchKeyword("DestinationRegion")); ok {
		t.Error("DestinationRegion set for a request to two Regions")
	}
	// Both destination vaults are in one account: DestinationAccount is that account.
	if v, ok := sa.GetKeyword(searchKeyword("DestinationAccount")); !ok || v != "123456789012" {
		t.Errorf("DestinationAccount = %q, %v", v, ok)
	}
}

func searchKeyword(name string) temporal.SearchAttributeKeyKeyword {
	return temporal.NewSearchAttributeKeyKeyword(name)
}

// A request lists every destination whatever its state: the memo 'copy' sets names both
// Regions of a two-Region request, which the single-keyword search attributes cannot.
func TestListShowsEveryDestinationOfARequest(t *testing.T) {
	req, err := validCopyFlags().request("us-east-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	memo := copyMemo(req)
	if got := memo[memoDestinations]; !reflect.DeepEqual(got, []string{"eu-west-1/Default", "us-west-2/Copies"}) {
		t.Errorf("memo destinations %v", got)
	}
	for _, tc := range []struct {
		row  listedWorkflow
		want string
	}{
		{listedWorkflow{Type: "CopyRecoveryPoint", Destinations: []string{"eu-west-1/Default", "us-west-2/Copies"},
			SearchAttributes: map[string]any{"CopyState": "COMPLETED"}}, "eu-west-1/Default,us-west-2/Copies"},
		{listedWorkflow{Type: "CopyRecoveryPoint", Destinations: []string{"eu-west-1/Default", "us-west-2/Copies"},
			SearchAttributes: map[string]any{"CopyState": "REJECTED"}}, "eu-west-1/Default,us-west-2/Copies"},
		{listedWorkflow{Type: "CopyChain", SearchAttributes: map[string]any{"DestinationRegion": "eu-west-1", "DestinationVault": "Default"}}, "eu-west-1/Default"},
	} {
		var out bytes.Buffer
		printList(&App{Env: &Env{Stdout: &out}}, []listedWorkflow{tc.row})
		if !strings.Contains(out.String(), " "+tc.want+" ") {
			t.Errorf("%+v: DESTINATION is not %q:\n%s", tc.row, tc.want, out.String())
		}
	}
}
