package integration

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/starter/cli"
	"github.com/regioncopy/regioncopy/workflows"
)

// firstCopyDays is the first copies' DeleteAfterDays in the expiry test: 120s at this
// time scale. Until the newer copies land, the first copies are their chains' newest,
// and a chain extends its newest copy GuardMargin (one day, 24s) before it would expire
// rather than delete it. So both copies have 96s to land, where they take about a
// second on an idle machine: a margin no load short of a stall can use up.
const firstCopyDays = 5

// One recovery point to two Regions (full), a newer one (incremental by the emulator's
// counters), then the emulator clock passes the first copies' expiry and they are
// deleted, while the newest copies stay.
func TestCopyTwoRegionsIncrementalThenExpiry(t *testing.T) {
	v := newVolume(t)
	dests := []string{vaultArn("eu-west-1"), vaultArn("us-west-2")}
	const size = 1 << 30

	before := counters()
	rp1 := v.backup(t)
	// DeleteAfterDays counts from the source's creation, which is now (the emulator's
	// clock runs timeScale times the wall clock).
	taken := time.Now()
	onWallClock := func(d time.Duration) time.Time { return taken.Add(d / timeScale) }
	expiry := onWallClock(firstCopyDays * 24 * time.Hour)
	guard := onWallClock(firstCopyDays*24*time.Hour - workflows.GuardMargin)
	r := regioncopy(t, 2*time.Minute, v.copyArgs(rp1, dests, "--lifecycle", fmt.Sprintf("DeleteAfterDays=%d", firstCopyDays), "--wait", "--output", "json")...)
	if r.code != cli.ExitOK {
		t.Fatalf("first copy: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	first := decodeOutcome(t, r)
	if first.Result == nil || len(first.Result.Results) != 2 {
		t.Fatalf("first copy result: %+v", first)
	}
	firstCopies := map[string]string{} // destination vault -> copy ARN
	for _, d := range first.Result.Results {
		if d.Record == nil || d.Record.State != model.JobCompleted || d.Record.Kind != string(model.CopyFull) {
			t.Errorf("first copy to %s: %+v (error %q), want a COMPLETED FULL copy", d.Destination.BackupVaultArn, d.Record, d.Error)
			continue
		}
		firstCopies[d.Destination.BackupVaultArn] = d.Record.DestinationRecoveryPointArn
	}
	after1 := counters()
	if got := after1.FullCopies - before.FullCopies; got != 2 {
		t.Errorf("full copies: %d, want 2", got)
	}
	for _, pair := range []string{"us-east-1>eu-west-1", "us-east-1>us-west-2"} {
		if got := after1.BytesTransferred[pair] - before.BytesTransferred[pair]; got != size {
			t.Errorf("bytes %s for the full copy: %d, want %d", pair, got, size)
		}
	}

	rp2 := v.backup(t)
	r = regioncopy(t, 2*time.Minute, v.copyArgs(rp2, dests, "--lifecycle", "DeleteAfterDays=30", "--wait", "--output", "json")...)
	if r.code != cli.ExitOK {
		t.Fatalf("second copy: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	second := decodeOutcome(t, r)
	if landed := time.Now(); !landed.Before(guard) {
		// The chains have extended the first copies instead of deleting them, as they
		// should when no newer copy exists: the machine was too slow for this test.
		t.Fatalf("the newer copies landed %s after the first backup, after the first copies' newest-copy guard (%s): the machine is too loaded for this test's time scale",
			landed.Sub(taken).Round(time.Millisecond), guard.Sub(taken))
	}
	for _, d := range second.Result.Results {
		if d.Record == nil || d.Record.Kind != string(model.CopyIncremental) {
			t.Errorf("second copy to %s: %+v, want INCREMENTAL", d.Destination.BackupVaultArn, d.Record)
		}
	}
	after2 := counters()
	if got := after2.IncrementalCopies - after1.IncrementalCopies; got != 2 {
		t.Errorf("incremental copies: %d, want 2", got)
	}
	if got := after2.FullCopies - after1.FullCopies; got != 0 {
		t.Errorf("full copies during the second request: %d, want 0", got)
	}
	for _, pair := range []string{"us-east-1>eu-west-1", "us-east-1>us-west-2"} {
		moved := after2.BytesTransferred[pair] - after1.BytesTransferred[pair]
		if moved <= 0 || moved >= size/2 {
			t.Errorf("bytes %s for the incremental copy: %d, want a small fraction of %d", pair, moved, size)
		}
	}

	// Nothing more happens until the first copies expire, so the other tests run
	// meanwhile: they start no copy of this test's volume, and its chains start no copy
	// job they could count.
	t.Parallel()

	// The first copies expire firstCopyDays emulated days after rp1 was taken; the chain
	// deletes them (the newer copies have landed) and verifies they are gone.
	ctx := context.Background()
	deadline := expiry.Add(90 * time.Second)
	for vault, copyArn := range firstCopies {
		region := model.RegionFromArn(vault)
		for {
			_, err := stack.Emulator.Client(region).DescribeRecoveryPoint(ctx, &backup.DescribeRecoveryPointInput{
				BackupVaultName: aws.String(v.VaultName), RecoveryPointArn: aws.String(copyArn),
			})
			var nf *types.ResourceNotFoundException
			if errors.As(err, &nf) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("copy %s in %s still there after its expiry (err %v)", copyArn, region, err)
			}
			time.Sleep(time.Second)
		}
	}
	// The chain's records say so, and the newest copies are still live.
	chain := model.ChainWorkflowID(model.ChainKey{ResourceArn: v.VolumeArn, SourceRegion: v.SourceRegion, DestinationRegion: "eu-west-1", DestinationBackupVaultArn: dests[0]})
	var records []model.CopyRecord
	waitFor(t, 30*time.Second, "the chain records the deletion", func() bool {
		r := regioncopy(t, 30*time.Second, "--address", stack.Temporal.Address, "copies", chain, "--output", "json")
		if r.code != cli.ExitOK || decodeJSON(r.stdout, &records) != nil {
			return false
		}
		return len(records) == 2 && records[0].State == model.RecordDeleted
	})
	if records[1].State != model.JobCompleted || records[1].Kind != model.CopyIncremental {
		t.Errorf("newest copy record: %+v", records[1])
	}
	if msg := records[0].StatusMessage; msg != "expired; deleted and verified absent" || records[0].DeletedAt.IsZero() {
		t.Errorf("expired copy record: %+v", records[0])
	}
	if got := counters().Calls["DeleteRecoveryPoint"] - before.Calls["DeleteRecoveryPoint"]; got < 2 {
		t.Errorf("DeleteRecoveryPoint calls: %d, want at least 2", got)
	}

	exportHistories(t, first.WorkflowId, chain)
}
