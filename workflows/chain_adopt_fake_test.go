package workflows

import (
	"context"
	"sort"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// SurveyCopies summarizes the fake's points in one Region's vault as the activity does
// after following every page (model.CopySurvey).
func (f *fakeAWS) SurveyCopies(_ context.Context, in model.SurveyCopiesInput) (model.SurveyCopiesOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.surveys = append(f.surveys, in)
	var arns []string
	for arn, rp := range f.points {
		if rp.Region == in.Region && rp.BackupVaultName == in.BackupVaultName && rp.ResourceArn == in.ResourceArn {
			arns = append(arns, arn)
		}
	}
	sort.Strings(arns)
	s := model.NewCopySurvey(in)
	for _, arn := range arns {
		s.Add(f.points[arn])
	}
	return s.Result(), nil
}

// adoptionSurveys are the surveys that asked for neither due copies nor a match: a fresh
// chain's adoption of its vault.
func (f *fakeAWS) adoptionSurveys() []model.SurveyCopiesInput {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []model.SurveyCopiesInput
	for _, in := range f.surveys {
		if in.DueBy.IsZero() && in.MatchCreationDate.IsZero() {
			out = append(out, in)
		}
	}
	return out
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
