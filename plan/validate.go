package plan

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

// Name syntaxes from botocore's backup model: BackupPlanName, RuleName and SelectionName
// ("1 to 50 alphanumeric or '-_.' characters"), BackupVaultName (^[a-zA-Z0-9\-\_]{2,50}$).
var (
	displayNamePattern = regexp.MustCompile(`^[a-zA-Z0-9\-_.]{1,50}$`)
	vaultNamePattern   = regexp.MustCompile(`^[a-zA-Z0-9\-_]{2,50}$`)
)

// Selection limits from botocore's BackupSelection documentation: "The maximum number of
// ARNs is 500 without wildcards, or 30 ARNs with wildcards."
const (
	maxSelectionARNs         = 500
	maxSelectionWildcardARNs = 30
)

// conditionKeyPrefix: Conditions keys name tags as aws:ResourceTag/<key> (botocore's
// ConditionParameter documentation).
const conditionKeyPrefix = "aws:ResourceTag/"

func (r *report) validate(f *File, opts Options) {
	rules := opts.Rules
	if rules == nil {
		rules = policy.Default()
	}
	now := time.Now()
	if opts.Now != nil {
		now = opts.Now()
	}
	rc := f.RegionCopy
	if rc == nil {
		rc = &RegionCopy{}
	}

	r.validatePlan(&f.BackupPlan, rc.CopyOnly, rules, now)
	types, complete, account := r.validateSelection(f.BackupSelection, rc, opts.DefaultRegion)
	dests := r.validateRegionCopy(f, rc, &account, rules)

	source := rc.SourceRegion
	if source == "" {
		source = opts.DefaultRegion
	}
	check := policy.PlanCheck{
		SourceRegion:          source,
		SourceRegionField:     "RegionCopy.SourceRegion",
		SourceAccount:         account,
		ResourceTypes:         types,
		ResourceTypesComplete: complete,
		ResourceTypesField:    "BackupSelection.Resources",
		RulesField:            "BackupPlan.Rules",
	}
	for i, rule := range f.BackupPlan.Rules {
		pr := policy.PlanRule{
			Field:                   fmt.Sprintf("BackupPlan.Rules[%d]", i),
			StartWindowMinutes:      rule.StartWindowMinutes,
			CompletionWindowMinutes: rule.CompletionWindowMinutes,
			Lifecycle:               rule.Lifecycle.model(),
		}
		for j, ca := range rule.CopyActions {
			pca := policy.PlanCopyAction{
				Field:                     fmt.Sprintf("%s.CopyActions[%d]", pr.Field, j),
				DestinationBackupVaultArn: ca.DestinationBackupVaultArn,
				Lifecycle:                 ca.Lifecycle.model(),
			}
			for _, k := range dests {
				if d := rc.Destinations[k]; d.DestinationBackupVaultArn == ca.DestinationBackupVaultArn {
					pca.ResourceTypes = d.ResourceTypes
					pca.ResourceTypesField = fmt.Sprintf("RegionCopy.Destinations[%d].ResourceTypes", k)
					break
				}
			}
			pr.CopyActions = append(pr.CopyActions, pca)
		}
		check.Rules = append(check.Rules, pr)
	}
	r.addErr(rules.CheckPlan(check))
}

func (l *Lifecycle) model() model.Lifecycle {
	if l == nil {
		return model.Lifecycle{}
	}
	return model.Lifecycle{MoveToColdStorageAfterDays: l.MoveToColdStorageAfterDays, DeleteAfterDays: l.DeleteAfterDays}
}

func (r *report) validatePlan(p *BackupPlan, copyOnly bool, rules *policy.Rules, now time.Time) {
	r.checkName(p.BackupPlanName, "BackupPlan.BackupPlanName", displayNamePattern, "1 to 50 letters, digits, '-', '_' or '.'")
	if len(p.AdvancedBackupSettings) > 0 {
		r.add("BackupPlan.AdvancedBackupSettings", RuleUnsupported, "regioncopy does not apply advanced backup settings (Windows VSS, S3 options); remove them")
	}
	if len(p.ScanSettings) > 0 {
		r.add("BackupPlan.ScanSettings", RuleUnsupported, "regioncopy does not run malware scans; remove ScanSettings")
	}
	var names []string
	for i, rule := range p.Rules {
		f := fmt.Sprintf("BackupPlan.Rules[%d]", i)
		if r.checkName(rule.RuleName, f+".RuleName", displayNamePattern, "1 to 50 letters, digits, '-', '_' or '.'") {
			if slices.Contains(names, rule.RuleName) {
				r.add(f+".RuleName", RuleDuplicateName, "another rule is already named %q; each rule becomes its own schedule, so names must be unique", rule.RuleName)
			}
			names = append(names, rule.RuleName)
		}
		r.checkName(rule.TargetBackupVaultName, f+".TargetBackupVaultName", vaultNamePattern, "2 to 50 letters, digits, '-' or '_'")
		loc := time.UTC
		if tz := rule.ScheduleExpressionTimezone; tz != "" {
			l, err := time.LoadLocation(tz)
			if err != nil || tz == "Local" {
				r.add(f+".ScheduleExpressionTimezone", RuleTimezone, "%q is not an IANA time zone name (like Europe/Paris or UTC)", tz)
				l = nil
			}
			loc = l
		}
		// An absent expression means AWS's default, which is valid by definition.
		if rule.ScheduleExpression != "" {
			r.checkSchedule(rule.ScheduleExpression, loc, now, rules, f+".ScheduleExpression")
		}
		r.checkInputLifecycle(rule.Lifecycle, f+".Lifecycle")
		for j, ca := range rule.CopyActions {
			r.checkInputLifecycle(ca.Lifecycle, fmt.Sprintf("%s.CopyActions[%d].Lifecycle", f, j))
		}
		if copyOnly && len(rule.CopyActions) == 0 {
			r.add(f+".CopyActions", policy.RuleRequired, "a copy-only plan's rules exist to copy: give each at least one copy action")
		}
		if rule.EnableContinuousBackup {
			r.add(f+".EnableContinuousBackup", RuleUnsupported, "regioncopy takes snapshot backups; continuous backup is not supported")
		}
		if rule.TargetLogicallyAirGappedBackupVaultArn != "" {
			r.add(f+".TargetLogicallyAirGappedBackupVaultArn", RuleUnsupported, "regioncopy does not back up to logically air-gapped vaults")
		}
		if len(rule.IndexActions) > 0 {
			r.add(f+".IndexActions", RuleUnsupported, "regioncopy does not create backup indexes; remove IndexActions")
		}
		if len(rule.ScanActions) > 0 {
			r.add(f+".ScanActions", RuleUnsupported, "regioncopy does not run malware scans; remove ScanActions")
		}
	}
}

// checkInputLifecycle checks what AWS rejects in an input Lifecycle beyond the
// arithmetic (which policy checks): a day count written as 0, which decoding cannot tell
// from an absent one (the file's JSON tree can), and DeleteAfterEvent; and the archive
// opt-in, which regioncopy cannot honour.
func (r *report) checkInputLifecycle(l *Lifecycle, field string) {
	if l == nil {
		return
	}
	for _, d := range []struct {
		name string
		days int64
	}{{"MoveToColdStorageAfterDays", l.MoveToColdStorageAfterDays}, {"DeleteAfterDays", l.DeleteAfterDays}} {
		path := field + "." + d.name
		if _, written := r.pos[path]; written {
			r.addErr(policy.CheckLifecycleDaysGiven(path, d.days))
		}
	}
	if l.DeleteAfterEvent != "" {
		r.add(field+".DeleteAfterEvent", RuleNotValidAsInput, "AWS sets DeleteAfterEvent itself; it is not valid as an input")
	}
	// Recovery points and copies carry MoveToColdStorageAfterDays and DeleteAfterDays
	// alone, so an archive opt-in would be dropped without a word.
	if l.OptInToArchiveForSupportedResources {
		r.add(field+".OptInToArchiveForSupportedResources", RuleUnsupported, "regioncopy does not move recovery points to the archive tier; remove OptInToArchiveForSupportedResources")
	}
}

func (r *report) checkName(name, field string, pattern *regexp.Regexp, want string) bool {
	if name == "" {
		r.add(field, policy.RuleRequired, "required")
		return false
	}
	if !pattern.MatchString(name) {
		r.add(field, RuleNameSyntax, "%q: must be %s", name, want)
		return false
	}
	return true
}

// validateSelection checks the selection and returns the resource types it can include,
// whether that list is complete (explicit resources only, no tag selection), and the
// account the plan runs in (from the IAM role).
func (r *report) validateSelection(s *BackupSelection, rc *RegionCopy, defaultRegion string) (types []string, complete bool, account string) {
	if s == nil {
		if !rc.CopyOnly {
			r.add("BackupSelection", policy.RuleRequired, "a plan that takes backups needs a BackupSelection (what to back up)")
		}
		return nil, false, ""
	}
	r.checkName(s.SelectionName, "BackupSelection.SelectionName", displayNamePattern, "1 to 50 letters, digits, '-', '_' or '.'")
	if s.IamRoleArn == "" {
		r.add("BackupSelection.IamRoleArn", policy.RuleRequired, "the IAM role AWS Backup assumes is required")
	} else if role, err := policy.ParseRoleARN(s.IamRoleArn, "BackupSelection.IamRoleArn"); err != nil {
		r.addErr(err)
	} else {
		account = role.AccountID
	}
	source := rc.SourceRegion
	if source == "" {
		source = defaultRegion
	}
	complete = len(s.Resources) > 0 && len(s.ListOfTags) == 0
	for _, list := range []struct {
		name string
		arns []string
		adds bool
	}{{"Resources", s.Resources, true}, {"NotResources", s.NotResources, false}} {
		wildcards := 0
		for i, arn := range list.arns {
			f := fmt.Sprintf("BackupSelection.%s[%d]", list.name, i)
			a, err := policy.ParseResourceSelector(arn, f)
			if err != nil {
				r.addErr(err)
				complete = complete && !list.adds
				continue
			}
			if a.Wildcard {
				wildcards++
			}
			if a.Region != "" && a.Region != "*" && source != "" && policy.ValidRegion(source) && a.Region != source {
				r.add(f, RuleResourceNotRegion, "the resource is in %s but the plan runs in %s; a plan backs up resources of its own Region", a.Region, source)
			}
			if !list.adds {
				continue
			}
			if a.ResourceType == "" {
				complete = false
			} else if !slices.Contains(types, a.ResourceType) {
				types = append(types, a.ResourceType)
			}
		}
		limit := maxSelectionARNs
		if wildcards > 0 {
			limit = maxSelectionWildcardARNs
		}
		if len(list.arns) > limit {
			r.add("BackupSelection."+list.name, RuleSelectionLimit, "%d ARNs; AWS Backup accepts at most %d (%d when any has a wildcard)",
				len(list.arns), limit, maxSelectionWildcardARNs)
		}
	}
	for i, c := range s.ListOfTags {
		f := fmt.Sprintf("BackupSelection.ListOfTags[%d]", i)
		if c.ConditionType != "STRINGEQUALS" {
			r.add(f+".ConditionType", RuleConditionType, "%q: ListOfTags supports only STRINGEQUALS (use Conditions for StringLike and negations)", c.ConditionType)
		}
		if c.ConditionKey == "" {
			r.add(f+".ConditionKey", policy.RuleRequired, "the tag key is required")
		}
	}
	if c := s.Conditions; c != nil {
		for _, list := range []struct {
			name   string
			params []ConditionParameter
		}{{"StringEquals", c.StringEquals}, {"StringNotEquals", c.StringNotEquals}, {"StringLike", c.StringLike}, {"StringNotLike", c.StringNotLike}} {
			for i, p := range list.params {
				f := fmt.Sprintf("BackupSelection.Conditions.%s[%d].ConditionKey", list.name, i)
				switch {
				case p.ConditionKey == "":
					r.add(f, policy.RuleRequired, "the tag key is required, as %s<key>", conditionKeyPrefix)
				case !strings.HasPrefix(p.ConditionKey, conditionKeyPrefix) || p.ConditionKey == conditionKeyPrefix:
					r.add(f, RuleConditionKey, "%q: Conditions name tags as %s<key>", p.ConditionKey, conditionKeyPrefix)
				}
			}
		}
	}
	return types, complete, account
}

// validateRegionCopy checks regioncopy's own settings and returns the indexes in
// rc.Destinations of the destination settings usable for the plan check.
func (r *report) validateRegionCopy(f *File, rc *RegionCopy, account *string, rules *policy.Rules) []int {
	if rc.IamRoleArn != "" {
		role, err := policy.ParseRoleARN(rc.IamRoleArn, "RegionCopy.IamRoleArn")
		if err != nil {
			r.addErr(err)
		} else if *account == "" {
			*account = role.AccountID
		}
	} else if rc.CopyOnly && f.BackupSelection == nil {
		r.add("RegionCopy.IamRoleArn", policy.RuleRequired, "a copy-only plan without a BackupSelection needs the IAM role for its copy jobs here")
	}
	var targets []string
	for _, rule := range f.BackupPlan.Rules {
		for _, ca := range rule.CopyActions {
			targets = append(targets, ca.DestinationBackupVaultArn)
		}
	}
	meant := meantByMisspelt(targets, rc.Destinations)
	var seen []string
	var out []int
	for i, d := range rc.Destinations {
		field := fmt.Sprintf("RegionCopy.Destinations[%d]", i)
		vaultField := field + ".DestinationBackupVaultArn"
		if _, err := policy.ParseVaultARN(d.DestinationBackupVaultArn, vaultField); err != nil {
			r.addErr(err)
			continue
		}
		switch {
		case slices.Contains(seen, d.DestinationBackupVaultArn):
			r.add(vaultField, policy.RuleDuplicateDestination, "settings for this vault are already given above")
			continue
		case !slices.Contains(targets, d.DestinationBackupVaultArn) && !slices.Contains(meant, d.DestinationBackupVaultArn):
			r.add(vaultField, RuleUnknownDest, "no copy action in BackupPlan.Rules copies to this vault; settings must name a copy action's DestinationBackupVaultArn")
		}
		seen = append(seen, d.DestinationBackupVaultArn)
		// Backups run at most every MinScheduleIntervalMinutes, so a shorter RPO can never
		// be met.
		if minRPO := rules.MinScheduleIntervalMinutes; d.RpoMinutes < 0 || (d.RpoMinutes > 0 && d.RpoMinutes < minRPO) {
			r.add(field+".RpoMinutes", RuleRPO, "%d: an RPO is at least %d minutes (AWS Backup schedules backups at most that often), or 0 for none", d.RpoMinutes, minRPO)
		}
		out = append(out, i)
	}
	return out
}

// meantByMisspelt returns the vault ARNs that copy action ARNs which do not parse
// (targets, reported by the plan check) evidently meant, so that settings for such a
// vault are not also reported as settings for a vault no copy action copies to: that is
// the same mistake, and goes away when the copy action is fixed.
//
// A misspelt ARN evidently means a vault when it differs from that vault's ARN in just
// one of the ':'-separated fields (a misspelt "backup-vualt", Region, account or vault
// name) and from no other vault ARN of the file (copy actions' and settings') that way.
// The differing field is then the one the plan check reports, so fixing it gives that
// vault or one nothing else in the file names. Comparing raw strings would excuse
// nothing, as the settings' ARN parses and the copy action's does not; skipping the
// check whenever a copy action ARN is misspelt would hide settings for a vault that no
// copy action, fixed or not, copies to; and when two vaults fit, at most one of them
// can be meant, so neither is excused. A misspelling that moves a separator excuses
// nothing: the settings are then reported too rather than risk hiding a real mistake.
func meantByMisspelt(targets []string, dests []DestinationOptions) []string {
	var vaults, misspelt []string
	add := func(s string) {
		if _, err := policy.ParseVaultARN(s, ""); err == nil {
			if !slices.Contains(vaults, s) {
				vaults = append(vaults, s)
			}
		} else if s != "" && !slices.Contains(misspelt, s) {
			misspelt = append(misspelt, s)
		}
	}
	for _, t := range targets {
		add(t)
	}
	for _, d := range dests {
		if _, err := policy.ParseVaultARN(d.DestinationBackupVaultArn, ""); err == nil {
			add(d.DestinationBackupVaultArn)
		}
	}
	var meant []string
	for _, m := range misspelt {
		var fit []string
		for _, v := range vaults {
			if oneFieldApart(m, v) {
				fit = append(fit, v)
			}
		}
		if len(fit) == 1 {
			meant = append(meant, fit[0])
		}
	}
	return meant
}

// oneFieldApart reports whether a and b have as many ':'-separated fields and differ in
// exactly one.
func oneFieldApart(a, b string) bool {
	fa, fb := strings.Split(a, ":"), strings.Split(b, ":")
	if len(fa) != len(fb) {
		return false
	}
	n := 0
	for i := range fa {
		if fa[i] != fb[i] {
			n++
		}
	}
	return n == 1
}
