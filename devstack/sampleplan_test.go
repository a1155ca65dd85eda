package devstack

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/regioncopy/regioncopy/plan"
)

// The plan `regioncopy dev` applies is the one the plan command's README walks through.
func TestSamplePlanIsThePlanCommandsExample(t *testing.T) {
	example, err := os.ReadFile(filepath.Join("..", "starter", "plancmd", "testdata", "example-plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(samplePlanFile, example) {
		t.Error("devstack/sample-plan.json differs from starter/plancmd/testdata/example-plan.json; copy one over the other")
	}
}

// The sample plan is valid and backs up the seeded volume into the seeded vaults, so its
// runs have something to do.
func TestSamplePlanCoversTheSample(t *testing.T) {
	s := DefaultSample()
	f, err := plan.Parse("sample-plan.json", samplePlanFile, plan.Options{DefaultRegion: s.SourceRegion})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(f.BackupSelection.Resources, s.VolumeArn) {
		t.Errorf("sample plan selects %v, not the sample volume %s", f.BackupSelection.Resources, s.VolumeArn)
	}
	if len(f.BackupPlan.Rules) == 0 {
		t.Fatal("sample plan has no rule")
	}
	for _, r := range f.BackupPlan.Rules {
		if r.TargetBackupVaultName != s.VaultName {
			t.Errorf("rule %s backs up into %q, want the sample vault %q", r.RuleName, r.TargetBackupVaultName, s.VaultName)
		}
		var dests []string
		for _, a := range r.CopyActions {
			dests = append(dests, a.DestinationBackupVaultArn)
		}
		if !slices.Equal(dests, s.DestinationVaultArns) {
			t.Errorf("rule %s copies to %v, want the sample's vaults %v", r.RuleName, dests, s.DestinationVaultArns)
		}
	}
}
