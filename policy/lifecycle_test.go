package policy

import (
	"testing"

	"github.com/regioncopy/regioncopy/model"
)

func TestCheckLifecycle(t *testing.T) {
	r := Default()
	const f = "Lifecycle"
	for _, tc := range []struct {
		name  string
		typ   string
		l     model.Lifecycle
		wants []want
	}{
		{"unset", TypeEBS, model.Lifecycle{}, nil},
		{"delete only", TypeEBS, model.Lifecycle{DeleteAfterDays: 35}, nil},
		{"EFS cold exactly 90 days", TypeEFS, model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 120}, nil},
		{"EFS cold without delete", TypeEFS, model.Lifecycle{MoveToColdStorageAfterDays: 30}, nil},
		{"EFS cold 89 days", TypeEFS, model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 119},
			[]want{{"Lifecycle.DeleteAfterDays", RuleMinDaysInColdStorage}}},
		{"EBS cold", TypeEBS, model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 365},
			[]want{{"Lifecycle.MoveToColdStorageAfterDays", RuleColdStorageUnsupported}}},
		{"DynamoDB cold and short", TypeDynamoDB, model.Lifecycle{MoveToColdStorageAfterDays: 30, DeleteAfterDays: 60},
			[]want{{"Lifecycle.DeleteAfterDays", RuleMinDaysInColdStorage}, {"Lifecycle.MoveToColdStorageAfterDays", RuleColdStorageUnsupported}}},
		{"negative", TypeEBS, model.Lifecycle{DeleteAfterDays: -1},
			[]want{{"Lifecycle.DeleteAfterDays", RuleLifecycleNonNegative}}},
		{"both negative", TypeEFS, model.Lifecycle{MoveToColdStorageAfterDays: -5, DeleteAfterDays: -1},
			[]want{{"Lifecycle.MoveToColdStorageAfterDays", RuleLifecycleNonNegative}, {"Lifecycle.DeleteAfterDays", RuleLifecycleNonNegative}}},
		{"maximum", TypeEBS, model.Lifecycle{DeleteAfterDays: 36500}, nil},
		{"over maximum", TypeEBS, model.Lifecycle{DeleteAfterDays: 36501},
			[]want{{"Lifecycle.DeleteAfterDays", RuleLifecycleMax}}},
		{"EFS cold over maximum", TypeEFS, model.Lifecycle{MoveToColdStorageAfterDays: 36450, DeleteAfterDays: 36500},
			[]want{{"Lifecycle.DeleteAfterDays", RuleMinDaysInColdStorage}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertViolations(t, r.CheckLifecycle(tc.typ, tc.l, f), tc.wants...)
		})
	}
}

func TestCheckLifecycleFollowsUpdatedRules(t *testing.T) {
	r := Default()
	r.ColdStorageResourceTypes = append(r.ColdStorageResourceTypes, TypeDynamoDB)
	r.MinDaysInColdStorage = 30
	assertViolations(t, r.CheckLifecycle(TypeDynamoDB, model.Lifecycle{MoveToColdStorageAfterDays: 10, DeleteAfterDays: 40}, ""))
	assertViolations(t, r.CheckLifecycle(TypeDynamoDB, model.Lifecycle{MoveToColdStorageAfterDays: 10, DeleteAfterDays: 39}, ""),
		want{"DeleteAfterDays", RuleMinDaysInColdStorage})
	// The seed rules are untouched by changes to a copy.
	assertViolations(t, Default().CheckLifecycle(TypeDynamoDB, model.Lifecycle{MoveToColdStorageAfterDays: 10, DeleteAfterDays: 400}, ""),
		want{"MoveToColdStorageAfterDays", RuleColdStorageUnsupported})
}

// A day count written as 0 is refused (AWS's minimum is 1); a written positive count is
// fine, and a negative one is left to the arithmetic check so it is reported once.
func TestCheckLifecycleDaysGiven(t *testing.T) {
	assertViolations(t, CheckLifecycleDaysGiven("Lifecycle.DeleteAfterDays", 0), want{"Lifecycle.DeleteAfterDays", RuleLifecycleMinDays})
	assertViolations(t, CheckLifecycleDaysGiven("Lifecycle.DeleteAfterDays", 1))
	assertViolations(t, CheckLifecycleDaysGiven("Lifecycle.DeleteAfterDays", -1))
	assertViolations(t, Default().CheckLifecycleArithmetic(model.Lifecycle{DeleteAfterDays: -1}, "Lifecycle"),
		want{"Lifecycle.DeleteAfterDays", RuleLifecycleNonNegative})
}
