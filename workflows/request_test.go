package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

// requestHarness runs one CopyRecoveryPoint in the SDK testsuite: fakeAWS answers the
// checks and records EnqueueCopy calls; the test plays the chains by signalling results.
type requestHarness struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment
	aws *fakeAWS
	req model.CopyRequest
	id  string
}

func newRequestHarness(t *testing.T) *requestHarness {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(t0)
	Register(env)
	h := &requestHarness{t: t, env: env, aws: newFakeAWS()}
	h.aws.install(env)
	src := h.aws.addSource(1, t0.Add(-time.Hour))
	h.req = model.CopyRequest{
		SourceRegion: srcRegion, RecoveryPointArn: src, SourceBackupVaultName: srcVault, IamRoleArn: roleArn,
		Destinations: []model.Destination{
			{BackupVaultArn: dstVaultArn, Lifecycle: model.Lifecycle{DeleteAfterDays: 35}},
			{BackupVaultArn: dst2VaultArn},
		},
		Plan: "daily",
	}
	return h
}

func (h *requestHarness) run() {
	h.id = RequestWorkflowID(h.req)
	h.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: h.id, TaskQueue: model.DefaultTaskQueue})
	h.env.ExecuteWorkflow(model.WorkflowCopyRecoveryPoint, h.req)
	require.True(h.t, h.env.IsWorkflowCompleted())
}

// answer makes the chain of vault signal result at simulated time at.
func (h *requestHarness) answer(at time.Duration, vault string, rec *model.CopyRecord, errMsg string) {
	h.env.RegisterDelayedCallback(func() {
		h.env.SignalWorkflow(model.SignalCopyResult, model.DestinationResult{
			Destination: model.Destination{BackupVaultArn: vault}, ChainWorkflowId: "chain-of-" + vault,
			Record: rec, Error: errMsg,
		})
	}, at)
}

func completed(dest string, kind model.CopyKind) *model.CopyRecord {
	return &model.CopyRecord{State: model.JobCompleted, Kind: kind, DestinationRecoveryPointArn: dest, BackupSizeInBytes: 42}
}

func TestRequestEnqueuesEveryDestinationAndCollectsResults(t *testing.T) {
	h := newRequestHarness(t)
	h.answer(2*time.Hour, dst2VaultArn, completed("arn:aws:ec2:us-west-2::snapshot/snap-0000000000000000b", model.CopyFull), "")
	h.answer(3*time.Hour, dstVaultArn, completed("arn:aws:ec2:eu-west-1::snapshot/snap-0000000000000000a", model.CopyIncremental), "")
	var during model.RequestStatus
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(model.QueryStatus)
		require.NoError(t, err)
		require.NoError(t, v.Get(&during))
	}, 150*time.Minute)
	h.run()

	require.NoError(t, h.env.GetWorkflowError())
	var res model.CopyRequestResult
	require.NoError(t, h.env.GetWorkflowResult(&res))
	assert.Equal(t, h.req.RecoveryPointArn, res.RecoveryPoint.RecoveryPointArn)
	require.Len(t, res.Results, 2)
	assert.Equal(t, dstVaultArn, res.Results[0].Destination.BackupVaultArn, "results in the request's order")
	assert.Equal(t, int64(35), res.Results[0].Destination.Lifecycle.DeleteAfterDays)
	assert.Equal(t, model.CopyIncremental, res.Results[0].Record.Kind)
	assert.Equal(t, dst2VaultArn, res.Results[1].Destination.BackupVaultArn)

	enq := h.aws.calls().enqueued
	require.Len(t, enq, 2)
	// Both orders are handed over at once, so they may arrive in either order.
	byVault := map[string]model.EnqueueCopyInput{}
	for _, e := range enq {
		byVault[e.Key.DestinationBackupVaultArn] = e
	}
	for _, d := range h.req.Destinations {
		e, ok := byVault[d.BackupVaultArn]
		require.True(t, ok, "no order for %s", d.BackupVaultArn)
		assert.Equal(t, model.ChainKey{ResourceArn: volumeArn, ResourceType: "EBS", SourceRegion: srcRegion,
			DestinationRegion: model.RegionFromArn(d.BackupVaultArn), DestinationBackupVaultArn: d.BackupVaultArn}, e.Key)
		assert.Equal(t, h.id, e.Order.RequesterWorkflowId)
		assert.Equal(t, h.req.RecoveryPointArn, e.Order.SourceRecoveryPointArn)
		assert.Equal(t, t0.Add(-time.Hour), e.Order.SourceCreationDate)
		assert.Equal(t, d.Lifecycle, e.Order.Lifecycle)
		assert.Equal(t, "daily", e.Order.Plan)
		assert.Equal(t, roleArn, e.Order.IamRoleArn)
		assert.Equal(t, model.DefaultTaskQueue, e.TaskQueue)
	}
	assert.Empty(t, h.aws.calls().starts, "the request never starts copy jobs itself")

	assert.Equal(t, model.RequestCopying, during.State)
	require.Len(t, during.Destinations, 2)
	assert.Nil(t, during.Destinations[0].Result)
	require.NotNil(t, during.Destinations[1].Result)
	assert.Equal(t, model.ChainWorkflowID(byVault[dstVaultArn].Key), during.Destinations[0].ChainWorkflowId)
}

func TestRequestFailsWhenADestinationFails(t *testing.T) {
	h := newRequestHarness(t)
	h.answer(time.Hour, dstVaultArn, completed("arn:aws:ec2:eu-west-1::snapshot/snap-0000000000000000a", model.CopyFull), "")
	h.answer(time.Hour, dst2VaultArn, &model.CopyRecord{State: model.JobFailed}, "copy job job-7 ended FAILED after 3 attempts: KMS key not accessible")
	h.run()

	err := h.env.GetWorkflowError()
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "got %v", err)
	assert.Equal(t, model.ErrCopyFailed, appErr.Type())
	assert.True(t, appErr.NonRetryable())
	assert.Contains(t, appErr.Error(), "KMS key not accessible")
	assert.Contains(t, appErr.Error(), "1 of 2 copies failed")
	var res model.CopyRequestResult
	require.NoError(t, appErr.Details(&res))
	require.Len(t, res.Results, 2)
	assert.Empty(t, res.Results[0].Error)
	assert.Contains(t, res.Results[1].Error, "KMS")
}

func TestRequestRejectsBeforeStartingAnything(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(h *requestHarness)
		field string
		rule  string
	}{
		{"DynamoDB", func(h *requestHarness) {
			arn := "arn:aws:backup:us-east-1:123456789012:recovery-point:1a2b3c4d-5678-90ab-cdef-1234567890ab"
			h.aws.points[arn] = model.RecoveryPoint{Region: srcRegion, BackupVaultName: srcVault, RecoveryPointArn: arn,
				ResourceArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders", ResourceType: "DynamoDB",
				Status: "COMPLETED", StorageClass: "WARM", CreationDate: t0}
			h.req.RecoveryPointArn = arn
		}, "RecoveryPointArn", policy.RuleTypeNotCopyable},
		{"blocked Region", func(h *requestHarness) {
			h.req.Destinations[1].BackupVaultArn = "arn:aws:backup:ap-east-1:123456789012:backup-vault:hk"
		}, "Destinations[1].BackupVaultArn", policy.RuleRegionWithoutCopy},
		{"same Region", func(h *requestHarness) {
			h.req.Destinations[1].BackupVaultArn = srcVaultArn
		}, "Destinations[1].BackupVaultArn", policy.RuleSameRegion},
		{"bad lifecycle arithmetic", func(h *requestHarness) {
			h.req.Destinations[0].Lifecycle = model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 60}
		}, "Destinations[0].Lifecycle.DeleteAfterDays", policy.RuleMinDaysInColdStorage},
		{"cold storage for EBS", func(h *requestHarness) {
			h.req.Destinations[0].Lifecycle = model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 200}
		}, "Destinations[0].Lifecycle.MoveToColdStorageAfterDays", policy.RuleColdStorageUnsupported},
		{"missing vault", func(h *requestHarness) {
			h.req.Destinations[1].BackupVaultArn = "arn:aws:backup:us-west-2:123456789012:backup-vault:nope"
		}, "Destinations[1].BackupVaultArn", RuleVaultNotFound},
		{"malformed ARN", func(h *requestHarness) {
			h.req.RecoveryPointArn = "snap-123"
		}, "RecoveryPointArn", policy.RuleARNSyntax},
		{"missing recovery point", func(h *requestHarness) {
			h.req.RecoveryPointArn = snapshotArn(99)
		}, "RecoveryPointArn", RuleRecoveryPointNotFound},
		{"missing source vault", func(h *requestHarness) {
			h.req.SourceBackupVaultName = "no-such-vault"
		}, "SourceBackupVaultName", RuleVaultNotFound},
		{"recovery point not completed", func(h *requestHarness) {
			rp := h.aws.points[h.req.RecoveryPointArn]
			rp.Status = "CREATING"
			h.aws.points[rp.RecoveryPointArn] = rp
		}, "RecoveryPointArn", RuleRecoveryPointNotCompleted},
		{"cold recovery point", func(h *requestHarness) {
			rp := h.aws.points[h.req.RecoveryPointArn]
			rp.StorageClass = "COLD"
			h.aws.points[rp.RecoveryPointArn] = rp
		}, "RecoveryPointArn", RuleRecoveryPointCold},
		{"no destinations", func(h *requestHarness) { h.req.Destinations = nil }, "Destinations", policy.RuleRequired},
		{"duplicate destination", func(h *requestHarness) {
			h.req.Destinations[1].BackupVaultArn = dstVaultArn
		}, "Destinations[1].BackupVaultArn", policy.RuleDuplicateDestination},
		{"missing role", func(h *requestHarness) { h.req.IamRoleArn = "" }, "IamRoleArn", policy.RuleRequired},
		{"recovery point in another Region", func(h *requestHarness) { h.req.SourceRegion = "us-east-2" },
			"RecoveryPointArn", policy.RuleRegionMismatch},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newRequestHarness(t)
			tc.edit(h)
			h.run()

			err := h.env.GetWorkflowError()
			var appErr *temporal.ApplicationError
			require.True(t, errors.As(err, &appErr), "got %v", err)
			assert.Equal(t, model.ErrRequestRejected, appErr.Type())
			assert.True(t, appErr.NonRetryable())
			assert.Contains(t, appErr.Error(), "nothing was started")
			var problems []policy.Violation
			require.NoError(t, appErr.Details(&problems))
			found := false
			for _, p := range problems {
				if p.Field == tc.field && p.Rule == tc.rule {
					found = true
				}
			}
			assert.True(t, found, "want %s (rule %s) in %+v", tc.field, tc.rule, problems)
			assert.Contains(t, appErr.Error(), tc.field)
			assert.Empty(t, h.aws.calls().enqueued, "nothing enqueued")
			assert.Empty(t, h.aws.calls().starts, "no copy job")

			v, qerr := h.env.QueryWorkflow(model.QueryStatus)
			require.NoError(t, qerr)
			var st model.RequestStatus
			require.NoError(t, v.Get(&st))
			assert.Equal(t, model.RequestRejected, st.State)
			assert.NotEmpty(t, st.Problems)
		})
	}
}

// TestRequestNamesTheRightFieldOfAMissingPoint: a missing source vault is blamed on
// SourceBackupVaultName alone, and a point missing from an existing vault names the
// point, the vault and its Region.
func TestRequestNamesTheRightFieldOfAMissingPoint(t *testing.T) {
	problemsOf := func(h *requestHarness) []policy.Violation {
		var appErr *temporal.ApplicationError
		require.True(t, errors.As(h.env.GetWorkflowError(), &appErr), "got %v", h.env.GetWorkflowError())
		var problems []policy.Violation
		require.NoError(t, appErr.Details(&problems))
		return problems
	}

	h := newRequestHarness(t)
	h.req.SourceBackupVaultName = "no-such-vault"
	h.run()
	problems := problemsOf(h)
	require.Len(t, problems, 1, "the missing vault explains the missing point: %+v", problems)
	assert.Equal(t, "SourceBackupVaultName", problems[0].Field)
	assert.Equal(t, RuleVaultNotFound, problems[0].Rule)
	assert.Contains(t, problems[0].Message, `"no-such-vault" not found in us-east-1`)

	h = newRequestHarness(t)
	h.req.RecoveryPointArn = snapshotArn(99)
	h.run()
	problems = problemsOf(h)
	require.Len(t, problems, 1, "%+v", problems)
	assert.Equal(t, "RecoveryPointArn", problems[0].Field)
	assert.Equal(t, RuleRecoveryPointNotFound, problems[0].Rule)
	assert.Contains(t, problems[0].Message, snapshotArn(99)+` not found in vault "primary" in us-east-1`)
	assert.Contains(t, problems[0].Message, "SourceBackupVaultName")
}

// TestRequestNamesTheRecoveryPointForAnUncopyableType: the resource type belongs to the
// recovery point, so the rule is named once, on RecoveryPointArn, not per destination.
func TestRequestNamesTheRecoveryPointForAnUncopyableType(t *testing.T) {
	h := newRequestHarness(t)
	arn := "arn:aws:backup:us-east-1:123456789012:recovery-point:1a2b3c4d-5678-90ab-cdef-1234567890ab"
	h.aws.points[arn] = model.RecoveryPoint{Region: srcRegion, BackupVaultName: srcVault, RecoveryPointArn: arn,
		ResourceArn: "arn:aws:dynamodb:us-east-1:123456789012:table/orders", ResourceType: "DynamoDB",
		Status: "COMPLETED", StorageClass: "WARM", CreationDate: t0}
	h.req.RecoveryPointArn = arn
	h.run()
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(h.env.GetWorkflowError(), &appErr))
	var problems []policy.Violation
	require.NoError(t, appErr.Details(&problems))
	var typeProblems []policy.Violation
	for _, p := range problems {
		assert.NotContains(t, p.Field, "ResourceType", "no such request field: %+v", p)
		if p.Rule == policy.RuleTypeNotCopyable {
			typeProblems = append(typeProblems, p)
		}
	}
	require.Len(t, typeProblems, 1, "once, not once per destination: %+v", problems)
	assert.Equal(t, "RecoveryPointArn", typeProblems[0].Field)
	assert.Contains(t, appErr.Error(), "rule "+policy.RuleTypeNotCopyable)
}

func TestRequestListsEveryProblemAtOnce(t *testing.T) {
	h := newRequestHarness(t)
	h.req.Destinations[0].Lifecycle = model.Lifecycle{DeleteAfterDays: -5}
	h.req.Destinations[1].BackupVaultArn = "arn:aws:backup:us-west-2:123456789012:backup-vault:nope"
	h.req.IamRoleArn = "role/backup"
	h.run()
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(h.env.GetWorkflowError(), &appErr))
	var problems []policy.Violation
	require.NoError(t, appErr.Details(&problems))
	fields := map[string]bool{}
	for _, p := range problems {
		fields[p.Field] = true
	}
	// The field checks fail first (no AWS call is made with malformed input); both are listed.
	assert.True(t, fields["Destinations[0].Lifecycle.DeleteAfterDays"], "%+v", problems)
	assert.True(t, fields["IamRoleArn"], "%+v", problems)
}

func TestRequestWorkflowIDIsStable(t *testing.T) {
	a := model.CopyRequest{SourceRegion: srcRegion, RecoveryPointArn: snapshotArn(1), SourceBackupVaultName: srcVault,
		IamRoleArn: roleArn, Destinations: []model.Destination{
			{BackupVaultArn: dstVaultArn, Lifecycle: model.Lifecycle{DeleteAfterDays: 30}}, {BackupVaultArn: dst2VaultArn}}}
	b := a
	b.Destinations = []model.Destination{{BackupVaultArn: dst2VaultArn}, {BackupVaultArn: dstVaultArn, Lifecycle: model.Lifecycle{DeleteAfterDays: 30}}}
	b.CompletionWindow = DefaultCompletionWindow
	b.TimeScale = 60
	assert.Equal(t, RequestWorkflowID(a), RequestWorkflowID(b),
		"same content: destinations in any order, the default window implicit or explicit, any time scale")
	assert.Regexp(t, `^copy/arn:aws:ec2:us-east-1::snapshot/snap-0+1/[0-9a-f]{12}$`, RequestWorkflowID(a))
	assert.Len(t, a.Destinations, 2, "computing the id leaves the request alone")
	assert.Equal(t, dstVaultArn, a.Destinations[0].BackupVaultArn, "computing the id leaves the request's order alone")
}

// TestRequestWorkflowIDStaysShortForLongArns: the recovery point of a DynamoDB table
// with a 255-character name makes an ARN past every id limit; the id is cut to
// model.MaxWorkflowIDLength and keeps two such points, which differ only at their end,
// apart. A short ARN's id holds the whole ARN, as before.
func TestRequestWorkflowIDStaysShortForLongArns(t *testing.T) {
	table := strings.Repeat("t", 255)
	req := func(backup string) model.CopyRequest {
		return model.CopyRequest{SourceRegion: srcRegion, SourceBackupVaultName: srcVault, IamRoleArn: roleArn,
			RecoveryPointArn: "arn:aws:dynamodb:us-east-1:123456789012:table/" + table + "/backup/" + backup,
			Destinations:     []model.Destination{{BackupVaultArn: dstVaultArn}}}
	}
	a, b := RequestWorkflowID(req("01700000000000-a1b2c3d4")), RequestWorkflowID(req("01700000000000-a1b2c3d5"))
	assert.LessOrEqual(t, len(a), model.MaxWorkflowIDLength)
	assert.LessOrEqual(t, len(b), model.MaxWorkflowIDLength)
	assert.NotEqual(t, a, b, "two recovery points of one table")
	assert.True(t, strings.HasPrefix(a, "copy/arn:aws:dynamodb:us-east-1:123456789012:table/ttt"), a)
	assert.Contains(t, a, "~", "a cut ARN is marked")
	short := req("x")
	short.RecoveryPointArn = snapshotArn(1)
	assert.Contains(t, RequestWorkflowID(short), "/"+snapshotArn(1)+"/")
}

// TestRequestWorkflowIDIgnoresHowRulesAreWritten: the built-in rules named explicitly,
// or a rules document formatted differently, do not make a request new: only what the
// rules say counts.
func TestRequestWorkflowIDIgnoresHowRulesAreWritten(t *testing.T) {
	a := model.CopyRequest{SourceRegion: srcRegion, RecoveryPointArn: snapshotArn(1), SourceBackupVaultName: srcVault,
		IamRoleArn: roleArn, Destinations: []model.Destination{{BackupVaultArn: dstVaultArn}}}
	b := a
	b.Rules = policy.Default().Encode()
	assert.Equal(t, RequestWorkflowID(a), RequestWorkflowID(b), "the built-in rules given explicitly")
	relaxed := policy.Default()
	relaxed.NotCopyableCrossRegion = nil
	c, d := a, a
	c.Rules = relaxed.Encode()
	d.Rules = json.RawMessage("  \n" + string(relaxed.Encode()) + "\n")
	assert.Equal(t, RequestWorkflowID(c), RequestWorkflowID(d), "the same rules, formatted differently")
	assert.NotEqual(t, RequestWorkflowID(a), RequestWorkflowID(c), "other rules")
}

// TestRequestWorkflowIDFollowsEveryPartOfTheRequest: any change to what is copied or how
// is a new request, so a repeated `regioncopy copy` with, say, another lifecycle is never
// answered with the earlier request's result.
func TestRequestWorkflowIDFollowsEveryPartOfTheRequest(t *testing.T) {
	base := func() model.CopyRequest {
		return model.CopyRequest{SourceRegion: srcRegion, RecoveryPointArn: snapshotArn(1), SourceBackupVaultName: srcVault,
			IamRoleArn: roleArn, Destinations: []model.Destination{
				{BackupVaultArn: dstVaultArn, Lifecycle: model.Lifecycle{DeleteAfterDays: 30}}, {BackupVaultArn: dst2VaultArn}}}
	}
	edits := map[string]func(*model.CopyRequest){
		"recovery point":     func(r *model.CopyRequest) { r.RecoveryPointArn = snapshotArn(2) },
		"source vault":       func(r *model.CopyRequest) { r.SourceBackupVaultName = "other" },
		"delete after days":  func(r *model.CopyRequest) { r.Destinations[0].Lifecycle.DeleteAfterDays = 90 },
		"cold after days":    func(r *model.CopyRequest) { r.Destinations[1].Lifecycle.MoveToColdStorageAfterDays = 10 },
		"fewer destinations": func(r *model.CopyRequest) { r.Destinations = r.Destinations[:1] },
		"IAM role": func(r *model.CopyRequest) {
			r.IamRoleArn = "arn:aws:iam::123456789012:role/other"
		},
		"coalesce":          func(r *model.CopyRequest) { r.Coalesce = true },
		"plan":              func(r *model.CopyRequest) { r.Plan = "daily" },
		"completion window": func(r *model.CopyRequest) { r.CompletionWindow = 8 * time.Hour },
		"rules": func(r *model.CopyRequest) {
			rules := policy.Default()
			rules.NotCopyableCrossRegion = nil
			r.Rules = rules.Encode()
		},
	}
	seen := map[string]string{RequestWorkflowID(base()): "base"}
	for name, edit := range edits {
		r := base()
		edit(&r)
		id := RequestWorkflowID(r)
		prev, dup := seen[id]
		assert.False(t, dup, "%s gives the same id as %s: %s", name, prev, id)
		seen[id] = name
	}
}

func TestRequestReportsAnOrderThatCouldNotBeHandedOver(t *testing.T) {
	h := newRequestHarness(t)
	h.aws.enqueue = func(_ context.Context, in model.EnqueueCopyInput) (model.EnqueueCopyOutput, error) {
		if in.Key.DestinationBackupVaultArn == dst2VaultArn {
			return model.EnqueueCopyOutput{}, temporal.NewNonRetryableApplicationError("namespace not found", "NotFound", nil)
		}
		return model.EnqueueCopyOutput{ChainWorkflowId: model.ChainWorkflowID(in.Key)}, nil
	}
	h.answer(time.Hour, dstVaultArn, completed("arn:aws:ec2:eu-west-1::snapshot/snap-0000000000000000a", model.CopyFull), "")
	h.run()

	var appErr *temporal.ApplicationError
	require.True(t, errors.As(h.env.GetWorkflowError(), &appErr))
	assert.Equal(t, model.ErrCopyFailed, appErr.Type())
	var res model.CopyRequestResult
	require.NoError(t, appErr.Details(&res))
	require.Len(t, res.Results, 2)
	assert.Empty(t, res.Results[0].Error)
	assert.Contains(t, res.Results[1].Error, "could not hand the order to its chain")
	assert.Contains(t, res.Results[1].Error, "namespace not found")
}
