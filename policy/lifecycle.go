package policy

import "github.com/regioncopy/regioncopy/model"

// CheckLifecycle checks a lifecycle for a recovery point of resourceType: the arithmetic
// (CheckLifecycleArithmetic) and, when MoveToColdStorageAfterDays is set, that the type
// supports cold storage. AWS silently ignores a cold transition for other types; regioncopy
// rejects it so the user's retention is never different from what they wrote. field
// prefixes the names in violations ("Destinations[0].Lifecycle" names
// "Destinations[0].Lifecycle.DeleteAfterDays").
func (r *Rules) CheckLifecycle(resourceType string, l model.Lifecycle, field string) error {
	r = r.orDefault()
	var vs violations
	vs.addErr(r.CheckLifecycleArithmetic(l, field))
	if l.MoveToColdStorageAfterDays > 0 && !r.SupportsColdStorage(resourceType) {
		vs.add(join(field, "MoveToColdStorageAfterDays"), RuleColdStorageUnsupported,
			"%s recovery points cannot move to cold storage (types with cold storage: %v); remove MoveToColdStorageAfterDays",
			typeName(resourceType), r.ColdStorageResourceTypes)
	}
	return vs.err()
}

// CheckLifecycleArithmetic checks the numbers alone: none negative, none above
// MaxLifecycleDays, and when both are set DeleteAfterDays >= MoveToColdStorageAfterDays +
// MinDaysInColdStorage. Zero means "not set", as in AWS's API.
func (r *Rules) CheckLifecycleArithmetic(l model.Lifecycle, field string) error {
	r = r.orDefault()
	var vs violations
	cold, del := join(field, "MoveToColdStorageAfterDays"), join(field, "DeleteAfterDays")
	for _, f := range []struct {
		name string
		v    int64
	}{{cold, l.MoveToColdStorageAfterDays}, {del, l.DeleteAfterDays}} {
		switch {
		case f.v < 0:
			vs.add(f.name, RuleLifecycleNonNegative, "must not be negative, got %d (leave it out to keep recovery points indefinitely)", f.v)
		case f.v > r.MaxLifecycleDays:
			vs.add(f.name, RuleLifecycleMax, "%d days is more than AWS's maximum of %d days", f.v, r.MaxLifecycleDays)
		}
	}
	if l.MoveToColdStorageAfterDays > 0 && l.DeleteAfterDays > 0 &&
		l.DeleteAfterDays < l.MoveToColdStorageAfterDays+r.MinDaysInColdStorage {
		vs.add(del, RuleMinDaysInColdStorage,
			"recovery points stay in cold storage at least %d days, so DeleteAfterDays must be at least MoveToColdStorageAfterDays + %d = %d, got %d",
			r.MinDaysInColdStorage, r.MinDaysInColdStorage, l.MoveToColdStorageAfterDays+r.MinDaysInColdStorage, l.DeleteAfterDays)
	}
	return vs.err()
}

// RuleLifecycleMinDays: a lifecycle day count that is written out is at least 1 (stable,
// like the identifiers of ruleids.go).
const RuleLifecycleMinDays = "lifecycle-min-days"

// CheckLifecycleDaysGiven checks one day count the user wrote out (a plan file's
// "DeleteAfterDays": 0, the CLI's DeleteAfterDays=0): AWS refuses 0 ("Invalid lifecycle.
// DeleteAfterDays cannot be less than 1 or more than 36500 days"), and in model.Lifecycle
// 0 means "not set", so accepting it would silently keep recovery points forever instead
// of doing what was written. Every caller that can tell a written 0 from an absent value
// asks this one rule. Negative counts are left to CheckLifecycleArithmetic
// (RuleLifecycleNonNegative), so that one mistake is one violation.
func CheckLifecycleDaysGiven(field string, days int64) error {
	var vs violations
	if days == 0 {
		vs.add(field, RuleLifecycleMinDays, "must be at least 1 day, got 0 (AWS counts lifecycle days from the recovery point's creation and refuses 0; leave the field out to keep recovery points indefinitely)")
	}
	return vs.err()
}

func typeName(t string) string {
	if t == "" {
		return "these"
	}
	return t
}
