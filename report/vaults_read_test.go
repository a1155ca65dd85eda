package report

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
)

// readVaults against the emulator through activities: a vault that does not exist is an
// input error naming it; one AWS refuses (access denied) or keeps throttling past the
// SDK's retries is read as unreadable, so its rows are UNKNOWN; a readable one is listed.
func TestReadVaultsClassifiesAWSErrors(t *testing.T) {
	s := emulatortest.Start(t, emulator.Config{StartTime: now})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, region := range []string{"eu-west-1", "us-west-2", "ap-south-1"} {
		if _, err := s.Client(region).CreateBackupVault(ctx, &backup.CreateBackupVaultInput{BackupVaultName: aws.String("dr")}); err != nil {
			t.Fatal(err)
		}
	}
	b := activities.NewBackup(s.AWSConfig("us-east-1"))
	defer b.Close()
	reader := AWSReader{Backup: b, Plans: activities.NewPlans(b)}
	req := func(region string) Requirement {
		r := requirement(dailyRPO)
		r.DestinationVaultArn = "arn:aws:backup:" + region + ":123456789012:backup-vault:dr"
		return r
	}

	missing := req("ca-central-1")
	err := readVaults(ctx, reader, []Requirement{req("eu-west-1"), missing}, 4, map[string]VaultRead{})
	var ie *InputError
	if !errors.As(err, &ie) || !strings.Contains(ie.Msg, missing.DestinationVaultArn) || !strings.Contains(ie.Msg, "plan prod") {
		t.Fatalf("a missing vault: %v, want an input error naming it and its plan", err)
	}

	if err := s.Emulator.SetFaults(emulator.Faults{Errors: []emulator.ErrorFault{{Operation: "ListRecoveryPointsByBackupVault", Code: "AccessDeniedException", Count: 1}}}); err != nil {
		t.Fatal(err)
	}
	got := map[string]VaultRead{}
	if err := readVaults(ctx, reader, []Requirement{req("eu-west-1")}, 4, got); err != nil {
		t.Fatal(err)
	}
	if vr := got[req("eu-west-1").DestinationVaultArn]; !strings.Contains(vr.Unreadable, "AccessDeniedException") {
		t.Errorf("access denied: %+v, want unreadable", vr)
	}

	if err := s.Emulator.SetFaults(emulator.Faults{ThrottleRate: 1, Operations: []string{"DescribeBackupVault"}}); err != nil {
		t.Fatal(err)
	}
	got = map[string]VaultRead{}
	if err := readVaults(ctx, reader, []Requirement{req("us-west-2")}, 4, got); err != nil {
		t.Fatal(err)
	}
	if vr := got[req("us-west-2").DestinationVaultArn]; !strings.Contains(vr.Unreadable, "ThrottlingException") {
		t.Errorf("throttled: %+v, want unreadable", vr)
	}

	if err := s.Emulator.SetFaults(emulator.Faults{}); err != nil {
		t.Fatal(err)
	}
	got = map[string]VaultRead{}
	if err := readVaults(ctx, reader, []Requirement{req("ap-south-1")}, 4, got); err != nil {
		t.Fatal(err)
	}
	if vr, ok := got[req("ap-south-1").DestinationVaultArn]; !ok || vr.Unreadable != "" || vr.Vault.EncryptionKeyArn == "" {
		t.Errorf("readable vault: %+v", vr)
	}
}
