package schedules

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/regioncopy/regioncopy/policy"
)

// The rules the plan was validated with travel in every rule's PlanRunInput, and
// applying the same file with other rules is a change.
func TestBuildCarriesTheRulesIntoEveryInput(t *testing.T) {
	data, err := os.ReadFile("../policy/testdata/aws-late-2025.json")
	if err != nil {
		t.Fatal(err)
	}
	late, err := policy.Load(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := Build(loadPlan(t, nil), east)
	withRules, err := Build(loadPlan(t, nil), Options{DefaultRegion: "us-east-1", Rules: late})
	if err != nil {
		t.Fatal(err)
	}
	for i := range seed {
		if seed[i].Input.Rules != nil {
			t.Errorf("rule %d: input carries rules %s without any given", i, seed[i].Input.Rules)
		}
		got, err := policy.FromJSON(withRules[i].Input.Rules, "Rules")
		if err != nil || got.CopyableCrossRegion(policy.TypeDynamoDB) != true || len(got.NoMixedCrossRegionAndCrossAccount) != 0 {
			t.Errorf("rule %d: input carries rules %s (%v), want the late-2025 rules", i, withRules[i].Input.Rules, err)
		}
		if withRules[i].Input.Revision == seed[i].Input.Revision {
			t.Errorf("rule %d: other rules kept the revision %s", i, seed[i].Input.Revision)
		}
	}
	lines := diff(seed[0].Input, withRules[0].Input)
	if len(lines) == 0 || !strings.HasPrefix(strings.Join(lines, "\n"), "Rules.") {
		t.Errorf("diff = %q, want the rules' members", lines)
	}
}
