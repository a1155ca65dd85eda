package policy

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestDefaultSeed(t *testing.T) {
	r := Default()
	if err := r.Validate(); err != nil {
		t.Fatalf("seed rules invalid: %v", err)
	}
	for _, reg := range []string{"ap-east-1", "me-south-1", "eu-south-1", "af-south-1"} {
		if r.RegionAllowsCrossRegionCopy(reg) {
			t.Errorf("%s must be without cross-Region copy in the seed", reg)
		}
	}
	if r.CopyableCrossRegion(TypeDynamoDB) || !r.CopyableCrossRegion(TypeEBS) {
		t.Error("seed: DynamoDB not copyable, EBS copyable")
	}
	if !r.SupportsColdStorage(TypeEFS) || r.SupportsColdStorage(TypeEBS) {
		t.Error("seed: cold storage for EFS only")
	}
	r.NotCopyableCrossRegion[0] = "changed"
	if Default().NotCopyableCrossRegion[0] != TypeDynamoDB {
		t.Error("Default must return a fresh copy each time")
	}
}

func TestLoadOverlaysDefault(t *testing.T) {
	r, err := Load(strings.NewReader(`{
		"NotCopyableCrossRegion": [],
		"RegionsWithoutCrossRegionCopy": ["me-south-1"],
		"ColdStorageResourceTypes": ["EFS", "DynamoDB"],
		"MaxCopyActionsPerRule": 8
	}`))
	if err != nil {
		t.Fatal(err)
	}
	want := Default()
	want.NotCopyableCrossRegion = []string{}
	want.RegionsWithoutCrossRegionCopy = []string{"me-south-1"}
	want.ColdStorageResourceTypes = []string{"EFS", "DynamoDB"}
	want.MaxCopyActionsPerRule = 8
	if !reflect.DeepEqual(r, want) {
		t.Fatalf("Load:\n got  %+v\n want %+v", r, want)
	}
	if !r.CopyableCrossRegion(TypeDynamoDB) {
		t.Error("an empty list in the document must clear the seed list")
	}
}

func TestLoadRejects(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		wants     []want
	}{
		{"unknown member", `{"NotCopyable": ["DynamoDB"]}`, []want{{"rules document", RuleRulesDocument}}},
		{"wrong type", `{"MaxRulesPerPlan": "ten"}`, []want{{"rules document", RuleRulesDocument}}},
		{"two documents", `{} {}`, []want{{"rules document", RuleRulesDocument}}},
		{"bad values", `{"RegionsWithoutCrossRegionCopy": ["Hong Kong"], "ColdStorageResourceTypes": ["efs"], "MaxRulesPerPlan": 0, "MinDaysInColdStorage": -1}`,
			[]want{
				{"RegionsWithoutCrossRegionCopy[0]", RuleRegionSyntax},
				{"ColdStorageResourceTypes[0]", RuleUnknownResourceTypeInRule},
				{"MaxRulesPerPlan", RuleRulesDocument},
				{"MinDaysInColdStorage", RuleRulesDocument},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Load(strings.NewReader(tc.doc))
			if r != nil {
				t.Errorf("Load returned rules with an error")
			}
			assertViolations(t, err, tc.wants...)
		})
	}
}

func TestCloneIsDeep(t *testing.T) {
	a := Default()
	b := a.Clone()
	b.ColdStorageResourceTypes[0] = TypeEBS
	b.MaxRulesPerPlan = 1
	if a.ColdStorageResourceTypes[0] != TypeEFS || a.MaxRulesPerPlan != 10 {
		t.Fatal("Clone shares state with the original")
	}
}

// TestLoadRelaxedRules loads the example that follows AWS's later relaxations (RDS-family
// cross-Region plus cross-account copies, DynamoDB cross-Region copies) and checks that
// the checks follow it.
func TestLoadRelaxedRules(t *testing.T) {
	f, err := os.Open("testdata/aws-late-2025.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := Load(f)
	if err != nil {
		t.Fatal(err)
	}
	assertViolations(t, r.CheckCopy(CopyCheck{ResourceType: TypeDynamoDB, SourceRegion: "us-east-1", DestinationRegion: "us-west-2"}))
	mixed := planWith([]string{TypeRDS}, true, PlanCopyAction{DestinationBackupVaultArn: "arn:aws:backup:eu-west-1:222222222222:backup-vault:dr"})
	// AWS's mixing rule is relaxed; regioncopy's own refusal of cross-account copy stays.
	assertViolations(t, r.CheckPlan(mixed), want{"Rules[0].CopyActions[0].DestinationBackupVaultArn", RuleUnsupported})
	// Everything not in the document keeps its seed value.
	assertViolations(t, r.CheckCopy(CopyCheck{ResourceType: TypeEBS, SourceRegion: "us-east-1", DestinationRegion: "ap-east-1"}),
		want{"DestinationRegion", RuleRegionWithoutCopy})
}
