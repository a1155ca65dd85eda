package policy

import (
	"slices"
	"strings"
	"testing"
)

// want is one expected violation: its field and rule.
type want struct{ Field, Rule string }

// assertViolations checks that err holds exactly the wanted violations, in order, and
// that each one's message names its field and rule.
func assertViolations(t *testing.T, err error, wants ...want) {
	t.Helper()
	got := Violations(err)
	if len(wants) == 0 {
		if err != nil {
			t.Fatalf("want no violations, got %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("want violations %v, got none", wants)
	}
	var gotPairs []want
	for _, v := range got {
		gotPairs = append(gotPairs, want{v.Field, v.Rule})
		msg := v.Error()
		if !strings.Contains(msg, v.Field) || !strings.Contains(msg, v.Rule) {
			t.Errorf("violation message %q does not name field %q and rule %q", msg, v.Field, v.Rule)
		}
		if v.Message == "" {
			t.Errorf("violation %s/%s has no message", v.Field, v.Rule)
		}
	}
	if !slices.Equal(gotPairs, wants) {
		t.Fatalf("violations:\n got  %v\n want %v\n(error: %v)", gotPairs, wants, err)
	}
}
