package policy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/regioncopy/regioncopy/model"
)

// PlanCheck describes a scheduled copy plan for the plan-level rules. Every Field member
// is the path of that element in the user's file, so violations point at it.
type PlanCheck struct {
	SourceRegion      string
	SourceRegionField string
	// SourceAccount is the account the plan runs in ("" = unknown: the cross-account rules
	// are then skipped).
	SourceAccount string
	// ResourceTypes are the types the plan's selection can include, in selection order;
	// ResourceTypesComplete says the selection lists only resources whose type is known
	// (no tags, no open wildcards), so the list is exactly what the plan will copy.
	ResourceTypes         []string
	ResourceTypesComplete bool
	ResourceTypesField    string
	Rules                 []PlanRule
	RulesField            string
}

// PlanRule is one rule of a plan: its windows, the lifecycle of the backups it makes and
// its copy actions.
type PlanRule struct {
	Field                   string
	StartWindowMinutes      int64 // 0 = not set (AWS's default applies)
	CompletionWindowMinutes int64 // 0 = not set
	Lifecycle               model.Lifecycle
	CopyActions             []PlanCopyAction
}

// PlanCopyAction is one copy action of a rule.
type PlanCopyAction struct {
	Field                     string
	DestinationBackupVaultArn string
	Lifecycle                 model.Lifecycle
	// ResourceTypes, regioncopy's extension, limits the action to these types; empty
	// means every selected type (AWS Backup's own behaviour).
	ResourceTypes      []string
	ResourceTypesField string
}

// CheckPlan checks the plan-level rules and every copy action's route, type and
// lifecycle, and that its destination vault is in SourceAccount (CheckSameAccount),
// returning all violations at once (errors.Join of *Violation).
func (r *Rules) CheckPlan(p PlanCheck) error {
	r = r.orDefault()
	var vs violations
	srcOK := checkRegion(&vs, p.SourceRegion, p.SourceRegionField)
	if srcOK {
		r.checkSourceRegion(&vs, p.SourceRegion, p.SourceRegionField)
	}
	vs.addErr(r.CheckRuleCount(len(p.Rules), p.RulesField))

	// A cross-account copy action with the types it copies (or, for a selection by tags
	// or wildcards, may copy).
	type crossAccount struct {
		field, account string
		types          []string
	}
	var crossAccounts []crossAccount
	for _, rule := range p.Rules {
		vs.addErr(r.CheckWindows(rule.StartWindowMinutes, rule.CompletionWindowMinutes, rule.Field))
		r.checkPlanLifecycle(&vs, p, rule.Lifecycle, p.ResourceTypes, join(rule.Field, "Lifecycle"))
		vs.addErr(r.CheckCopyActionCount(len(rule.CopyActions), join(rule.Field, "CopyActions")))
		var seen []string
		for _, ca := range rule.CopyActions {
			vaultField := join(ca.Field, "DestinationBackupVaultArn")
			if ca.DestinationBackupVaultArn == "" {
				vs.add(vaultField, RuleRequired, "a copy action needs the ARN of its destination vault")
			}
			var vault ARN
			ok := false
			if ca.DestinationBackupVaultArn != "" {
				vault, ok = r.checkDestination(&vs, p.SourceRegion, srcOK, "", ca.DestinationBackupVaultArn, vaultField, vaultField)
			}
			if ok {
				if slices.Contains(seen, vault.Raw) {
					vs.add(vaultField, RuleDuplicateDestination, "this rule already copies to %s; each destination vault once per rule", vault.Raw)
				}
				seen = append(seen, vault.Raw)
			}
			covered := r.checkActionTypes(&vs, p, ca)
			if ok {
				checkSameAccount(&vs, p.SourceAccount, vault, vaultField)
			}
			if ok && p.SourceAccount != "" && vault.AccountID != p.SourceAccount {
				crossAccounts = append(crossAccounts, crossAccount{vaultField, vault.AccountID, r.mayCopy(p, ca, covered)})
			}
			for _, t := range covered {
				if !r.CopyableCrossRegion(t) {
					vs.add(ca.Field, RuleTypeNotCopyable, "the selection includes %s resources (%s), and %s recovery points cannot be copied to another Region",
						t, p.ResourceTypesField, t)
				}
			}
			r.checkPlanLifecycle(&vs, p, ca.Lifecycle, covered, join(ca.Field, "Lifecycle"))
		}
	}

	// Every copy regioncopy makes is cross-Region (checkDestination enforces it), so for
	// the types that may not mix the two, any cross-account copy action that copies them
	// is a mix.
	for _, ca := range crossAccounts {
		var mixed []string
		for _, t := range ca.types {
			if slices.Contains(r.NoMixedCrossRegionAndCrossAccount, t) && !slices.Contains(mixed, t) {
				mixed = append(mixed, t)
			}
		}
		if len(mixed) == 0 {
			continue
		}
		verb := "includes"
		if !p.ResourceTypesComplete {
			verb = "may include (through tags or wildcards)"
		}
		vs.add(ca.field, RuleMixedCrossRegionAndAcct,
			"the selection %s %s (%s), which may not mix cross-Region and cross-account copies in one plan, but this copy goes to account %s (the plan runs in %s) and to another Region",
			verb, strings.Join(mixed, ", "), p.ResourceTypesField, ca.account, p.SourceAccount)
	}
	return vs.err()
}

// mayCopy returns the types a copy action copies: those covered by its filter and, when
// the selection's types are not all known (tags, wildcards), every type its filter lets
// through.
func (r *Rules) mayCopy(p PlanCheck, ca PlanCopyAction, covered []string) []string {
	if p.ResourceTypesComplete {
		return covered
	}
	if len(ca.ResourceTypes) == 0 {
		return append(slices.Clone(covered), KnownResourceTypes...)
	}
	return append(slices.Clone(covered), ca.ResourceTypes...)
}

// checkActionTypes checks a copy action's ResourceTypes filter and returns the selected
// types the action copies. A type whose copy rules apply to the whole plan is copied by
// every action, whatever its filter says, so a filter that leaves one out is a violation.
func (r *Rules) checkActionTypes(vs *violations, p PlanCheck, ca PlanCopyAction) []string {
	if len(ca.ResourceTypes) == 0 {
		return p.ResourceTypes
	}
	for i, t := range ca.ResourceTypes {
		if !slices.Contains(KnownResourceTypes, t) {
			vs.add(fmt.Sprintf("%s[%d]", ca.ResourceTypesField, i), RuleUnknownResourceTypeInRule,
				"%q is not an AWS Backup resource type (known: %v)", t, KnownResourceTypes)
		}
	}
	var covered []string
	for _, t := range p.ResourceTypes {
		if slices.Contains(ca.ResourceTypes, t) {
			covered = append(covered, t)
		}
	}
	for _, t := range r.WholePlanCopyResourceTypes {
		if slices.Contains(ca.ResourceTypes, t) {
			continue
		}
		switch {
		case slices.Contains(p.ResourceTypes, t):
			vs.add(ca.ResourceTypesField, RuleWholePlanCopy,
				"the selection includes %s (%s), and %s copy rules apply to the whole plan: every copy action copies it, so this action cannot leave it out",
				t, p.ResourceTypesField, t)
			covered = append(covered, t)
		case !p.ResourceTypesComplete:
			vs.add(ca.ResourceTypesField, RuleWholePlanCopy,
				"the selection (%s) may include %s through tags or wildcards, and %s copy rules apply to the whole plan: this action cannot leave it out",
				p.ResourceTypesField, t, t)
		}
	}
	return covered
}

// checkPlanLifecycle checks a rule's or a copy action's lifecycle, which applies to
// types. The arithmetic always applies; a cold transition is refused only when the plan
// is known to copy no type that supports cold storage (AWS applies one lifecycle to every
// selected type and ignores the cold transition for the others, so a mixed plan is
// legitimate).
func (r *Rules) checkPlanLifecycle(vs *violations, p PlanCheck, l model.Lifecycle, types []string, field string) {
	vs.addErr(r.CheckLifecycleArithmetic(l, field))
	if l.MoveToColdStorageAfterDays <= 0 || !p.ResourceTypesComplete {
		return
	}
	for _, t := range types {
		if r.SupportsColdStorage(t) {
			return
		}
	}
	vs.add(join(field, "MoveToColdStorageAfterDays"), RuleColdStorageUnsupported,
		"none of the types this applies to (%v) can move to cold storage (types with cold storage: %v); remove MoveToColdStorageAfterDays",
		types, r.ColdStorageResourceTypes)
}

// CheckRuleCount checks the number of rules in one plan (at least one, at most MaxRulesPerPlan).
func (r *Rules) CheckRuleCount(n int, field string) error {
	r = r.orDefault()
	switch {
	case n == 0:
		return &Violation{Field: field, Rule: RuleRequired, Message: "a plan needs at least one rule"}
	case n > r.MaxRulesPerPlan:
		return &Violation{Field: field, Rule: RuleRulesPerPlan,
			Message: fmt.Sprintf("%d rules; AWS Backup allows at most %d rules per plan", n, r.MaxRulesPerPlan)}
	}
	return nil
}

// CheckCopyActionCount checks the number of copy actions in one rule.
func (r *Rules) CheckCopyActionCount(n int, field string) error {
	r = r.orDefault()
	if n > r.MaxCopyActionsPerRule {
		return &Violation{Field: field, Rule: RuleCopyActionsPerRule,
			Message: fmt.Sprintf("%d copy actions; AWS Backup allows at most %d per rule", n, r.MaxCopyActionsPerRule)}
	}
	return nil
}

// CheckWindows checks a rule's StartWindowMinutes and CompletionWindowMinutes (0 = not
// set, AWS's defaults apply): not negative, at most MaxWindowMinutes, a start window of
// at least MinStartWindowMinutes, and a completion window at least
// MinCompletionAfterStartMinutes longer than the start window (when the start window is
// not set, than AWS's default start window). Violations name field +
// ".StartWindowMinutes" or ".CompletionWindowMinutes".
func (r *Rules) CheckWindows(start, completion int64, field string) error {
	r = r.orDefault()
	var vs violations
	startField, completionField := join(field, "StartWindowMinutes"), join(field, "CompletionWindowMinutes")
	startOK, completionOK := true, true
	for _, w := range []struct {
		name string
		v    int64
		ok   *bool
	}{{startField, start, &startOK}, {completionField, completion, &completionOK}} {
		switch {
		case w.v < 0:
			vs.add(w.name, RuleWindowNonNegative, "must not be negative, got %d", w.v)
			*w.ok = false
		case w.v > r.MaxWindowMinutes:
			vs.add(w.name, RuleWindowMax, "%d minutes is more than AWS's maximum of %d minutes (100 years)", w.v, r.MaxWindowMinutes)
			*w.ok = false
		}
	}
	if startOK && start > 0 && start < r.MinStartWindowMinutes {
		vs.add(startField, RuleStartWindowMin, "%d minutes is less than AWS's minimum start window of %d minutes", start, r.MinStartWindowMinutes)
	}
	if startOK && completionOK && completion > 0 {
		base := start
		if base == 0 {
			base = r.DefaultStartWindowMinutes
		}
		if completion < base+r.MinCompletionAfterStartMinutes {
			vs.add(completionField, RuleCompletionWindowMin,
				"%d minutes; the completion window counts from the scheduled time, so it must be at least the start window (%d) + %d = %d minutes",
				completion, base, r.MinCompletionAfterStartMinutes, base+r.MinCompletionAfterStartMinutes)
		}
	}
	return vs.err()
}

// CheckScheduleInterval checks the shortest gap, in minutes, between two runs of a rule's
// schedule (computed by the caller from the parsed expression).
func (r *Rules) CheckScheduleInterval(gapMinutes int64, field string) error {
	r = r.orDefault()
	if gapMinutes < r.MinScheduleIntervalMinutes {
		return &Violation{Field: field, Rule: RuleScheduleInterval,
			Message: fmt.Sprintf("runs %d minutes apart; AWS Backup schedules snapshot backups at most every %d minutes", gapMinutes, r.MinScheduleIntervalMinutes)}
	}
	return nil
}
