package planrun

import (
	"strconv"
	"strings"

	"github.com/regioncopy/regioncopy/model"
)

// checkInput lists every required field of the run's input that is missing; the plan
// file was validated when it was applied, so this only guards hand-started runs.
func checkInput(in model.PlanRunInput) []string {
	var problems []string
	need := func(field, value string) {
		if strings.TrimSpace(value) == "" {
			problems = append(problems, field+": required")
		}
	}
	need("Plan", in.Plan)
	need("Rule", in.Rule)
	need("SourceRegion", in.SourceRegion)
	need("ScheduleExpression", in.ScheduleExpression)
	need("BackupVaultName", in.BackupVaultName)
	need("IamRoleArn", in.IamRoleArn)
	if !in.CopyOnly && (in.Selection == nil || len(in.Selection.Resources)+len(in.Selection.ListOfTags) == 0) {
		problems = append(problems, "Selection: a plan that takes backups needs Resources or ListOfTags")
	}
	for i, a := range in.CopyActions {
		if a.DestinationBackupVaultArn == "" {
			problems = append(problems, "CopyActions["+strconv.Itoa(i)+"].DestinationBackupVaultArn: required")
		}
	}
	return problems
}

func joinLines(lines []string) string { return "\n- " + strings.Join(lines, "\n- ") }
