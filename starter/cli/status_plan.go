package cli

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// planRunStatusFromResult reads a closed PlanRun's result, which is also what its status
// query answers; the latest run of the id is followed, so a run that continued as new
// reports its whole tally.
func planRunStatusFromResult(ctx context.Context, c client.Client, id, runID string) (model.PlanRunResult, error) {
	var res model.PlanRunResult
	err := c.GetWorkflow(ctx, id, runID).Get(ctx, &res)
	return res, err
}

// planResourceStatusFromResult reads a closed PlanResource's result; a child that failed
// carries the same result in its error's details.
func planResourceStatusFromResult(ctx context.Context, c client.Client, id, runID string) (model.PlanResourceResult, error) {
	var res model.PlanResourceResult
	err := c.GetWorkflow(ctx, id, runID).Get(ctx, &res)
	if err == nil {
		return res, nil
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == model.ErrPlanResourceFailed && appErr.HasDetails() {
		if derr := appErr.Details(&res); derr == nil {
			return res, nil
		}
	}
	return model.PlanResourceResult{}, err
}

// printPlanRunStatus shows one scheduled run of a plan rule: its state, what it did and
// every resource it could not finish.
func printPlanRunStatus(app *App, pr model.PlanRunResult) {
	w := app.Env.Stdout
	fmt.Fprintf(w, "  state:    %s\n", orDash(pr.State))
	fmt.Fprintf(w, "  plan:     %s, rule %s\n", pr.Plan, pr.Rule)
	fmt.Fprintf(w, "  nominal time: %s\n", formatTime(pr.NominalTime))
	if pr.SkipReason != "" {
		fmt.Fprintf(w, "  skipped:  %s\n", pr.SkipReason)
	}
	t := pr.Tally
	fmt.Fprintf(w, "  resources: %d taken up; backups %d completed, %d missed; copies %d handed to chains, %d skipped; %d failed\n",
		t.Resources, t.BackupsCompleted, t.BackupsMissed, t.CopiesEnqueued, t.CopiesSkipped, t.Failed)
	if l := pr.Landings; l != (model.PlanRunLandingTally{}) {
		fmt.Fprintf(w, "  copies:   %d landed, %d failed, %d superseded, %d not landed in time\n", l.Landed, l.Failed, l.Superseded, l.Late)
	}
	if len(pr.Copies) > 0 {
		tw := newTable(w)
		fmt.Fprintln(tw, "  RESOURCE\tDESTINATION\tCOPY\tKIND\tSIZE\tCOMPLETED\tJOB\tREASON")
		for _, c := range pr.Copies {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ResourceArn, c.DestinationBackupVaultArn, c.Landing, orDash(string(c.Kind)),
				sizeOrDash(c.BackupSizeInBytes, c.CopyJobId), formatTime(c.CompletedAt), orDash(c.CopyJobId), orDash(c.Reason))
		}
		tw.Flush()
		if n := landingCount(pr.Landings); n > len(pr.Copies) {
			fmt.Fprintf(w, "  (%d more copies not listed)\n", n-len(pr.Copies))
		}
	}
	if len(pr.Failures) == 0 {
		return
	}
	tw := newTable(w)
	fmt.Fprintln(tw, "  FAILED RESOURCE\tSTAGE\tREASON")
	for _, f := range pr.Failures {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.ResourceArn, f.Stage, f.Reason)
	}
	tw.Flush()
	if t.Failed > len(pr.Failures) {
		fmt.Fprintf(w, "  (%d more failures not listed)\n", t.Failed-len(pr.Failures))
	}
}

// printPlanResourceStatus shows one resource of a plan run: its backup and what became
// of each copy action.
func printPlanResourceStatus(app *App, pr model.PlanResourceResult) {
	w := app.Env.Stdout
	fmt.Fprintf(w, "  state:    %s\n", orDash(pr.State))
	fmt.Fprintf(w, "  resource: %s %s\n", orDash(pr.ResourceType), pr.ResourceArn)
	backup := "-"
	if pr.BackupJobId != "" {
		backup = "job " + pr.BackupJobId
		if pr.BackupCompleted {
			backup += " (completed)"
		}
	}
	fmt.Fprintf(w, "  backup:   %s\n", backup)
	fmt.Fprintf(w, "  recovery point: %s\n", orDash(pr.RecoveryPointArn))
	if pr.Error != "" {
		fmt.Fprintf(w, "  failed at %s: %s\n", orDash(pr.Stage), pr.Error)
	}
	if len(pr.Copies) == 0 {
		return
	}
	tw := newTable(w)
	fmt.Fprintln(tw, "  DESTINATION\tOUTCOME\tCOPY JOB\tCOPY\tCHAIN\tREASON")
	for _, c := range pr.Copies {
		outcome, reason := "NOT SENT", ""
		switch {
		case c.Error != "":
			outcome, reason = "NOT SENT", c.Error
		case c.Skipped != "":
			outcome, reason = "SKIPPED", c.Skipped
		case c.Landing != "":
			outcome, reason = c.Landing, c.Reason // the chain's answer: the copy's proof
		case c.Enqueued:
			outcome = "HANDED TO CHAIN"
		}
		job, copied := "-", "-"
		if r := c.Record; r != nil {
			job, copied = orDash(r.CopyJobId), orDash(r.DestinationRecoveryPointArn)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", c.DestinationBackupVaultArn, outcome, job, copied, orDash(c.ChainWorkflowId), orDash(reason))
	}
	tw.Flush()
}

// landingCount is how many copies a run's tally counts.
func landingCount(t model.PlanRunLandingTally) int {
	return t.Landed + t.Failed + t.Superseded + t.Late
}

// sizeOrDash prints a copy's size once it has a job, "-" before.
func sizeOrDash(n int64, job string) string {
	if job == "" {
		return "-"
	}
	return model.FormatBytes(n)
}
