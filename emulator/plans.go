package emulator

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Backup plans and selections are stored and served, not executed: regioncopy (or a test)
// starts the jobs a plan describes.

type backupRuleWire struct {
	RuleName                   string
	TargetBackupVaultName      string
	ScheduleExpression         string            `json:",omitempty"`
	ScheduleExpressionTimezone string            `json:",omitempty"`
	StartWindowMinutes         *int64            `json:",omitempty"`
	CompletionWindowMinutes    *int64            `json:",omitempty"`
	Lifecycle                  *Lifecycle        `json:",omitempty"`
	RecoveryPointTags          map[string]string `json:",omitempty"`
	RuleId                     string            `json:",omitempty"`
	CopyActions                []copyActionWire  `json:",omitempty"`
	EnableContinuousBackup     *bool             `json:",omitempty"`
}

type copyActionWire struct {
	Lifecycle                 *Lifecycle `json:",omitempty"`
	DestinationBackupVaultArn string
}

type backupPlanWire struct {
	BackupPlanName         string
	Rules                  []backupRuleWire
	AdvancedBackupSettings []map[string]any `json:",omitempty"`
}

type backupSelectionWire struct {
	SelectionName string
	IamRoleArn    string
	Resources     []string         `json:",omitempty"`
	NotResources  []string         `json:",omitempty"`
	ListOfTags    []map[string]any `json:",omitempty"`
	Conditions    map[string]any   `json:",omitempty"`
}

var planNamePattern = regexp.MustCompile(`^[a-zA-Z0-9\-_.]{1,50}$`)

const (
	maxRulesPerPlan       = 10
	maxCopyActionsPerRule = 5
)

func (e *Emulator) validatePlan(p *backupPlanWire) *apiError {
	if p.BackupPlanName == "" {
		return errMissingParameter("BackupPlan.BackupPlanName")
	}
	if !planNamePattern.MatchString(p.BackupPlanName) {
		return errInvalidParameter("BackupPlan.BackupPlanName %q must be up to 50 letters, digits, hyphens, underscores or periods", p.BackupPlanName)
	}
	if len(p.Rules) == 0 {
		return errMissingParameter("BackupPlan.Rules")
	}
	if len(p.Rules) > maxRulesPerPlan {
		return errLimitExceeded("BackupPlan.Rules has %d rules; at most %d are allowed", len(p.Rules), maxRulesPerPlan)
	}
	names := map[string]bool{}
	for i := range p.Rules {
		r := &p.Rules[i]
		field := "BackupPlan.Rules[" + strconv.Itoa(i) + "]"
		if r.RuleName == "" {
			return errMissingParameter(field + ".RuleName")
		}
		if names[r.RuleName] {
			return errInvalidParameter("%s.RuleName %q is used by another rule of the plan", field, r.RuleName)
		}
		names[r.RuleName] = true
		if err := validateVaultName(r.TargetBackupVaultName); err != nil {
			err.Message = field + ".TargetBackupVaultName: " + err.Message
			return err
		}
		if s := r.ScheduleExpression; s != "" && !((strings.HasPrefix(s, "cron(") || strings.HasPrefix(s, "rate(")) && strings.HasSuffix(s, ")")) {
			return errInvalidParameter("%s.ScheduleExpression %q must be a cron(...) or rate(...) expression", field, s)
		}
		if w := r.StartWindowMinutes; w != nil && *w < 60 {
			return errInvalidParameter("%s.StartWindowMinutes %d must be at least 60", field, *w)
		}
		if err := e.validateLifecycle(field+".Lifecycle", r.Lifecycle); err != nil {
			return err
		}
		if len(r.CopyActions) > maxCopyActionsPerRule {
			return errLimitExceeded("%s.CopyActions has %d actions; at most %d are allowed", field, len(r.CopyActions), maxCopyActionsPerRule)
		}
		for k, a := range r.CopyActions {
			af := field + ".CopyActions[" + strconv.Itoa(k) + "]"
			if a.DestinationBackupVaultArn == "" {
				return errMissingParameter(af + ".DestinationBackupVaultArn")
			}
			if _, _, _, err := parseVaultArn(af+".DestinationBackupVaultArn", a.DestinationBackupVaultArn); err != nil {
				return err
			}
			if err := e.validateLifecycle(af+".Lifecycle", a.Lifecycle); err != nil {
				return err
			}
		}
	}
	return nil
}

func (e *Emulator) createBackupPlan(c *call) (any, *apiError) {
	var in struct {
		BackupPlan       *backupPlanWire
		BackupPlanTags   map[string]string
		CreatorRequestId string
	}
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	if in.BackupPlan == nil {
		return nil, errMissingParameter("BackupPlan")
	}
	if err := e.validatePlan(in.BackupPlan); err != nil {
		return nil, err
	}
	for _, p := range e.st.Plans {
		if p.Region != c.region || !p.DeletionDate.IsZero() {
			continue
		}
		if in.CreatorRequestId != "" && p.CreatorRequestId == in.CreatorRequestId {
			return nil, errAlreadyExists("A backup plan with CreatorRequestId %q already exists: %s", in.CreatorRequestId, p.Arn)
		}
		if p.Plan.BackupPlanName == in.BackupPlan.BackupPlanName {
			return nil, errAlreadyExists("A backup plan named %q already exists in %s: %s", p.Plan.BackupPlanName, c.region, p.Arn)
		}
	}
	id, seq := e.nextID("plan")
	version, _ := e.nextID("plan-version")
	plan := &plan{ID: id, Arn: "arn:aws:backup:" + c.region + ":" + e.cfg.AccountID + ":backup-plan:" + id, Region: c.region,
		VersionId: strings.ReplaceAll(version, "-", ""), CreatorRequestId: in.CreatorRequestId, CreationDate: c.now,
		Plan: *in.BackupPlan, Tags: in.BackupPlanTags, Seq: seq}
	for i := range plan.Plan.Rules {
		ruleID, _ := e.nextID("rule")
		plan.Plan.Rules[i].RuleId = ruleID
	}
	e.st.Plans[id] = plan
	e.dirty = true
	return map[string]any{"BackupPlanId": id, "BackupPlanArn": plan.Arn, "CreationDate": ts(c.now), "VersionId": plan.VersionId}, nil
}

func (e *Emulator) planIn(c *call) (*plan, *apiError) {
	id := c.labels["backupPlanId"]
	p, ok := e.st.Plans[id]
	if !ok || p.Region != c.region || !p.DeletionDate.IsZero() {
		return nil, errNotFound("Backup plan %s does not exist in %s", id, c.region)
	}
	return p, nil
}

func (e *Emulator) getBackupPlan(c *call) (any, *apiError) {
	p, err := e.planIn(c)
	if err != nil {
		return nil, err
	}
	if v := c.query.Get("versionId"); v != "" && v != p.VersionId {
		return nil, errNotFound("Backup plan %s has no version %s", p.ID, v)
	}
	return map[string]any{"BackupPlan": p.Plan, "BackupPlanId": p.ID, "BackupPlanArn": p.Arn, "VersionId": p.VersionId,
		"CreatorRequestId": p.CreatorRequestId, "CreationDate": ts(p.CreationDate)}, nil
}

func (e *Emulator) listBackupPlans(c *call) (any, *apiError) {
	includeDeleted := c.query.Get("includeDeleted") == "true"
	var plans []*plan
	for _, p := range e.st.Plans {
		if p.Region == c.region && (includeDeleted || p.DeletionDate.IsZero()) {
			plans = append(plans, p)
		}
	}
	slices.SortFunc(plans, func(a, b *plan) int { return int(a.Seq - b.Seq) })
	start, end, next, err := page(c, len(plans), func(i int) string { return ascKey(plans[i].Seq) })
	if err != nil {
		return nil, err
	}
	type member struct {
		BackupPlanArn    string
		BackupPlanId     string
		BackupPlanName   string
		VersionId        string
		CreatorRequestId string     `json:",omitempty"`
		CreationDate     *epochTime `json:",omitempty"`
		DeletionDate     *epochTime `json:",omitempty"`
	}
	out := make([]member, 0, end-start)
	for _, p := range plans[start:end] {
		out = append(out, member{p.Arn, p.ID, p.Plan.BackupPlanName, p.VersionId, p.CreatorRequestId, ts(p.CreationDate), ts(p.DeletionDate)})
	}
	return struct {
		BackupPlansList []member
		NextToken       *string `json:",omitempty"`
	}{out, next}, nil
}

func (e *Emulator) deleteBackupPlan(c *call) (any, *apiError) {
	p, err := e.planIn(c)
	if err != nil {
		return nil, err
	}
	for _, s := range e.st.Selections {
		if s.PlanID == p.ID {
			return nil, errInvalidRequest("Backup plan %s still has selection %s; delete its selections first", p.ID, s.Selection.SelectionName)
		}
	}
	p.DeletionDate = c.now
	e.dirty = true
	return map[string]any{"BackupPlanId": p.ID, "BackupPlanArn": p.Arn, "DeletionDate": ts(c.now), "VersionId": p.VersionId}, nil
}

func (e *Emulator) createBackupSelection(c *call) (any, *apiError) {
	var in struct {
		BackupSelection  *backupSelectionWire
		CreatorRequestId string
	}
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	p, err := e.planIn(c)
	if err != nil {
		return nil, err
	}
	s := in.BackupSelection
	if s == nil {
		return nil, errMissingParameter("BackupSelection")
	}
	if s.SelectionName == "" {
		return nil, errMissingParameter("BackupSelection.SelectionName")
	}
	if len(s.SelectionName) > 50 {
		return nil, errInvalidParameter("BackupSelection.SelectionName %q is longer than 50 characters", s.SelectionName)
	}
	if err := validateRole(s.IamRoleArn); err != nil {
		err.Message = "BackupSelection." + err.Message
		return nil, err
	}
	for i, r := range s.Resources {
		if _, _, ok := classifyResource(r); !ok && r != "*" && !strings.Contains(r, "*") {
			return nil, errInvalidParameter("BackupSelection.Resources[%d] %q is not a resource ARN or wildcard", i, r)
		}
	}
	for _, other := range e.st.Selections {
		if other.PlanID == p.ID && other.Selection.SelectionName == s.SelectionName {
			return nil, errAlreadyExists("Backup plan %s already has a selection named %q", p.ID, s.SelectionName)
		}
	}
	id, seq := e.nextID("selection")
	e.st.Selections[id] = &selection{ID: id, PlanID: p.ID, Region: c.region, CreatorRequestId: in.CreatorRequestId,
		CreationDate: c.now, Selection: *s, Seq: seq}
	e.dirty = true
	return map[string]any{"SelectionId": id, "BackupPlanId": p.ID, "CreationDate": ts(c.now)}, nil
}
