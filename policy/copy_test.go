package policy

import (
	"errors"
	"testing"

	"github.com/regioncopy/regioncopy/model"
)

const (
	vaultUSW2 = "arn:aws:backup:us-west-2:123456789012:backup-vault:dr"
	vaultEUW1 = "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr"
	vaultUSE1 = "arn:aws:backup:us-east-1:123456789012:backup-vault:dr"
	vaultAPE1 = "arn:aws:backup:ap-east-1:123456789012:backup-vault:dr"
)

func TestCheckCopy(t *testing.T) {
	for _, tc := range []struct {
		name  string
		c     CopyCheck
		wants []want
	}{
		{"EBS to another Region", CopyCheck{ResourceType: TypeEBS, SourceRegion: "us-east-1", DestinationVaultArn: vaultUSW2}, nil},
		{"Region given and matching the vault", CopyCheck{ResourceType: TypeEBS, SourceRegion: "us-east-1", DestinationRegion: "us-west-2", DestinationVaultArn: vaultUSW2}, nil},
		{"Region only", CopyCheck{ResourceType: TypeRDS, SourceRegion: "us-east-1", DestinationRegion: "eu-west-1"}, nil},
		{"EFS with cold storage", CopyCheck{ResourceType: TypeEFS, SourceRegion: "us-east-1", DestinationVaultArn: vaultEUW1,
			Lifecycle: model.Lifecycle{MoveToColdStorageAfterDays: 7, DeleteAfterDays: 97}}, nil},
		{"DynamoDB", CopyCheck{ResourceType: TypeDynamoDB, SourceRegion: "us-east-1", DestinationVaultArn: vaultUSW2, Field: "Destinations[0]"},
			[]want{{"Destinations[0].ResourceType", RuleTypeNotCopyable}}},
		{"same Region", CopyCheck{ResourceType: TypeEBS, SourceRegion: "us-east-1", DestinationVaultArn: vaultUSE1},
			[]want{{"DestinationBackupVaultArn", RuleSameRegion}}},
		{"same Region given twice", CopyCheck{ResourceType: TypeEBS, SourceRegion: "us-west-2", DestinationRegion: "us-west-2", DestinationVaultArn: vaultUSW2},
			[]want{{"DestinationRegion", RuleSameRegion}}},
		{"blocked destination", CopyCheck{ResourceType: TypeEBS, SourceRegion: "us-east-1", DestinationVaultArn: vaultAPE1},
			[]want{{"DestinationBackupVaultArn", RuleRegionWithoutCopy}}},
		{"blocked source", CopyCheck{ResourceType: TypeEBS, SourceRegion: "me-south-1", DestinationRegion: "eu-west-1"},
			[]want{{"SourceRegion", RuleRegionWithoutCopy}}},
		{"every blocked Region", CopyCheck{ResourceType: TypeEBS, SourceRegion: "af-south-1", DestinationRegion: "eu-south-1"},
			[]want{{"SourceRegion", RuleRegionWithoutCopy}, {"DestinationRegion", RuleRegionWithoutCopy}}},
		{"vault Region disagrees", CopyCheck{ResourceType: TypeEBS, SourceRegion: "us-east-1", DestinationRegion: "eu-west-1", DestinationVaultArn: vaultUSW2},
			[]want{{"DestinationBackupVaultArn", RuleRegionMismatch}}},
		{"malformed vault", CopyCheck{ResourceType: TypeEBS, SourceRegion: "us-east-1", DestinationVaultArn: "dr-vault"},
			[]want{{"DestinationBackupVaultArn", RuleARNSyntax}}},
		{"recovery point given as vault", CopyCheck{ResourceType: TypeEBS, SourceRegion: "us-east-1",
			DestinationVaultArn: "arn:aws:ec2:us-west-2::snapshot/snap-0123456789abcdef0"},
			[]want{{"DestinationBackupVaultArn", RuleARNKind}}},
		{"nothing given", CopyCheck{},
			[]want{{"ResourceType", RuleRequired}, {"SourceRegion", RuleRequired}, {"DestinationRegion", RuleRequired}}},
		{"bad Region names", CopyCheck{ResourceType: TypeEBS, SourceRegion: "virginia", DestinationRegion: "oregon"},
			[]want{{"SourceRegion", RuleRegionSyntax}, {"DestinationRegion", RuleRegionSyntax}}},
		{"everything wrong at once", CopyCheck{ResourceType: TypeDynamoDB, SourceRegion: "us-east-1", DestinationVaultArn: vaultUSE1,
			Lifecycle: model.Lifecycle{MoveToColdStorageAfterDays: 10, DeleteAfterDays: 50}, Field: "Destinations[2]"},
			[]want{
				{"Destinations[2].ResourceType", RuleTypeNotCopyable},
				{"Destinations[2].DestinationBackupVaultArn", RuleSameRegion},
				{"Destinations[2].Lifecycle.DeleteAfterDays", RuleMinDaysInColdStorage},
				{"Destinations[2].Lifecycle.MoveToColdStorageAfterDays", RuleColdStorageUnsupported},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertViolations(t, Default().CheckCopy(tc.c), tc.wants...)
		})
	}
}

func TestCheckCopyRelaxedRules(t *testing.T) {
	// AWS has since allowed DynamoDB cross-Region copies and ap-east-1: updated data
	// follows without code changes.
	r := Default()
	r.NotCopyableCrossRegion = nil
	r.RegionsWithoutCrossRegionCopy = []string{"me-south-1"}
	assertViolations(t, r.CheckCopy(CopyCheck{ResourceType: TypeDynamoDB, SourceRegion: "us-east-1", DestinationVaultArn: vaultAPE1}))
}

func TestNilRulesMeansDefault(t *testing.T) {
	var r *Rules
	assertViolations(t, r.CheckCopy(CopyCheck{ResourceType: TypeDynamoDB, SourceRegion: "us-east-1", DestinationRegion: "us-west-2"}),
		want{"ResourceType", RuleTypeNotCopyable})
}

func TestViolationsAccessor(t *testing.T) {
	err := Default().CheckCopy(CopyCheck{ResourceType: TypeDynamoDB, SourceRegion: "us-east-1", DestinationRegion: "us-east-1"})
	wrapped := errors.Join(errors.New("context"), err)
	if got := len(Violations(wrapped)); got != 2 {
		t.Fatalf("Violations through errors.Join: got %d, want 2", got)
	}
	var v *Violation
	if !errors.As(err, &v) || v.Rule != RuleTypeNotCopyable {
		t.Fatalf("errors.As found %v, want the first violation", v)
	}
	if Violations(nil) != nil {
		t.Fatal("Violations(nil) must be nil")
	}
	// Deterministic: the same input gives the same violations in the same order.
	if err.Error() != Default().CheckCopy(CopyCheck{ResourceType: TypeDynamoDB, SourceRegion: "us-east-1", DestinationRegion: "us-east-1"}).Error() {
		t.Fatal("CheckCopy is not deterministic")
	}
}
