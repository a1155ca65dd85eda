package policy

import "testing"

func TestValidRegion(t *testing.T) {
	for _, tc := range []struct {
		region string
		ok     bool
	}{
		{"us-east-1", true},
		{"eu-central-2", true},
		{"ap-southeast-7", true},
		{"us-gov-west-1", true},
		{"us-isob-east-1", true},
		{"cn-northwest-1", true},
		{"il-central-1", true},
		{"", false},
		{"us-east", false},
		{"US-EAST-1", false},
		{"us-east-0", false},
		{"useast1", false},
		{"us-east-1a", false},
		{"us_east_1", false},
		{" us-east-1", false},
	} {
		if got := ValidRegion(tc.region); got != tc.ok {
			t.Errorf("ValidRegion(%q) = %v, want %v", tc.region, got, tc.ok)
		}
	}
}

func TestCheckRegion(t *testing.T) {
	assertViolations(t, CheckRegion("us-west-2", "Region"))
	assertViolations(t, CheckRegion("", "Region"), want{"Region", RuleRequired})
	assertViolations(t, CheckRegion("mars-1", "Region"), want{"Region", RuleRegionSyntax})
}
