package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

func renderStatus(t *testing.T, typ string, status any) string {
	t.Helper()
	raw, err := json.Marshal(status)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	printWorkflowStatus(&App{Env: &Env{Stdout: &out}}, workflowStatus{WorkflowId: "some/id", Type: typ, ExecutionStatus: "Completed", Status: raw})
	return out.String()
}

// A plan run's status reads as a summary, not as the query's JSON on one line.
func TestStatusOfAPlanRunIsReadable(t *testing.T) {
	out := renderStatus(t, model.WorkflowPlanRun, model.PlanRunResult{
		Plan: "nightly", Rule: "daily", NominalTime: time.Date(2026, 11, 25, 5, 0, 0, 0, time.UTC), State: model.PlanRunPartial,
		Tally:    model.PlanRunTally{Resources: 3, BackupsCompleted: 2, CopiesEnqueued: 4, Failed: 1},
		Failures: []model.PlanResourceFailure{{ResourceArn: "arn:aws:ec2:us-east-1:123456789012:volume/vol-9", Stage: model.PlanStageBackup, Reason: "job FAILED"}},
		Landings: model.PlanRunLandingTally{Landed: 1, Late: 1},
		Copies: []model.PlanRunCopy{
			{ResourceArn: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", DestinationBackupVaultArn: testVaultEU, Landing: model.PlanCopyLanded,
				CopyJobId: "copy-job-1", Kind: model.CopyIncremental, BackupSizeInBytes: 2048, CompletedAt: time.Date(2026, 11, 25, 5, 20, 0, 0, time.UTC)},
			{ResourceArn: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", DestinationBackupVaultArn: testVaultUS, Landing: model.PlanCopyLate, Reason: "no result within 480 minutes"},
		},
	})
	for _, want := range []string{
		"state:    PARTIAL", "plan:     nightly, rule daily", "nominal time: 2026-11-25T05:00:00Z",
		"3 taken up; backups 2 completed, 0 missed; copies 4 handed to chains, 0 skipped; 1 failed",
		"arn:aws:ec2:us-east-1:123456789012:volume/vol-9  backup", "job FAILED",
		"copies:   1 landed, 0 failed, 0 superseded, 1 not landed in time",
		"LANDED", "INCREMENTAL", "2.0 KiB", "2026-11-25T05:20:00Z", "copy-job-1",
		"NOT_LANDED_IN_TIME", "no result within 480 minutes",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "{") {
		t.Errorf("status prints raw JSON:\n%s", out)
	}
}

func TestStatusOfAPlanResourceIsReadable(t *testing.T) {
	out := renderStatus(t, model.WorkflowPlanResource, model.PlanResourceResult{
		ResourceArn: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", ResourceType: "EBS", State: model.PlanRunCompleted,
		BackupCompleted: true, BackupJobId: "job-1", RecoveryPointArn: "arn:aws:ec2:us-east-1::snapshot/snap-1",
		Copies: []model.PlanCopyOutcome{
			{DestinationBackupVaultArn: testVaultEU, ChainWorkflowId: "chain/x/eu-west-1/Default", Enqueued: true, Landing: model.PlanCopyLanded,
				Record: &model.CopyRecord{CopyJobId: "copy-job-7", DestinationRecoveryPointArn: "arn:aws:ec2:eu-west-1::snapshot/snap-7"}},
			{DestinationBackupVaultArn: "arn:aws:backup:ap-south-1:123456789012:backup-vault:x", ChainWorkflowId: "chain/x/ap-south-1/x", Enqueued: true},
			{DestinationBackupVaultArn: testVaultUS, Skipped: "not in the action's ResourceTypes"},
		},
	})
	for _, want := range []string{
		"state:    COMPLETED", "resource: EBS arn:aws:ec2:us-east-1:123456789012:volume/vol-1", "backup:   job job-1 (completed)",
		"recovery point: arn:aws:ec2:us-east-1::snapshot/snap-1", "LANDED", "copy-job-7", "arn:aws:ec2:eu-west-1::snapshot/snap-7",
		"chain/x/eu-west-1/Default", "HANDED TO CHAIN", "chain/x/ap-south-1/x",
		"SKIPPED", "not in the action's ResourceTypes",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
}

// A chain's status names every part of its identity: the resource, the Region it copies
// from and the destination vault with its account and Region.
func TestStatusOfAChainNamesItsIdentity(t *testing.T) {
	out := renderStatus(t, model.WorkflowCopyChain, model.ChainStatus{State: model.ChainIdle, Key: model.ChainKey{
		ResourceArn: "arn:aws:ec2:us-east-1:123456789012:volume/vol-1", ResourceType: "EBS", SourceRegion: "eu-west-1",
		DestinationRegion: "us-west-2", DestinationBackupVaultArn: testVaultUS}})
	for _, want := range []string{
		"resource: EBS arn:aws:ec2:us-east-1:123456789012:volume/vol-1\n", "from:     eu-west-1\n",
		"into:     " + testVaultUS + " (account 123456789012, us-west-2)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
}

// A workflow type this CLI has no layout for shows its answer as labelled, indented JSON.
func TestStatusOfAnUnknownTypeIsIndentedJSON(t *testing.T) {
	out := renderStatus(t, "SomethingElse", map[string]any{"State": "X", "Count": 2})
	want := "  status (its \"status\" query, as JSON):\n    {\n      \"Count\": 2,\n      \"State\": \"X\"\n    }\n"
	if !strings.HasSuffix(out, want) {
		t.Errorf("status:\n%s\nwant it to end with:\n%s", out, want)
	}
}

// 'copies' given a request's id says so and names the request's chains, exit 2.
func TestCopiesOfARequestNamesItsChains(t *testing.T) {
	raw, _ := json.Marshal(model.RequestStatus{State: model.RequestCompleted, Destinations: []model.DestinationProgress{
		{ChainWorkflowId: "chain/arn:aws:ec2:us-east-1:123456789012:volume/vol-1/eu-west-1/Default"},
		{ChainWorkflowId: "chain/arn:aws:ec2:us-east-1:123456789012:volume/vol-1/us-west-2/Copies"},
	}})
	err := notAChain(workflowStatus{WorkflowId: "copy/snap-1/abc", Type: model.WorkflowCopyRecoveryPoint, Status: raw}, "regioncopy")
	if ExitCode(err) != ExitUsage {
		t.Errorf("exit %d, want %d", ExitCode(err), ExitUsage)
	}
	for _, want := range []string{
		"copy/snap-1/abc is a copy request, not a copy chain",
		"regioncopy copies chain/arn:aws:ec2:us-east-1:123456789012:volume/vol-1/eu-west-1/Default",
		"regioncopy copies chain/arn:aws:ec2:us-east-1:123456789012:volume/vol-1/us-west-2/Copies",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	err = notAChain(workflowStatus{WorkflowId: "planrun/p/r-2026", Type: model.WorkflowPlanRun}, "regioncopy")
	if ExitCode(err) != ExitUsage || !strings.Contains(err.Error(), "is a PlanRun workflow, not a copy chain") {
		t.Errorf("copies of a plan run: %v", err)
	}
}
