package emulator_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/emulator"
)

func planInput(name string) *backup.CreateBackupPlanInput {
	return &backup.CreateBackupPlanInput{BackupPlan: &types.BackupPlanInput{
		BackupPlanName: aws.String(name),
		Rules: []types.BackupRuleInput{{
			RuleName: aws.String("daily"), TargetBackupVaultName: aws.String("src"),
			ScheduleExpression: aws.String("cron(0 5 ? * * *)"), ScheduleExpressionTimezone: aws.String("Europe/Paris"),
			StartWindowMinutes: aws.Int64(60), Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(35)},
			CopyActions: []types.CopyAction{{DestinationBackupVaultArn: aws.String(vaultArn(west, "dst")),
				Lifecycle: &types.Lifecycle{DeleteAfterDays: aws.Int64(90)}}},
		}},
	}}
}

func TestBackupPlans(t *testing.T) {
	s := start(t, emulator.Config{})
	c := s.Client(east, noRetry)
	created, err := c.CreateBackupPlan(ctx(t), planInput("compliance"))
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(created.BackupPlanId) == "" || aws.ToString(created.VersionId) == "" || created.CreationDate == nil {
		t.Fatalf("CreateBackupPlan output %+v", created)
	}
	got, err := c.GetBackupPlan(ctx(t), &backup.GetBackupPlanInput{BackupPlanId: created.BackupPlanId})
	if err != nil {
		t.Fatal(err)
	}
	rule := got.BackupPlan.Rules[0]
	if aws.ToString(got.BackupPlan.BackupPlanName) != "compliance" || aws.ToString(rule.RuleId) == "" ||
		aws.ToString(rule.ScheduleExpression) != "cron(0 5 ? * * *)" || aws.ToString(rule.ScheduleExpressionTimezone) != "Europe/Paris" ||
		len(rule.CopyActions) != 1 || aws.ToInt64(rule.CopyActions[0].Lifecycle.DeleteAfterDays) != 90 {
		t.Fatalf("GetBackupPlan round trip lost data: %+v", got.BackupPlan)
	}
	_, err = c.CreateBackupPlan(ctx(t), planInput("compliance"))
	wantAPIError(t, err, "AlreadyExistsException", 400)

	bad := planInput("bad")
	bad.BackupPlan.Rules[0].Lifecycle = &types.Lifecycle{MoveToColdStorageAfterDays: aws.Int64(10), DeleteAfterDays: aws.Int64(20)}
	_, err = c.CreateBackupPlan(ctx(t), bad)
	wantAPIError(t, err, "InvalidParameterValueException", 400)
	many := planInput("many")
	for range 5 {
		many.BackupPlan.Rules[0].CopyActions = append(many.BackupPlan.Rules[0].CopyActions, many.BackupPlan.Rules[0].CopyActions[0])
	}
	_, err = c.CreateBackupPlan(ctx(t), many)
	wantAPIError(t, err, "LimitExceededException", 400)

	sel, err := c.CreateBackupSelection(ctx(t), &backup.CreateBackupSelectionInput{BackupPlanId: created.BackupPlanId,
		BackupSelection: &types.BackupSelection{SelectionName: aws.String("volumes"), IamRoleArn: aws.String(role),
			Resources: []string{volume, "arn:aws:ec2:*:*:volume/*"}}})
	if err != nil || aws.ToString(sel.SelectionId) == "" {
		t.Fatalf("CreateBackupSelection: %+v %v", sel, err)
	}
	_, err = c.CreateBackupSelection(ctx(t), &backup.CreateBackupSelectionInput{BackupPlanId: aws.String("missing"),
		BackupSelection: &types.BackupSelection{SelectionName: aws.String("x"), IamRoleArn: aws.String(role)}})
	wantAPIError(t, err, "ResourceNotFoundException", 400)

	second, err := c.CreateBackupPlan(ctx(t), planInput("second"))
	if err != nil {
		t.Fatal(err)
	}
	list, err := c.ListBackupPlans(ctx(t), &backup.ListBackupPlansInput{})
	if err != nil || len(list.BackupPlansList) != 2 {
		t.Fatalf("ListBackupPlans: %+v %v", list, err)
	}
	// A plan with selections cannot be deleted; one without can.
	_, err = c.DeleteBackupPlan(ctx(t), &backup.DeleteBackupPlanInput{BackupPlanId: created.BackupPlanId})
	wantAPIError(t, err, "InvalidRequestException", 400)
	del, err := c.DeleteBackupPlan(ctx(t), &backup.DeleteBackupPlanInput{BackupPlanId: second.BackupPlanId})
	if err != nil || del.DeletionDate == nil {
		t.Fatalf("DeleteBackupPlan: %+v %v", del, err)
	}
	_, err = c.GetBackupPlan(ctx(t), &backup.GetBackupPlanInput{BackupPlanId: second.BackupPlanId})
	wantAPIError(t, err, "ResourceNotFoundException", 400)
	withDeleted, err := c.ListBackupPlans(ctx(t), &backup.ListBackupPlansInput{IncludeDeleted: aws.Bool(true)})
	if err != nil || len(withDeleted.BackupPlansList) != 2 {
		t.Fatalf("ListBackupPlans IncludeDeleted: %+v %v", withDeleted, err)
	}
	// Plans are regional.
	other, err := s.Client(west).ListBackupPlans(ctx(t), &backup.ListBackupPlansInput{})
	if err != nil || len(other.BackupPlansList) != 0 {
		t.Fatalf("eu-west-1 sees us-east-1 plans: %+v %v", other, err)
	}
}

func TestResourceSeedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "resources.json")
	seed := `{"Resources":[{"ResourceArn":"` + volume + `","SizeBytes":4096,"DailyWriteRate":1}]}`
	if err := os.WriteFile(path, []byte(seed), 0o600); err != nil {
		t.Fatal(err)
	}
	seeds, err := emulator.LoadResourceSeeds(path)
	if err != nil {
		t.Fatal(err)
	}
	s := start(t, emulator.Config{Resources: seeds})
	c := s.Client(east)
	mustVault(t, c, "src", "")
	if got := aws.ToInt64(completedBackup(t, s, c, "src", volume).BackupSizeInBytes); got != 4096 {
		t.Fatalf("seeded resource backed up as %d bytes, want 4096", got)
	}
	if got := aws.ToInt64(completedBackup(t, s, c, "src", volume2).BackupSizeInBytes); got != fullSize {
		t.Fatalf("unseeded resource backed up as %d bytes, want the default %d", got, fullSize)
	}
	if _, err := emulator.New(emulator.Config{Resources: []emulator.ResourceSeed{{ResourceArn: volume, SizeBytes: -1}}}); err == nil {
		t.Fatal("a negative seeded size was accepted")
	}
	if _, err := emulator.ParseResourceSeeds([]byte(`{"Resources":[{"Arn":"x"}]}`)); err == nil {
		t.Fatal("a seed with an unknown field was accepted")
	}
}
