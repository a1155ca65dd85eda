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

func typeName(t string) string {
	if t == "" {
		return "these"
	}
	return t
}
