package emulator_test

import (
	"maps"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/emulator"
)

// ListTags shows the tags a backup gave its recovery point and a vault was created
// with, in the resource's own Region only.
func TestListTagsShowsRecoveryPointAndVaultTags(t *testing.T) {
	s := start(t, emulator.Config{})
	c := s.Client(east)
	vault, err := c.CreateBackupVault(ctx(t), &backup.CreateBackupVaultInput{
		BackupVaultName: aws.String("tagged"), BackupVaultTags: map[string]string{"team": "storage"}})
	if err != nil {
		t.Fatal(err)
	}
	pointTags := map[string]string{"plan": "hourly-dr", "cost-center": "42"}
	out, err := c.StartBackupJob(ctx(t), &backup.StartBackupJobInput{
		BackupVaultName: aws.String("tagged"), ResourceArn: aws.String(volume), IamRoleArn: aws.String(role),
		IdempotencyToken: aws.String("tags-1"), RecoveryPointTags: pointTags})
	if err != nil {
		t.Fatal(err)
	}
	s.Emulator.Advance(2 * time.Minute)
	if j := backupJob(t, c, out.BackupJobId); j.State != types.BackupJobStateCompleted {
		t.Fatalf("backup job is %s, want COMPLETED", j.State)
	}

	got, err := c.ListTags(ctx(t), &backup.ListTagsInput{ResourceArn: out.RecoveryPointArn})
	if err != nil || !maps.Equal(got.Tags, pointTags) || got.NextToken != nil {
		t.Errorf("recovery point tags %v, %v; want %v on one page", got, err, pointTags)
	}
	got, err = c.ListTags(ctx(t), &backup.ListTagsInput{ResourceArn: vault.BackupVaultArn})
	if err != nil || !maps.Equal(got.Tags, map[string]string{"team": "storage"}) {
		t.Errorf("vault tags %v, %v; want team=storage", got, err)
	}
	_, err = s.Client("eu-west-1").ListTags(ctx(t), &backup.ListTagsInput{ResourceArn: out.RecoveryPointArn})
	wantAPIError(t, err, "ResourceNotFoundException", 400)
}
