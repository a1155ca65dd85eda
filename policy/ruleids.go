package policy

// Rule identifiers carried by Violation.Rule. They are stable: scripts and tests match
// on them, so never rename one.
const (
	RuleRequired                  = "required"
	RuleRegionSyntax              = "region-syntax"
	RuleARNSyntax                 = "arn-syntax"
	RuleARNKind                   = "arn-kind"
	RuleRegionMismatch            = "region-mismatch"
	RuleSameRegion                = "cross-region-copy-changes-region"
	RuleRegionWithoutCopy         = "region-without-cross-region-copy"
	RuleTypeNotCopyable           = "resource-type-not-copyable-cross-region"
	RuleColdStorageUnsupported    = "cold-storage-unsupported-for-type"
	RuleMinDaysInColdStorage      = "min-days-in-cold-storage"
	RuleLifecycleNonNegative      = "lifecycle-non-negative"
	RuleLifecycleMax              = "lifecycle-max-days"
	RuleCopyActionsPerRule        = "max-copy-actions-per-rule"
	RuleRulesPerPlan              = "max-rules-per-plan"
	RuleStartWindowMin            = "min-start-window"
	RuleCompletionWindowMin       = "min-completion-window"
	RuleWindowMax                 = "max-window-minutes"
	RuleWindowNonNegative         = "window-non-negative"
	RuleWholePlanCopy             = "copy-rules-apply-to-whole-plan"
	RuleMixedCrossRegionAndAcct   = "no-mixed-cross-region-and-cross-account"
	RuleDuplicateDestination      = "duplicate-destination"
	RuleRulesDocument             = "rules-document"
	RuleUnknownResourceTypeInRule = "unknown-resource-type"
	RuleScheduleInterval          = "min-schedule-interval"
	// RuleUnsupported marks what AWS allows but regioncopy does not do (yet), such as a
	// copy into another account's vault.
	RuleUnsupported = "unsupported-by-regioncopy"
)
