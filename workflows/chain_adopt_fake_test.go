package workflows

import (
	"context"
	"sort"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// ListRecoveryPoints lists the fake's points in one Region's vault, optionally of one
// resource, oldest first (as the activity does after following every page).
func (f *fakeAWS) ListRecoveryPoints(_ context.Context, in model.ListRecoveryPointsInput) ([]model.RecoveryPoint, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lists = append(f.lists, in)
	out := []model.RecoveryPoint{}
	for _, rp := range f.points {
		if rp.Region == in.Region && rp.BackupVaultName == in.BackupVaultName &&
			(in.ResourceArn == "" || rp.ResourceArn == in.ResourceArn) {
			out = append(out, rp)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].RecoveryPointArn < out[j].RecoveryPointArn })
	return out, nil
}

// addCopy puts a completed copy of source snapshot n (created at created) into the vault
// vaultArn, as an earlier chain run would have left it, copied from sourceVaultArn.
func (f *fakeAWS) addCopy(n int, created time.Time, vaultArn, sourceVaultArn string, lc model.Lifecycle) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	arn := snapshotArn(0xad000 + n)
	f.points[arn] = model.RecoveryPoint{
		Region: model.RegionFromArn(vaultArn), BackupVaultName: model.VaultNameFromArn(vaultArn), BackupVaultArn: vaultArn,
		RecoveryPointArn: arn, ResourceArn: volumeArn, ResourceType: "EBS",
		Status: "COMPLETED", StorageClass: "WARM", BackupSizeInBytes: 100 << 30,
		EncryptionKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/dr",
		CreationDate:     created, CompletionDate: created.Add(3 * time.Hour),
		Lifecycle: lc, CalculatedLifecycle: calculated(created, lc),
		SourceBackupVaultArn: sourceVaultArn,
	}
	return arn
}
