package planrun

import (
	"fmt"
	"strings"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// detailFailures is how many failures the current details show; the result lists more.
const detailFailures = 10

// runDetails is the PlanRun's current details (markdown in the Temporal UI).
func runDetails(in model.PlanRunInput, res model.PlanRunResult, backingUp, awaitingCopies int) string {
	var b strings.Builder
	kind := "backup"
	if in.CopyOnly {
		kind = "copy-only"
	}
	fmt.Fprintf(&b, "### Plan `%s` rule `%s` (%s), run of %s\n\n", in.Plan, in.Rule, kind, res.NominalTime.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "**State:** %s", res.State)
	if res.SkipReason != "" {
		fmt.Fprintf(&b, " (%s)", res.SkipReason)
	}
	t := res.Tally
	fmt.Fprintf(&b, "\n\n%d taken up, %d backing up, %d awaiting copies · %d backups completed · %d missed · %d copies enqueued · %d skipped · %d failed\n",
		t.Resources, backingUp, awaitingCopies, t.BackupsCompleted, t.BackupsMissed, t.CopiesEnqueued, t.CopiesSkipped, t.Failed)
	if l := res.Landings; l != (model.PlanRunLandingTally{}) {
		fmt.Fprintf(&b, "\nCopies: %d landed · %d failed · %d superseded · %d not landed in time\n", l.Landed, l.Failed, l.Superseded, l.Late)
	}
	for i, f := range res.Failures {
		if i == detailFailures {
			fmt.Fprintf(&b, "- … %d more in the result\n", len(res.Failures)-detailFailures)
			break
		}
		fmt.Fprintf(&b, "- ✗ `%s` (%s): %s\n", f.ResourceArn, f.Stage, f.Reason)
	}
	return b.String()
}

// resourceDetails is a PlanResource's current details.
func resourceDetails(in model.PlanResourceInput, res model.PlanResourceResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### `%s` for plan `%s` rule `%s`, run of %s\n\n**State:** %s\n\n",
		in.Resource.ResourceArn, in.Run.Plan, in.Run.Rule, in.NominalTime.UTC().Format(time.RFC3339), res.State)
	if res.BackupJobId != "" {
		fmt.Fprintf(&b, "Backup job `%s`\n\n", res.BackupJobId)
	}
	if res.RecoveryPointArn != "" {
		fmt.Fprintf(&b, "Recovery point `%s`\n\n", res.RecoveryPointArn)
	}
	if res.Error != "" {
		fmt.Fprintf(&b, "✗ %s: %s\n\n", res.Stage, res.Error)
	}
	for _, c := range res.Copies {
		switch {
		case c.Landing == model.PlanCopyLanded && c.Record != nil:
			fmt.Fprintf(&b, "- ✓ `%s`: landed, %s copy `%s` (job `%s`) at %s\n", c.DestinationBackupVaultArn, c.Record.Kind,
				c.Record.DestinationRecoveryPointArn, c.Record.CopyJobId, c.Record.CompletedAt.UTC().Format(time.RFC3339))
		case c.Landing != "" && c.Landing != model.PlanCopyLanded:
			fmt.Fprintf(&b, "- ✗ `%s`: %s: %s\n", c.DestinationBackupVaultArn, c.Landing, c.Reason)
		case c.Enqueued && c.Landing == "" && res.State == model.PlanResourceCopyWait:
			fmt.Fprintf(&b, "- … `%s`: waiting for chain `%s`\n", c.DestinationBackupVaultArn, c.ChainWorkflowId)
		case c.Enqueued:
			fmt.Fprintf(&b, "- ✓ `%s` → chain `%s`\n", c.DestinationBackupVaultArn, c.ChainWorkflowId)
		case c.Skipped != "":
			fmt.Fprintf(&b, "- skipped `%s`: %s\n", c.DestinationBackupVaultArn, c.Skipped)
		default:
			fmt.Fprintf(&b, "- ✗ `%s`: %s\n", c.DestinationBackupVaultArn, c.Error)
		}
	}
	return b.String()
}
