package emulator_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/emulator"
)

func TestVaultsAreRegionalAndPaged(t *testing.T) {
	s := start(t, emulator.Config{})
	c := s.Client(east)
	for _, n := range []string{"a-vault", "b-vault", "c-vault"} {
		mustVault(t, c, n, "")
	}
	_, err := c.CreateBackupVault(ctx(t), &backup.CreateBackupVaultInput{BackupVaultName: aws.String("a-vault")})
	wantAPIError(t, err, "AlreadyExistsException", 400)

	d, err := c.DescribeBackupVault(ctx(t), &backup.DescribeBackupVaultInput{BackupVaultName: aws.String("b-vault")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(d.BackupVaultArn); got != vaultArn(east, "b-vault") {
		t.Errorf("BackupVaultArn = %s", got)
	}
	if d.CreationDate == nil || !d.CreationDate.Truncate(time.Second).Equal(epoch) {
		t.Errorf("CreationDate = %v, want %v (epoch-second timestamps)", d.CreationDate, epoch)
	}
	if aws.ToString(d.EncryptionKeyArn) == "" || d.NumberOfRecoveryPoints != 0 {
		t.Errorf("EncryptionKeyArn %q NumberOfRecoveryPoints %d", aws.ToString(d.EncryptionKeyArn), d.NumberOfRecoveryPoints)
	}

	var names []string
	p := backup.NewListBackupVaultsPaginator(c, &backup.ListBackupVaultsInput{MaxResults: aws.Int32(2)})
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(ctx(t))
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, v := range out.BackupVaultList {
			names = append(names, aws.ToString(v.BackupVaultName))
		}
	}
	if pages != 2 || len(names) != 3 || names[0] != "a-vault" || names[2] != "c-vault" {
		t.Errorf("paged listing: %d pages, %v", pages, names)
	}

	for name, in := range map[string]*backup.ListBackupVaultsInput{
		"by type BACKUP_VAULT": {ByVaultType: types.VaultTypeBackupVault},
		"not shared":           {ByShared: false},
	} {
		if out, err := c.ListBackupVaults(ctx(t), in); err != nil || len(out.BackupVaultList) != 3 {
			t.Errorf("ListBackupVaults %s: %+v %v, want the 3 vaults", name, out, err)
		}
	}
	for name, in := range map[string]*backup.ListBackupVaultsInput{
		"by type LOGICALLY_AIR_GAPPED_BACKUP_VAULT": {ByVaultType: types.VaultTypeLogicallyAirGappedBackupVault},
		"shared": {ByShared: true},
	} {
		if out, err := c.ListBackupVaults(ctx(t), in); err != nil || len(out.BackupVaultList) != 0 {
			t.Errorf("ListBackupVaults %s: %+v %v, want none", name, out, err)
		}
	}

	other, err := s.Client(west).ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{})
	if err != nil || len(other.BackupVaultList) != 0 {
		t.Errorf("eu-west-1 sees vaults of us-east-1: %v %v", other, err)
	}
	_, err = s.Client(west).DescribeBackupVault(ctx(t), &backup.DescribeBackupVaultInput{BackupVaultName: aws.String("a-vault")})
	wantAPIError(t, err, "ResourceNotFoundException", 400)

	if _, err := c.DeleteBackupVault(ctx(t), &backup.DeleteBackupVaultInput{BackupVaultName: aws.String("a-vault")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeBackupVault(ctx(t), &backup.DescribeBackupVaultInput{BackupVaultName: aws.String("a-vault")})
	wantAPIError(t, err, "ResourceNotFoundException", 400)

	_, err = c.CreateBackupVault(ctx(t), &backup.CreateBackupVaultInput{BackupVaultName: aws.String("bad name!")})
	wantAPIError(t, err, "InvalidParameterValueException", 400)
}

func TestDeleteVaultWithRecoveryPointsIsRefused(t *testing.T) {
	s := start(t, emulator.Config{})
	c := s.Client(east)
	mustVault(t, c, "src", "")
	completedBackup(t, s, c, "src", volume)
	_, err := c.DeleteBackupVault(ctx(t), &backup.DeleteBackupVaultInput{BackupVaultName: aws.String("src")})
	wantAPIError(t, err, "InvalidRequestException", 400)
}

func TestBackupJobProgressesOnTheEmulatorClock(t *testing.T) {
	s := start(t, emulator.Config{BackupBandwidth: 1 << 20, DefaultResourceSize: 600 << 20})
	c := s.Client(east)
	mustVault(t, c, "src", "")
	out := mustBackup(t, c, "src", volume)
	if out.CreationDate == nil || aws.ToString(out.RecoveryPointArn) == "" {
		t.Fatalf("StartBackupJob output %+v", out)
	}
	j := backupJob(t, c, out.BackupJobId)
	if j.State != types.BackupJobStateRunning || j.ResourceType == nil || *j.ResourceType != "EBS" {
		t.Fatalf("new job: state %s type %v, want RUNNING EBS", j.State, j.ResourceType)
	}
	// 600 MiB at 1 MiB/s: ten minutes.
	s.Emulator.Advance(5 * time.Minute)
	if j := backupJob(t, c, out.BackupJobId); j.State != types.BackupJobStateRunning || aws.ToString(j.PercentDone) == "0.0" {
		t.Fatalf("halfway: state %s percent %s", j.State, aws.ToString(j.PercentDone))
	}
	s.Emulator.Advance(5*time.Minute + time.Second)
	j = backupJob(t, c, out.BackupJobId)
	if j.State != types.BackupJobStateCompleted || j.CompletionDate == nil || aws.ToInt64(j.BackupSizeInBytes) != 600<<20 {
		t.Fatalf("after ten minutes: %s completion %v size %d", j.State, j.CompletionDate, aws.ToInt64(j.BackupSizeInBytes))
	}
	rp, err := c.DescribeRecoveryPoint(ctx(t), &backup.DescribeRecoveryPointInput{BackupVaultName: aws.String("src"), RecoveryPointArn: out.RecoveryPointArn})
	if err != nil {
		t.Fatalf("DescribeRecoveryPoint of %s (an ARN with a slash): %v", aws.ToString(out.RecoveryPointArn), err)
	}
	if rp.Status != types.RecoveryPointStatusCompleted || aws.ToString(rp.ResourceArn) != volume {
		t.Fatalf("recovery point %+v", rp)
	}
	wantPrefix := "arn:aws:ec2:us-east-1::snapshot/snap-"
	if got := aws.ToString(out.RecoveryPointArn); len(got) != len(wantPrefix)+17 || got[:len(wantPrefix)] != wantPrefix {
		t.Errorf("EBS recovery point ARN %s, want %s<17 hex>", got, wantPrefix)
	}
}

func TestStartBackupJobValidation(t *testing.T) {
	s := start(t, emulator.Config{})
	c := s.Client(east, noRetry)
	mustVault(t, c, "src", "")
	cases := []struct {
		name, vault, resource, role, code string
	}{
		{"unknown vault", "nope", volume, role, "ResourceNotFoundException"},
		{"malformed resource", "src", "arn:aws:ec2:us-east-1:123456789012:volume/xyz", role, "InvalidParameterValueException"},
		{"resource in another Region", "src", "arn:aws:ec2:eu-west-1:123456789012:volume/vol-0123456789abcdef0", role, "InvalidParameterValueException"},
		{"bad role", "src", volume, "admin", "InvalidParameterValueException"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.StartBackupJob(ctx(t), &backup.StartBackupJobInput{BackupVaultName: aws.String(tc.vault),
				ResourceArn: aws.String(tc.resource), IamRoleArn: aws.String(tc.role)})
			wantAPIError(t, err, tc.code, 400)
		})
	}
	_, err := c.DescribeBackupJob(ctx(t), &backup.DescribeBackupJobInput{BackupJobId: aws.String("NOPE")})
	wantAPIError(t, err, "ResourceNotFoundException", 400)
}

func TestGetSupportedResourceTypes(t *testing.T) {
	s := start(t, emulator.Config{})
	out, err := s.Client(west).GetSupportedResourceTypes(ctx(t), &backup.GetSupportedResourceTypesInput{})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range out.ResourceTypes {
		seen[r] = true
	}
	for _, want := range []string{"EBS", "RDS", "Aurora", "EFS", "DynamoDB", "S3"} {
		if !seen[want] {
			t.Errorf("ResourceTypes %v lacks %s", out.ResourceTypes, want)
		}
	}
}

// TestIDsAreReproducible: the same seed and the same calls give the same ids and ARNs.
func TestIDsAreReproducible(t *testing.T) {
	run := func(seed int64) []string {
		s := start(t, emulator.Config{Seed: seed, TimeScale: 1000})
		c := s.Client(east)
		mustVault(t, c, "src", "")
		dstArn := mustVault(t, s.Client(west), "dst", "")
		b := completedBackup(t, s, c, "src", volume)
		id := mustCopy(t, c, aws.ToString(b.RecoveryPointArn), "src", dstArn, nil)
		s.Emulator.Advance(time.Hour)
		j := copyJob(t, c, &id)
		return []string{aws.ToString(b.BackupJobId), aws.ToString(b.RecoveryPointArn), id, aws.ToString(j.DestinationRecoveryPointArn)}
	}
	a, b, other := run(11), run(11), run(12)
	for i := range a {
		if a[i] != b[i] {
			t.Errorf("seed 11 gave %s then %s", a[i], b[i])
		}
		if a[i] == other[i] {
			t.Errorf("seeds 11 and 12 both gave %s", a[i])
		}
	}
}
