package policy

import "regexp"

// regionPattern accepts every Region name AWS has published: a two-letter area, an
// optional partition marker (gov, iso, isob, isoe, isof), a direction and a number, as
// in us-east-1, eu-central-2, us-gov-west-1, us-isob-east-1, ap-southeast-7.
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-(gov|iso[a-z]?))?-[a-z]+-[1-9][0-9]?$`)

// ValidRegion reports whether s is spelled like an AWS Region name.
func ValidRegion(s string) bool { return regionPattern.MatchString(s) }

// CheckRegion returns a violation of RuleRegionSyntax (or RuleRequired for "") naming field.
func CheckRegion(s, field string) error {
	var vs violations
	checkRegion(&vs, s, field)
	return vs.err()
}

func checkRegion(vs *violations, s, field string) bool {
	if s == "" {
		vs.add(field, RuleRequired, "a Region is required")
		return false
	}
	if !ValidRegion(s) {
		vs.add(field, RuleRegionSyntax, "%q is not a Region name (expected a name like us-east-1)", s)
		return false
	}
	return true
}
