package activities

import (
	"context"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

// chainsOnDevServer starts the real dev server (not with -short) and an activity
// environment running Chains' activities against it, with no worker: the workflows they
// start or signal only need to exist.
func chainsOnDevServer(t *testing.T) (*temporaltest.Server, context.Context, *testsuite.TestActivityEnvironment) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	srv := temporaltest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	chains := &Chains{Client: srv.Client}
	env.RegisterActivityWithOptions(chains.EnqueueCopy, activity.RegisterOptions{Name: model.ActEnqueueCopy})
	env.RegisterActivityWithOptions(chains.AnswerRequester, activity.RegisterOptions{Name: model.ActAnswerRequester})
	return srv, ctx, env
}

// TestEnqueueCopyStartsOneChainAndSignalsIt runs EnqueueCopy twice against the real dev
// server (no worker: the chain only needs to exist and hold the signals) and checks the
// chain's id, type, start argument, search attributes, summary and both signals.
func TestEnqueueCopyStartsOneChainAndSignalsIt(t *testing.T) {
	srv, ctx, env := chainsOnDevServer(t)
	if err := temporalclient.EnsureSearchAttributes(ctx, srv.Client, srv.Namespace, model.SearchAttributes); err != nil {
		t.Fatal(err)
	}

	key := model.ChainKey{
		ResourceArn: volume, ResourceType: "EBS", SourceRegion: east,
		DestinationRegion: west, DestinationBackupVaultArn: vaultArn(west, dstVault),
	}
	var outs []model.EnqueueCopyOutput
	for _, point := range []string{"arn:aws:ec2:us-east-1::snapshot/snap-1", "arn:aws:ec2:us-east-1::snapshot/snap-2"} {
		val, err := env.ExecuteActivity(model.ActEnqueueCopy, model.EnqueueCopyInput{
			Key: key, TaskQueue: "chains-test", TimeScale: 60,
			Order: model.CopyOrder{SourceRecoveryPointArn: point, SourceBackupVaultName: srcVault, IamRoleArn: role},
		})
		if err != nil {
			t.Fatal(err)
		}
		var out model.EnqueueCopyOutput
		if err := val.Get(&out); err != nil {
			t.Fatal(err)
		}
		outs = append(outs, out)
	}
	wantID := "chain/" + volume + "/from/us-east-1/to/" + account + "/eu-west-1/dst"
	if outs[0].ChainWorkflowId != wantID || outs[1] != outs[0] || outs[0].RunId == "" {
		t.Fatalf("enqueue answers %+v, want one run of %s", outs, wantID)
	}

	desc, err := srv.Client.DescribeWorkflow(ctx, wantID, "")
	if err != nil {
		t.Fatal(err)
	}
	if desc.WorkflowType.Name != model.WorkflowCopyChain || desc.TaskQueueName != "chains-test" {
		t.Errorf("chain type %q on queue %q", desc.WorkflowType.Name, desc.TaskQueueName)
	}
	sa := desc.TypedSearchAttributes
	checks := []struct {
		name, got, want string
	}{
		{"ResourceArn", valueOf(sa.GetKeyword(model.ResourceArnKey)), volume},
		{"ResourceType", valueOf(sa.GetKeyword(model.ResourceTypeKey)), "EBS"},
		{"SourceRegion", valueOf(sa.GetKeyword(model.SourceRegionKey)), east},
		{"DestinationRegion", valueOf(sa.GetKeyword(model.DestinationRegionKey)), west},
		{"DestinationAccount", valueOf(sa.GetKeyword(model.DestinationAccountKey)), account},
		{"DestinationVault", valueOf(sa.GetKeyword(model.DestinationVaultKey)), dstVault},
		{"CopyState", valueOf(sa.GetKeyword(model.CopyStateKey)), model.ChainCopying},
		{"RpoState", valueOf(sa.GetKeyword(model.RpoStateKey)), model.RpoNone},
		{"Plan", valueOf(sa.GetKeyword(model.PlanKey)), "<unset>"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("search attribute %s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if summary, err := desc.GetStaticSummary(); err != nil || summary != ChainSummary(key) {
		t.Errorf("StaticSummary %q (%v), want %q", summary, err, ChainSummary(key))
	}

	var start model.ChainStart
	var signals []model.CopyOrder
	for _, ev := range temporaltest.History(t, ctx, srv.Client, wantID).Events {
		switch ev.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
			payloads := ev.GetWorkflowExecutionStartedEventAttributes().GetInput()
			if err := converter.GetDefaultDataConverter().FromPayloads(payloads, &start); err != nil {
				t.Fatal(err)
			}
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			attrs := ev.GetWorkflowExecutionSignaledEventAttributes()
			var order model.CopyOrder
			if err := converter.GetDefaultDataConverter().FromPayloads(attrs.GetInput(), &order); err != nil {
				t.Fatal(err)
			}
			if attrs.GetSignalName() != model.SignalCopy {
				t.Errorf("signal %q, want %q", attrs.GetSignalName(), model.SignalCopy)
			}
			signals = append(signals, order)
		}
	}
	if start.Key != key || start.TimeScale != 60 || start.TaskQueue != "chains-test" {
		t.Errorf("chain started with %+v", start)
	}
	if len(signals) != 2 || signals[1].SourceRecoveryPointArn != "arn:aws:ec2:us-east-1::snapshot/snap-2" {
		t.Errorf("chain received %+v, want both orders in order", signals)
	}
}

func valueOf(s string, ok bool) string {
	if !ok {
		return "<unset>"
	}
	return s
}

// TestEnqueueCopyWithoutSearchAttributesFailsClearly: a namespace lacking the search
// attributes refuses the start; retrying cannot help, so the error is final and names
// the attribute.
func TestEnqueueCopyWithoutSearchAttributesFailsClearly(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	srv := temporaltest.Start(t)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivityWithOptions((&Chains{Client: srv.Client}).EnqueueCopy, activity.RegisterOptions{Name: model.ActEnqueueCopy})
	_, err := env.ExecuteActivity(model.ActEnqueueCopy, model.EnqueueCopyInput{
		Key: model.ChainKey{ResourceArn: volume, ResourceType: "EBS", SourceRegion: east, DestinationRegion: west,
			DestinationBackupVaultArn: vaultArn(west, dstVault)},
		Order: model.CopyOrder{SourceRecoveryPointArn: "arn:aws:ec2:us-east-1::snapshot/snap-1"},
	})
	wantAppError(t, err, model.ErrInvalidParameter, false, "signal-with-start of chain chain/", "no mapping defined for search attribute", "regioncopy setup")
}

// enqueueWithoutServer is an activity environment running EnqueueCopy with no Temporal
// client, for orders refused before any chain is reached, and a chain key from the
// source Region to a vault in the destination Region.
func enqueueWithoutServer() (*testsuite.TestActivityEnvironment, model.ChainKey) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivityWithOptions((&Chains{}).EnqueueCopy, activity.RegisterOptions{Name: model.ActEnqueueCopy})
	return env, model.ChainKey{ResourceArn: volume, ResourceType: "EBS", SourceRegion: east, DestinationRegion: west,
		DestinationBackupVaultArn: vaultArn(west, dstVault)}
}

// An order whose recovery point is not in the chain's source Region (a copy of a copy
// handed to the chain of its resource's Region), or a key whose Region disagrees with
// its vault, is refused before any chain is started or signaled: that chain would call
// StartCopyJob in the wrong Region.
func TestEnqueueCopyRefusesAnOrderTheChainCannotCopy(t *testing.T) {
	env, key := enqueueWithoutServer()
	copyInWest := model.CopyOrder{SourceRecoveryPointArn: "arn:aws:ec2:eu-west-1::snapshot/snap-1", SourceBackupVaultName: srcVault}
	_, err := env.ExecuteActivity(model.ActEnqueueCopy, model.EnqueueCopyInput{Key: key, Order: copyInWest})
	wantAppError(t, err, model.ErrInvalidParameter, false, "Order.SourceRecoveryPointArn", `"eu-west-1"`, "source Region us-east-1")

	wrongRegion := key
	wrongRegion.DestinationRegion = "us-west-2"
	_, err = env.ExecuteActivity(model.ActEnqueueCopy, model.EnqueueCopyInput{Key: wrongRegion,
		Order: model.CopyOrder{SourceRecoveryPointArn: "arn:aws:ec2:us-east-1::snapshot/snap-1"}})
	wantAppError(t, err, model.ErrInvalidParameter, false, "Key.DestinationRegion", "us-west-2", `"eu-west-1"`)
}

// An RPO expectation needs no recovery point, but must name its plan and a positive RPO;
// an order with neither a recovery point nor ExpectedAt still names the missing field.
// Each is refused before any chain is started or signaled.
func TestEnqueueCopyChecksAnRpoExpectation(t *testing.T) {
	env, key := enqueueWithoutServer()
	nominal := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)

	_, err := env.ExecuteActivity(model.ActEnqueueCopy, model.EnqueueCopyInput{Key: key, Order: model.ExpectationOrder("daily", 0, nominal)})
	wantAppError(t, err, model.ErrInvalidParameter, false, "Order.RpoMinutes", "must be positive")
	_, err = env.ExecuteActivity(model.ActEnqueueCopy, model.EnqueueCopyInput{Key: key, Order: model.ExpectationOrder("", 60, nominal)})
	wantAppError(t, err, model.ErrInvalidParameter, false, "Order.Plan")
	_, err = env.ExecuteActivity(model.ActEnqueueCopy, model.EnqueueCopyInput{Key: key, Order: model.CopyOrder{Plan: "daily", RpoMinutes: 60}})
	wantAppError(t, err, model.ErrInvalidParameter, false, "Order.SourceRecoveryPointArn")
}

// TestChainStartSearchAttributes: a new chain starts showing what its first order makes
// it: COPYING for a copy, IDLE for an RPO expectation, the order's plan, and NO_RPO only
// when the order has no RPO (the chain works out an RPO's state on AWS's clock).
func TestChainStartSearchAttributes(t *testing.T) {
	key := model.ChainKey{ResourceArn: volume, SourceRegion: east, DestinationRegion: west, DestinationBackupVaultArn: vaultArn(west, dstVault)}
	copyOrder := model.CopyOrder{SourceRecoveryPointArn: "arn:aws:ec2:us-east-1::snapshot/snap-1"}
	planOrder := copyOrder
	planOrder.Plan, planOrder.RpoMinutes = "compliance", 60
	for _, tc := range []struct {
		name             string
		order            model.CopyOrder
		state, plan, rpo string
	}{
		{"on-demand copy", copyOrder, model.ChainCopying, "<unset>", model.RpoNone},
		{"plan copy with an RPO", planOrder, model.ChainCopying, "compliance", "<unset>"},
		{"RPO expectation", model.ExpectationOrder("compliance", 60, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), model.ChainIdle, "compliance", "<unset>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sa := ChainStartSearchAttributes(key, tc.order)
			if got := valueOf(sa.GetKeyword(model.CopyStateKey)); got != tc.state {
				t.Errorf("CopyState %q, want %q", got, tc.state)
			}
			if got := valueOf(sa.GetKeyword(model.PlanKey)); got != tc.plan {
				t.Errorf("Plan %q, want %q", got, tc.plan)
			}
			if got := valueOf(sa.GetKeyword(model.RpoStateKey)); got != tc.rpo {
				t.Errorf("RpoState %q, want %q", got, tc.rpo)
			}
			if got := valueOf(sa.GetKeyword(model.ResourceTypeKey)); got != "<unset>" {
				t.Errorf("ResourceType %q for a key without one", got)
			}
		})
	}
}
