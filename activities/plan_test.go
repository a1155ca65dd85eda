package activities

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/testsuite"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
	"github.com/regioncopy/regioncopy/model"
)

// planFixture is an emulator with vault "src" in us-east-1 and the plan activities
// registered by name in a test activity environment.
type planFixture struct {
	srv *emulatortest.Server
	env *testsuite.TestActivityEnvironment
}

func newPlanFixture(t *testing.T) *planFixture {
	t.Helper()
	f := &planFixture{srv: emulatortest.Start(t, emulator.Config{StartTime: epoch})}
	b := NewBackup(f.srv.AWSConfig(east), WithListPageSize(2))
	var suite testsuite.WorkflowTestSuite
	f.env = suite.NewTestActivityEnvironment()
	RegisterPlan(f.env, NewPlans(b, WithTimeScale(60)))
	for name, fn := range activityFuncs(b, &Chains{}) {
		f.env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	if _, err := f.srv.Client(east).CreateBackupVault(context.Background(), &backup.CreateBackupVaultInput{BackupVaultName: aws.String(srcVault)}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *planFixture) run(t *testing.T, name string, in, out any) error {
	t.Helper()
	val, err := f.env.ExecuteActivity(name, in)
	if err != nil {
		return err
	}
	return val.Get(out)
}

// backup takes a completed backup of resource at the emulator's current time.
func (f *planFixture) backup(t *testing.T, resource, token string) string {
	t.Helper()
	out, err := f.srv.Client(east).StartBackupJob(context.Background(), &backup.StartBackupJobInput{
		BackupVaultName: aws.String(srcVault), ResourceArn: aws.String(resource), IamRoleArn: aws.String(role), IdempotencyToken: aws.String(token),
	})
	if err != nil {
		t.Fatal(err)
	}
	f.srv.Emulator.Advance(10 * time.Minute)
	return aws.ToString(out.RecoveryPointArn)
}

func emulatedVolume(n int) string {
	return fmt.Sprintf("arn:aws:ec2:us-east-1:123456789012:volume/vol-%017x", n)
}

// A selection of plain ARNs is resolved without the tagging API (the emulator does not
// serve it, so any tagging call would fail here): in ARN order, page by page from the
// cursor, malformed entries reported once, the worker's time scale passed on.
func TestResolvePlanSelectionOfExplicitArnsNeedsNoTaggingCall(t *testing.T) {
	f := newPlanFixture(t)
	sel := model.PlanSelection{
		Resources:    []string{emulatedVolume(3), emulatedVolume(1), emulatedVolume(2), emulatedVolume(1), "arn:aws:sns:us-east-1:123456789012:alerts"},
		NotResources: []string{"arn:aws:ec2:*:*:volume/vol-00000000000000002"},
	}
	var first model.ResolvePlanSelectionOutput
	if err := f.run(t, model.PlanActResolveSelection, model.ResolvePlanSelectionInput{Region: east, Selection: sel, Limit: 1}, &first); err != nil {
		t.Fatal(err)
	}
	if len(first.Resources) != 1 || first.Resources[0] != (model.SelectedResource{ResourceArn: emulatedVolume(1), ResourceType: "EBS"}) || !first.More {
		t.Errorf("first page %+v", first)
	}
	if len(first.Rejected) != 1 || !strings.Contains(first.Rejected[0].ResourceArn, ":sns:") || first.Rejected[0].Stage != model.PlanStageSelection {
		t.Errorf("rejected %+v, want the SNS topic", first.Rejected)
	}
	if first.TimeScale != 60 {
		t.Errorf("time scale %v, want 60", first.TimeScale)
	}
	var rest model.ResolvePlanSelectionOutput
	if err := f.run(t, model.PlanActResolveSelection, model.ResolvePlanSelectionInput{Region: east, Selection: sel, AfterArn: emulatedVolume(1)}, &rest); err != nil {
		t.Fatal(err)
	}
	if len(rest.Resources) != 1 || rest.Resources[0].ResourceArn != emulatedVolume(3) || rest.More || len(rest.Rejected) != 0 {
		t.Errorf("second page %+v, want vol 3 only (vol 2 is in NotResources)", rest)
	}
}

// Tags and wildcards are resolved from the Region's inventory, which the tagging API's
// GetResources lists: resources are tagged through the same API, then a selection by
// wildcard, ListOfTags and Conditions picks exactly the matching ones. Explicit ARNs
// that were never tagged stay selected.
func TestResolvePlanSelectionByTagsAndWildcards(t *testing.T) {
	f := newPlanFixture(t)
	tc := tagging.NewFromConfig(f.srv.AWSConfig(east))
	tag := func(arn string, tags map[string]string) {
		t.Helper()
		_, err := tc.TagResources(context.Background(), &tagging.TagResourcesInput{ResourceARNList: []string{arn}, Tags: tags})
		if err != nil {
			if strings.Contains(err.Error(), "UnknownOperation") {
				t.Skip("the emulator does not serve the Resource Groups Tagging API")
			}
			t.Fatal(err)
		}
	}
	table := "arn:aws:dynamodb:us-east-1:123456789012:table/orders"
	tag(emulatedVolume(1), map[string]string{"env": "prod", "team": "payments"})
	tag(emulatedVolume(2), map[string]string{"env": "dev", "team": "payments"})
	tag(emulatedVolume(3), map[string]string{"env": "prod", "team": "web"})
	tag(table, map[string]string{"env": "prod", "team": "payments"})

	resolve := func(sel model.PlanSelection) []string {
		t.Helper()
		var out model.ResolvePlanSelectionOutput
		if err := f.run(t, model.PlanActResolveSelection, model.ResolvePlanSelectionInput{Region: east, Selection: sel}, &out); err != nil {
			t.Fatal(err)
		}
		var arns []string
		for _, r := range out.Resources {
			arns = append(arns, r.ResourceArn)
		}
		return arns
	}
	prod := []model.PlanTagCondition{{ConditionType: "STRINGEQUALS", ConditionKey: "env", ConditionValue: "prod"}}
	if got := resolve(model.PlanSelection{ListOfTags: prod}); !slices.Equal(got, []string{table, emulatedVolume(1), emulatedVolume(3)}) {
		t.Errorf("env=prod selected %v", got)
	}
	got := resolve(model.PlanSelection{
		Resources:  []string{"arn:aws:ec2:*:*:volume/*", emulatedVolume(9)},
		Conditions: model.PlanSelectionFilters{StringLike: []model.PlanTagCondition{{ConditionKey: "aws:ResourceTag/team", ConditionValue: "pay*"}}},
	})
	if !slices.Equal(got, []string{emulatedVolume(1), emulatedVolume(2)}) {
		t.Errorf("volumes of team pay* selected %v", got)
	}
	if got := resolve(model.PlanSelection{Resources: []string{"arn:aws:ec2:*:*:volume/*", emulatedVolume(9)}}); !slices.Contains(got, emulatedVolume(9)) || len(got) != 4 {
		t.Errorf("every volume plus an untagged named one: %v", got)
	}
}

// Copy-only listing: the points created in the window, filtered by the selection, in
// ARN order and pages.
func TestListPlanRecoveryPointsReturnsTheWindowsPoints(t *testing.T) {
	f := newPlanFixture(t)
	before := f.backup(t, emulatedVolume(1), "old")
	// AWS's timestamps (and the emulator's filters) have millisecond precision: a second
	// between a window's edge and the nearest point keeps the point clearly on its side.
	after := f.srv.Emulator.Now()
	f.srv.Emulator.Advance(time.Second)
	var inWindow []string
	for i := range 3 {
		inWindow = append(inWindow, f.backup(t, emulatedVolume(1), fmt.Sprintf("new-%d", i)))
	}
	other := f.backup(t, emulatedVolume(2), "other")
	end := f.srv.Emulator.Now()
	f.srv.Emulator.Advance(time.Second)
	late := f.backup(t, emulatedVolume(1), "late")

	var out model.ListPlanRecoveryPointsOutput
	in := model.ListPlanRecoveryPointsInput{Region: east, BackupVaultName: srcVault, CreatedAfter: after, CreatedBefore: end,
		Selection: &model.PlanSelection{Resources: []string{emulatedVolume(1)}}}
	if err := f.run(t, model.PlanActListRecoveryPoints, in, &out); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for i, p := range out.RecoveryPoints {
		got[p.RecoveryPointArn] = true
		if i > 0 && out.RecoveryPoints[i-1].RecoveryPointArn >= p.RecoveryPointArn {
			t.Error("points are not in ARN order")
		}
		if p.ResourceArn != emulatedVolume(1) || p.ResourceType != "EBS" {
			t.Errorf("point %+v", p)
		}
	}
	for _, arn := range inWindow {
		if !got[arn] {
			t.Errorf("point %s of the window is missing", arn)
		}
	}
	for _, arn := range []string{before, other, late} {
		if got[arn] {
			t.Errorf("point %s outside the window or selection was listed", arn)
		}
	}
	if len(out.RecoveryPoints) != 3 || out.More {
		t.Errorf("%d points (more %v), want 3", len(out.RecoveryPoints), out.More)
	}

	in.Limit, in.Selection = 2, nil
	var page1, page2 model.ListPlanRecoveryPointsOutput
	if err := f.run(t, model.PlanActListRecoveryPoints, in, &page1); err != nil {
		t.Fatal(err)
	}
	in.AfterArn = page1.RecoveryPoints[len(page1.RecoveryPoints)-1].RecoveryPointArn
	if err := f.run(t, model.PlanActListRecoveryPoints, in, &page2); err != nil {
		t.Fatal(err)
	}
	if len(page1.RecoveryPoints) != 2 || !page1.More || len(page2.RecoveryPoints) != 2 || page2.More {
		t.Errorf("pages of %d (more %v) and %d (more %v), want 2+2 without a selection", len(page1.RecoveryPoints), page1.More, len(page2.RecoveryPoints), page2.More)
	}
}

func TestPlanActivitiesRefuseIncompleteInput(t *testing.T) {
	f := newPlanFixture(t)
	var out model.ListPlanRecoveryPointsOutput
	err := f.run(t, model.PlanActListRecoveryPoints, model.ListPlanRecoveryPointsInput{Region: east, BackupVaultName: srcVault}, &out)
	wantAppError(t, err, model.ErrInvalidParameter, false, "CreatedAfter")
	var sel model.ResolvePlanSelectionOutput
	err = f.run(t, model.PlanActResolveSelection, model.ResolvePlanSelectionInput{}, &sel)
	wantAppError(t, err, model.ErrInvalidParameter, false, "Region")
}

func TestRegisterPlanRegistersEveryPlanActivity(t *testing.T) {
	reg := &recordingRegistry{names: map[string]any{}}
	RegisterPlan(reg, NewPlans(NewBackup(aws.Config{})))
	for _, n := range []string{model.PlanActResolveSelection, model.PlanActListRecoveryPoints} {
		if _, ok := reg.names[n]; !ok {
			t.Errorf("%s is not registered", n)
		}
	}
}
