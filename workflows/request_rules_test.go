package workflows

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

// lateRules are the rules of policy's example document following AWS's late-2025
// relaxations, encoded as a request carries them.
func lateRules(t *testing.T) []byte {
	t.Helper()
	f, err := os.Open("../policy/testdata/aws-late-2025.json")
	require.NoError(t, err)
	defer f.Close()
	r, err := policy.Load(f)
	require.NoError(t, err)
	return r.Encode()
}

// dynamoRequest points the harness's request at a DynamoDB recovery point, which the
// seed rules refuse to copy and the late-2025 rules allow.
func dynamoRequest(h *requestHarness) {
	arn := "arn:aws:backup:us-east-1:123456789012:recovery-point:1a2b3c4d-5678-90ab-cdef-1234567890ab"
	h.aws.points[arn] = model.RecoveryPoint{Region: srcRegion, BackupVaultName: srcVault, RecoveryPointArn: arn,
		ResourceArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders", ResourceType: "DynamoDB",
		Status: "COMPLETED", StorageClass: "WARM", CreationDate: t0}
	h.req.RecoveryPointArn = arn
	h.req.Destinations = h.req.Destinations[1:]
}

func rejection(t *testing.T, h *requestHarness) []policy.Violation {
	t.Helper()
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(h.env.GetWorkflowError(), &appErr), "got %v", h.env.GetWorkflowError())
	require.Equal(t, model.ErrRequestRejected, appErr.Type())
	var problems []policy.Violation
	require.NoError(t, appErr.Details(&problems))
	assert.Empty(t, h.aws.calls().enqueued, "nothing enqueued")
	return problems
}

// TestRequestChecksWithTheRulesInItsInput: the rules travel with the request, so a copy
// the operator's rules allow is accepted by the workflow and not only by the CLI.
func TestRequestChecksWithTheRulesInItsInput(t *testing.T) {
	h := newRequestHarness(t)
	dynamoRequest(h)
	h.req.Rules = lateRules(t)
	h.answer(time.Hour, dst2VaultArn, completed("arn:aws:backup:us-west-2:123456789012:recovery-point:copy-1", model.CopyFull), "")
	h.run()
	require.NoError(t, h.env.GetWorkflowError())
	enq := h.aws.calls().enqueued
	require.Len(t, enq, 1)
	assert.Equal(t, "DynamoDB", enq[0].Key.ResourceType)
	assert.JSONEq(t, string(h.req.Rules), string(enq[0].Order.Rules), "the order carries the request's rules to the chain")

	h = newRequestHarness(t)
	dynamoRequest(h)
	h.run()
	problems := rejection(t, h)
	require.Len(t, problems, 1, "%+v", problems)
	assert.Equal(t, policy.Violation{Field: "RecoveryPointArn", Rule: policy.RuleTypeNotCopyable,
		Message: "DynamoDB recovery points cannot be copied to another Region"}, problems[0], "without rules, the seed rules apply")
}

// TestRequestRejectsUnreadableRules: rules that do not read are named, and nothing else
// is checked or started.
func TestRequestRejectsUnreadableRules(t *testing.T) {
	h := newRequestHarness(t)
	h.req.Rules = []byte(`{"MaxRulesPerPlan": 0, "NotCopyableCrossRegion": ["Floppy"]}`)
	h.run()
	problems := rejection(t, h)
	require.Len(t, problems, 2, "%+v", problems)
	assert.Equal(t, "Rules.NotCopyableCrossRegion[0]", problems[0].Field)
	assert.Equal(t, "Rules.MaxRulesPerPlan", problems[1].Field)

	h = newRequestHarness(t)
	h.req.Rules = []byte(`{"MaxRulesPerPlans": 3}`)
	h.run()
	problems = rejection(t, h)
	require.Len(t, problems, 1, "%+v", problems)
	assert.Equal(t, "Rules", problems[0].Field)
	assert.Equal(t, policy.RuleRulesDocument, problems[0].Rule)
	assert.Contains(t, problems[0].Message, "MaxRulesPerPlans")
}

// TestRequestRefusesACrossAccountDestination: a chain is keyed by vault name and the
// worker manages copies in its own account, so a vault in another account than the IAM
// role's is refused with the request's fields, before anything starts, even when the
// vault exists.
func TestRequestRefusesACrossAccountDestination(t *testing.T) {
	const otherAccountVault = "arn:aws:backup:us-west-2:999999999999:backup-vault:dr2"
	h := newRequestHarness(t)
	h.aws.vaults[otherAccountVault] = model.BackupVault{Region: "us-west-2", BackupVaultName: "dr2", BackupVaultArn: otherAccountVault}
	h.req.Destinations[1].BackupVaultArn = otherAccountVault
	h.run()
	problems := rejection(t, h)
	require.Len(t, problems, 1, "%+v", problems)
	assert.Equal(t, "Destinations[1].BackupVaultArn", problems[0].Field)
	assert.Equal(t, policy.RuleUnsupported, problems[0].Rule)
	assert.Contains(t, problems[0].Message, "999999999999")
	assert.Contains(t, problems[0].Message, "123456789012")
	assert.Empty(t, h.aws.calls().starts)
}

// TestRequestRouteProblemsNameTheRequestsFields: a route problem names the request's own
// fields, Destinations[i].BackupVaultArn for the destination and SourceRegion (once) for
// the source, never policy's DestinationBackupVaultArn or Destinations[i].SourceRegion.
func TestRequestRouteProblemsNameTheRequestsFields(t *testing.T) {
	h := newRequestHarness(t)
	h.req.Destinations[1].BackupVaultArn = "arn:aws:backup:ap-east-1:123456789012:backup-vault:hk"
	h.run()
	problems := rejection(t, h)
	require.Len(t, problems, 1, "%+v", problems)
	assert.Equal(t, "Destinations[1].BackupVaultArn", problems[0].Field)
	assert.Equal(t, policy.RuleRegionWithoutCopy, problems[0].Rule)

	h = newRequestHarness(t)
	h.req.SourceRegion = "us-east-x"
	h.run()
	var fields []string
	for _, p := range rejection(t, h) {
		fields = append(fields, p.Field+" "+p.Rule)
	}
	assert.Equal(t, []string{"SourceRegion " + policy.RuleRegionSyntax}, fields)

	h = newRequestHarness(t)
	relaxed := policy.Default()
	relaxed.RegionsWithoutCrossRegionCopy = []string{srcRegion}
	h.req.Rules = relaxed.Encode()
	h.run()
	fields = nil
	for _, p := range rejection(t, h) {
		fields = append(fields, p.Field+" "+p.Rule)
	}
	assert.Equal(t, []string{"SourceRegion " + policy.RuleRegionWithoutCopy}, fields, "named once for both destinations")
}
