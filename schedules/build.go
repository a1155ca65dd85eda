package schedules

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/awscron"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/plan"
	"github.com/regioncopy/regioncopy/policy"
)

// Options say where runs go and how a plan file's defaults resolve.
type Options struct {
	// TaskQueue the PlanRun workflows run on; "" means model.DefaultTaskQueue.
	TaskQueue string
	// DefaultRegion is the source Region of a plan whose RegionCopy.SourceRegion is empty
	// (the Region the CLI runs against), as in plan.Options.
	DefaultRegion string
	// Rules are the cross-Region rules the plan file was validated with (plan.Options);
	// every rule's PlanRunInput carries them so its runs hand copies over by the same
	// rules. Nil means the seed rules, and the inputs carry none.
	Rules *policy.Rules
}

// AWS Backup's defaults for a rule's windows (botocore's BackupRuleInput documentation).
const (
	DefaultStartWindowMinutes      = 480
	DefaultCompletionWindowMinutes = 10080
)

// revisionFormat changes when the way schedules are built changes, so that Apply updates
// schedules built the old way even if their plan file did not change.
const revisionFormat = "schedules/1"

// Rule is the schedule one plan rule should have.
type Rule struct {
	ID        string
	Input     model.PlanRunInput
	Spec      client.ScheduleSpec
	Policies  client.SchedulePolicies
	TaskQueue string
}

// ScheduleID is the id of a plan rule's schedule.
func ScheduleID(planName, ruleName string) string { return "plan/" + planName + "/" + ruleName }

// planPrefix starts the id of every schedule of a plan.
func planPrefix(planName string) string { return "plan/" + planName + "/" }

// Build returns the schedules a validated plan file asks for, one per rule, in the
// file's order.
func Build(f *plan.File, o Options) ([]Rule, error) {
	if f == nil || f.BackupPlan.BackupPlanName == "" {
		return nil, errors.New("schedules: BackupPlan.BackupPlanName: a plan needs a name")
	}
	if o.TaskQueue == "" {
		o.TaskQueue = model.DefaultTaskQueue
	}
	rc := plan.RegionCopy{}
	if f.RegionCopy != nil {
		rc = *f.RegionCopy
	}
	region := rc.SourceRegion
	if region == "" {
		region = o.DefaultRegion
	}
	if region == "" {
		return nil, errors.New("schedules: RegionCopy.SourceRegion: no source Region in the plan and no default Region given")
	}
	var errs []error
	var out []Rule
	for i, r := range f.BackupPlan.Rules {
		field := fmt.Sprintf("BackupPlan.Rules[%d].ScheduleExpression", i)
		expr, err := awscron.Parse(r.Schedule())
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", field, err))
			continue
		}
		spec, err := expr.ScheduleSpec(r.ScheduleExpressionTimezone)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", field, err))
			continue
		}
		in := ruleInput(f, r, rc, region)
		in.Rules = o.Rules.Encode()
		startWindow := in.StartWindowMinutes
		if startWindow == 0 {
			startWindow = DefaultStartWindowMinutes
		}
		rule := Rule{
			ID:    ScheduleID(in.Plan, in.Rule),
			Input: in,
			Spec:  spec,
			Policies: client.SchedulePolicies{
				Overlap:        enumspb.SCHEDULE_OVERLAP_POLICY_ALLOW_ALL,
				CatchupWindow:  time.Duration(startWindow) * time.Minute,
				PauseOnFailure: false,
			},
			TaskQueue: o.TaskQueue,
		}
		rule.Input.Revision = rule.revision()
		out = append(out, rule)
	}
	return out, errors.Join(errs...)
}

// revision hashes everything the schedule is built from.
func (r Rule) revision() string {
	in := r.Input
	in.Revision = ""
	b, err := json.Marshal(struct {
		Format    string
		Input     model.PlanRunInput
		Spec      client.ScheduleSpec
		Policies  client.SchedulePolicies
		TaskQueue string
	}{revisionFormat, in, r.Spec, r.Policies, r.TaskQueue})
	if err != nil {
		// Plain data of known types always marshals.
		panic(fmt.Sprintf("schedules: marshal revision: %v", err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

func ruleInput(f *plan.File, r plan.Rule, rc plan.RegionCopy, region string) model.PlanRunInput {
	in := model.PlanRunInput{
		Plan:                       f.BackupPlan.BackupPlanName,
		Rule:                       r.RuleName,
		SourceRegion:               region,
		ScheduleExpression:         r.Schedule(),
		ScheduleExpressionTimezone: r.ScheduleExpressionTimezone,
		BackupVaultName:            r.TargetBackupVaultName,
		StartWindowMinutes:         r.StartWindowMinutes,
		CompletionWindowMinutes:    r.CompletionWindowMinutes,
		Lifecycle:                  lifecycle(r.Lifecycle),
		RecoveryPointTags:          r.RecoveryPointTags,
		CopyOnly:                   rc.CopyOnly,
		IamRoleArn:                 rc.IamRoleArn,
	}
	for _, ca := range r.CopyActions {
		pca := model.PlanCopyAction{
			DestinationBackupVaultArn: ca.DestinationBackupVaultArn,
			Lifecycle:                 lifecycle(ca.Lifecycle),
			Coalesce:                  rc.Coalesce,
		}
		for _, d := range rc.Destinations {
			if d.DestinationBackupVaultArn != ca.DestinationBackupVaultArn {
				continue
			}
			pca.RpoMinutes = d.RpoMinutes
			pca.ResourceTypes = d.ResourceTypes
			if d.Coalesce != nil {
				pca.Coalesce = *d.Coalesce
			}
		}
		in.CopyActions = append(in.CopyActions, pca)
	}
	if s := f.BackupSelection; s != nil {
		if s.IamRoleArn != "" {
			in.IamRoleArn = s.IamRoleArn
		}
		sel := &model.PlanSelection{
			SelectionName: s.SelectionName,
			Resources:     s.Resources,
			NotResources:  s.NotResources,
		}
		for _, c := range s.ListOfTags {
			sel.ListOfTags = append(sel.ListOfTags, model.PlanTagCondition(c))
		}
		if c := s.Conditions; c != nil {
			sel.Conditions = model.PlanSelectionFilters{
				StringEquals:    params(c.StringEquals),
				StringNotEquals: params(c.StringNotEquals),
				StringLike:      params(c.StringLike),
				StringNotLike:   params(c.StringNotLike),
			}
		}
		in.Selection = sel
	}
	return in
}

func params(ps []plan.ConditionParameter) []model.PlanTagCondition {
	var out []model.PlanTagCondition
	for _, p := range ps {
		out = append(out, model.PlanTagCondition{ConditionKey: p.ConditionKey, ConditionValue: p.ConditionValue})
	}
	return out
}

func lifecycle(l *plan.Lifecycle) model.Lifecycle {
	if l == nil {
		return model.Lifecycle{}
	}
	return model.Lifecycle{MoveToColdStorageAfterDays: l.MoveToColdStorageAfterDays, DeleteAfterDays: l.DeleteAfterDays}
}

// action is what the schedule starts.
func (r Rule) action() *client.ScheduleWorkflowAction {
	return &client.ScheduleWorkflowAction{
		ID:                    "planrun/" + r.Input.Plan + "/" + r.Input.Rule,
		Workflow:              model.WorkflowPlanRun,
		Args:                  []any{r.Input},
		TaskQueue:             r.TaskQueue,
		TypedSearchAttributes: temporal.NewSearchAttributes(model.PlanKey.ValueSet(r.Input.Plan)),
		StaticSummary:         fmt.Sprintf("Plan %s, rule %s: %s", r.Input.Plan, r.Input.Rule, r.describeSchedule()),
	}
}

func (r Rule) describeSchedule() string {
	tz := r.Input.ScheduleExpressionTimezone
	if tz == "" {
		tz = "UTC"
	}
	return r.Input.ScheduleExpression + " " + tz
}
