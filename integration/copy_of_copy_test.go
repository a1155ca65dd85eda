package integration

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/starter/cli"
)

// A copy of a copy has a chain of its own: the volume's backup in us-east-1 (A) is copied
// to eu-west-1 (B) and us-west-2 (C); then the copy in B, whose resource ARN is still the
// us-east-1 volume, is copied to C. That copy goes through the chain from B to C, whose
// StartCopyJob runs in B from B's vault, lands in C beside the copy from A, and the
// chain from A to C neither receives it nor copies anything more.
func TestCopyOfACopyHasItsOwnChain(t *testing.T) {
	t.Parallel()
	const a, b, c = "us-east-1", "eu-west-1", "us-west-2"
	ctx := context.Background()
	v := newVolume(t)
	rp := v.backup(t)

	r := regioncopy(t, 2*time.Minute, v.copyArgs(rp, []string{vaultArn(b), vaultArn(c)}, "--wait", "--output", "json")...)
	if r.code != cli.ExitOK {
		t.Fatalf("copy from %s: exit %d\nstdout %s\nstderr %s", a, r.code, r.stdout, r.stderr)
	}
	fromA := decodeOutcome(t, r)
	landed := map[string]string{}  // destination Region -> copy ARN
	chainOf := map[string]string{} // destination Region -> chain id
	for _, d := range fromA.Result.Results {
		if d.Record == nil || d.Record.State != model.JobCompleted {
			t.Fatalf("copy from %s to %s: %+v (error %q)", a, d.Destination.BackupVaultArn, d.Record, d.Error)
		}
		region := model.RegionFromArn(d.Destination.BackupVaultArn)
		landed[region], chainOf[region] = d.Record.DestinationRecoveryPointArn, d.ChainWorkflowId
	}
	chainAC := model.ChainWorkflowID(model.ChainKey{ResourceArn: v.VolumeArn, SourceRegion: a, DestinationRegion: c, DestinationBackupVaultArn: vaultArn(c)})
	if chainOf[c] != chainAC {
		t.Fatalf("the copy from %s to %s went through %s, want %s", a, c, chainOf[c], chainAC)
	}
	recordsAC := func() []model.CopyRecord {
		t.Helper()
		r := regioncopy(t, 30*time.Second, "--address", stack.Temporal.Address, "copies", chainAC, "--output", "json")
		var records []model.CopyRecord
		if r.code != cli.ExitOK || decodeJSON(r.stdout, &records) != nil {
			t.Fatalf("copies %s: exit %d\nstdout %s\nstderr %s", chainAC, r.code, r.stdout, r.stderr)
		}
		return records
	}
	beforeAC := recordsAC()

	// The copy in B, described in B, still names the volume of A.
	copyInB := landed[b]
	desc, err := stack.Emulator.Client(b).DescribeRecoveryPoint(ctx, &backup.DescribeRecoveryPointInput{
		BackupVaultName: aws.String(v.VaultName), RecoveryPointArn: aws.String(copyInB)})
	if err != nil || aws.ToString(desc.ResourceArn) != v.VolumeArn {
		t.Fatalf("the copy in %s: %+v, %v; want the resource %s", b, desc, err, v.VolumeArn)
	}

	fromB := *v
	fromB.SourceRegion = b
	r = regioncopy(t, 2*time.Minute, fromB.copyArgs(copyInB, []string{vaultArn(c)}, "--wait", "--output", "json")...)
	if r.code != cli.ExitOK {
		t.Fatalf("copy of the copy from %s: exit %d\nstdout %s\nstderr %s", b, r.code, r.stdout, r.stderr)
	}
	out := decodeOutcome(t, r)
	if len(out.Result.Results) != 1 || out.Result.Results[0].Record == nil || out.Result.Results[0].Record.State != model.JobCompleted {
		t.Fatalf("copy of the copy: %+v", out.Result)
	}
	second := out.Result.Results[0]
	chainBC := model.ChainWorkflowID(model.ChainKey{ResourceArn: v.VolumeArn, SourceRegion: b, DestinationRegion: c, DestinationBackupVaultArn: vaultArn(c)})
	if second.ChainWorkflowId != chainBC || chainBC == chainAC {
		t.Errorf("the copy of the copy went through %s, want %s, not %s", second.ChainWorkflowId, chainBC, chainAC)
	}

	// Its copy job was started in B, from B's vault; A has no such job.
	job, err := stack.Emulator.Client(b).DescribeCopyJob(ctx, &backup.DescribeCopyJobInput{CopyJobId: aws.String(second.Record.CopyJobId)})
	if err != nil {
		t.Fatalf("copy job %s of the copy of the copy in %s: %v", second.Record.CopyJobId, b, err)
	}
	if got := aws.ToString(job.CopyJob.SourceBackupVaultArn); got != vaultArn(b) || aws.ToString(job.CopyJob.SourceRecoveryPointArn) != copyInB {
		t.Errorf("copy job copies %s from %s, want %s from %s", aws.ToString(job.CopyJob.SourceRecoveryPointArn), got, copyInB, vaultArn(b))
	}
	if _, err := stack.Emulator.Client(a).DescribeCopyJob(ctx, &backup.DescribeCopyJobInput{CopyJobId: aws.String(second.Record.CopyJobId)}); err == nil {
		t.Errorf("copy job %s is a job of %s", second.Record.CopyJobId, a)
	}

	// Both copies are in C, each naming the vault it was copied from.
	list, err := stack.Emulator.Client(c).ListRecoveryPointsByBackupVault(ctx, &backup.ListRecoveryPointsByBackupVaultInput{
		BackupVaultName: aws.String(v.VaultName), ByResourceArn: aws.String(v.VolumeArn)})
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{} // copy ARN -> source vault
	for _, p := range list.RecoveryPoints {
		sources[aws.ToString(p.RecoveryPointArn)] = aws.ToString(p.SourceBackupVaultArn)
	}
	if len(sources) != 2 || sources[landed[c]] != vaultArn(a) || sources[second.Record.DestinationRecoveryPointArn] != vaultArn(b) {
		t.Errorf("%s holds %v, want %s from %s and %s from %s", c, sources, landed[c], vaultArn(a), second.Record.DestinationRecoveryPointArn, vaultArn(b))
	}

	// The chain from A to C holds what it held: one copy, the same one.
	afterAC := recordsAC()
	if len(beforeAC) != 1 || len(afterAC) != 1 || afterAC[0].CopyJobId != beforeAC[0].CopyJobId || afterAC[0].SourceRegion != a {
		t.Errorf("chain %s records before %+v, after %+v", chainAC, beforeAC, afterAC)
	}

	// The chains are found by their source Region and destination account.
	waitFor(t, 30*time.Second, "list to find the chain from "+b, func() bool {
		r := regioncopy(t, 30*time.Second, "--address", stack.Temporal.Address, "list", "--type", "chain", "--resource-arn", v.VolumeArn,
			"--source-region", b, "--destination-account", v.AccountID, "--output", "json")
		var rows []struct{ WorkflowId string }
		return r.code == cli.ExitOK && decodeJSON(r.stdout, &rows) == nil && len(rows) == 1 && rows[0].WorkflowId == chainBC
	})
}
