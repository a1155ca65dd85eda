package planrun

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// PlanResource backs up one resource for one nominal run and hands the recovery point
// to the destination chain of every copy action (model.WorkflowPlanResource). For a
// copy-only plan (in.RecoveryPoint set) it takes no backup: it waits for the point to be
// completed and hands it over.
//
// Each order names the child as its requester, and the child then waits for one
// model.SignalCopyResult per copy handed over, for at most the rule's completion window:
// its result (and QueryStatus) says per destination whether the copy landed, with the
// chain's record as proof, or why not (see awaitLandings). The child completes only when
// every copy landed.
//
// The child reports to its run by signal (model.PlanResourceReport): once when it has
// handed over copies to wait for, which frees its backup slot in the run, and once at
// its end, with its result. The run may have continued as new in between; the reports
// reach whichever run is current.
//
// The backup is never started after in.StartBy (the nominal time plus the start window):
// the child then ends MISSED. The job itself gets the remaining start window and the
// rule's completion window, and its idempotency token is derived from plan, rule,
// resource and nominal time, so a retried start never makes a second backup.
//
// A child that does not finish its work fails with model.ErrPlanResourceFailed whose
// details are its model.PlanResourceResult, so the Temporal UI lists it as failed and
// the parent reads why.
func PlanResource(ctx workflow.Context, in model.PlanResourceInput) (model.PlanResourceResult, error) {
	c := &resourceRun{in: in, res: model.PlanResourceResult{ResourceArn: in.Resource.ResourceArn, ResourceType: in.Resource.ResourceType}}
	if err := workflow.SetQueryHandler(ctx, model.QueryStatus, func() (model.PlanResourceResult, error) { return c.res, nil }); err != nil {
		return c.res, err
	}
	res, err := c.run(ctx)
	c.report(ctx, model.PlanReportFinished)
	return res, err
}

type resourceRun struct {
	in        model.PlanResourceInput
	res       model.PlanResourceResult
	published string
	// handedOver says the run has been sent the PlanReportHandedOver report.
	handedOver bool
}

func (c *resourceRun) run(ctx workflow.Context) (model.PlanResourceResult, error) {
	var point model.RecoveryPoint
	var ok bool
	if c.in.RecoveryPoint != nil {
		point, ok = c.awaitPoint(ctx, *c.in.RecoveryPoint)
	} else {
		point, ok = c.backup(ctx)
	}
	if !ok {
		c.expectCopies(ctx)
		return c.res, c.fail(ctx)
	}
	c.res.RecoveryPointArn = point.RecoveryPointArn
	if point.ResourceType != "" {
		c.res.ResourceType = point.ResourceType
	}
	c.setState(ctx, model.PlanResourceHandingOff)
	c.res.Copies = handOver(ctx, c.in, point, workflow.GetInfo(ctx).WorkflowExecution.ID)
	var failed []string
	for _, o := range c.res.Copies {
		if o.Error != "" {
			failed = append(failed, o.DestinationBackupVaultArn+": "+o.Error)
		}
	}
	// The copies that were handed over are awaited even when another hand-over failed,
	// so the result proves every copy that was made. The run frees this backup's slot
	// as soon as it hears of the hand-over: landings take no slot.
	if c.waiting() > 0 {
		c.report(ctx, model.PlanReportHandedOver)
	}
	c.awaitLandings(ctx)
	var problems []string
	if len(failed) > 0 {
		problems = append(problems, "could not hand the recovery point to its chain: "+strings.Join(failed, "; "))
	}
	if late := notLanded(c.res.Copies); len(late) > 0 {
		problems = append(problems, "copies not landed: "+strings.Join(late, "; "))
	}
	if len(problems) > 0 {
		c.res.State, c.res.Stage = model.PlanResourceFailed, model.PlanStageLanding
		if len(failed) > 0 {
			c.res.Stage = model.PlanStageCopy
		}
		c.res.Error = strings.Join(problems, "; ")
		return c.res, c.fail(ctx)
	}
	c.setState(ctx, model.PlanRunCompleted)
	return c.res, nil
}

// backup starts the backup job within the start window and waits for it to end.
func (c *resourceRun) backup(ctx workflow.Context) (model.RecoveryPoint, bool) {
	run := c.in.Run
	now := workflow.Now(ctx)
	if !now.Before(c.in.StartBy) {
		c.res.State, c.res.Stage = model.PlanResourceMissed, model.PlanStageMissed
		c.res.Error = fmt.Sprintf("start window ended at %s, before the backup could start (child began at %s)",
			c.in.StartBy.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		return model.RecoveryPoint{}, false
	}
	c.setState(ctx, model.PlanResourceBackingUp)
	// AWS counts the start window from the job's creation; hand it what is left of ours
	// (in AWS minutes), but never less than AWS's minimum.
	remaining := int64(math.Ceil(float64(c.in.StartBy.Sub(now)) * max(c.in.TimeScale, 1) / float64(time.Minute)))
	remaining = max(remaining, minStartWindowMinutes)
	completion := run.CompletionWindowMinutes
	if completion <= 0 {
		completion = defaultCompletionWindowMinutes
	}
	var started model.StartBackupJobOutput
	err := workflow.ExecuteActivity(withCall(ctx, "start backup of "+c.in.Resource.ResourceArn), model.ActStartBackupJob,
		model.StartBackupJobInput{
			Region:                run.SourceRegion,
			BackupVaultName:       run.BackupVaultName,
			ResourceArn:           c.in.Resource.ResourceArn,
			IamRoleArn:            run.IamRoleArn,
			Lifecycle:             run.Lifecycle,
			StartWindowMinutes:    remaining,
			CompleteWindowMinutes: run.CompletionWindowMinutes,
			IdempotencyToken:      backupToken(run.Plan, run.Rule, c.in.Resource.ResourceArn, c.in.NominalTime),
			// More input to the same command: replay compares activity types, not inputs,
			// so this needs no version gate.
			RecoveryPointTags: run.RecoveryPointTags,
		}).Get(ctx, &started)
	if err != nil {
		c.res.State, c.res.Stage, c.res.Error = model.PlanResourceFailed, model.PlanStageStart, "StartBackupJob: "+message(err)
		return model.RecoveryPoint{}, false
	}
	c.res.BackupJobId, c.res.RecoveryPointArn = started.BackupJobId, started.RecoveryPointArn
	c.setState(ctx, model.PlanResourceBackingUp)

	// The job may wait up to the start window and then run up to the completion window.
	window := scaled(time.Duration(remaining+completion)*time.Minute, c.in.TimeScale) + time.Minute
	var job model.BackupJob
	err = workflow.ExecuteActivity(withPoll(ctx, window, c.in.TimeScale, "wait for backup job "+started.BackupJobId), model.ActPollBackupJob,
		model.PollBackupJobInput{Region: run.SourceRegion, BackupJobId: started.BackupJobId}).Get(ctx, &job)
	if err != nil {
		c.res.State, c.res.Stage = model.PlanResourceFailed, model.PlanStageBackup
		c.res.Error = "backup job " + started.BackupJobId + ": " + message(err)
		return model.RecoveryPoint{}, false
	}
	switch job.State {
	case model.JobCompleted:
	case model.JobExpired:
		// AWS did not start the job within its start window.
		c.res.State, c.res.Stage = model.PlanResourceMissed, model.PlanStageMissed
		c.res.Error = "backup job " + job.BackupJobId + " EXPIRED: AWS did not start it within the start window " + job.StatusMessage
		return model.RecoveryPoint{}, false
	default:
		c.res.State, c.res.Stage = model.PlanResourceFailed, model.PlanStageBackup
		c.res.Error = fmt.Sprintf("backup job %s ended %s: %s", job.BackupJobId, job.State, job.StatusMessage)
		return model.RecoveryPoint{}, false
	}
	c.res.BackupCompleted = true
	typ := job.ResourceType
	if typ == "" {
		typ = c.in.Resource.ResourceType
	}
	arn := job.RecoveryPointArn
	if arn == "" {
		arn = started.RecoveryPointArn
	}
	return model.RecoveryPoint{
		Region:           run.SourceRegion,
		BackupVaultName:  run.BackupVaultName,
		RecoveryPointArn: arn,
		ResourceArn:      c.in.Resource.ResourceArn,
		ResourceType:     typ,
		Status:           model.JobCompleted,
		CreationDate:     job.CreationDate,
		CompletionDate:   job.CompletionDate,
	}, true
}

// awaitPoint returns a copy-only run's recovery point once it is COMPLETED, looking
// again every pointPollInterval while AWS is still creating it, for at most the rule's
// completion window.
func (c *resourceRun) awaitPoint(ctx workflow.Context, p model.RecoveryPoint) (model.RecoveryPoint, bool) {
	completion := c.in.Run.CompletionWindowMinutes
	if completion <= 0 {
		completion = defaultCompletionWindowMinutes
	}
	deadline := workflow.Now(ctx).Add(scaled(time.Duration(completion)*time.Minute, c.in.TimeScale))
	for {
		switch strings.ToUpper(p.Status) {
		case model.JobCompleted:
			return p, true
		case "CREATING", "":
		default:
			c.res.State, c.res.Stage = model.PlanResourceFailed, model.PlanStageBackup
			c.res.Error = "recovery point " + p.RecoveryPointArn + " is " + p.Status + ", not COMPLETED: nothing to copy"
			return p, false
		}
		c.setState(ctx, model.PlanResourceWaiting)
		if !workflow.Now(ctx).Before(deadline) {
			c.res.State, c.res.Stage = model.PlanResourceFailed, model.PlanStageBackup
			c.res.Error = "recovery point " + p.RecoveryPointArn + " was still being created when the completion window ended"
			return p, false
		}
		if err := workflow.Sleep(ctx, scaled(pointPollInterval, c.in.TimeScale)); err != nil {
			c.res.State, c.res.Stage, c.res.Error = model.PlanResourceFailed, model.PlanStageBackup, message(err)
			return p, false
		}
		var fresh model.RecoveryPoint
		err := workflow.ExecuteActivity(withCall(ctx, "describe "+p.RecoveryPointArn), model.ActDescribeRecoveryPoint,
			model.DescribeRecoveryPointInput{Region: p.Region, BackupVaultName: p.BackupVaultName, RecoveryPointArn: p.RecoveryPointArn}).Get(ctx, &fresh)
		if err != nil {
			c.res.State, c.res.Stage, c.res.Error = model.PlanResourceFailed, model.PlanStageBackup, "DescribeRecoveryPoint: "+message(err)
			return p, false
		}
		p = fresh
	}
}

// fail publishes the failure and returns the error that carries the result.
func (c *resourceRun) fail(ctx workflow.Context) error {
	c.setState(ctx, c.res.State)
	workflow.GetLogger(ctx).Warn("Plan resource did not finish", "ResourceArn", c.res.ResourceArn, "Stage", c.res.Stage, "Error", c.res.Error)
	return temporal.NewNonRetryableApplicationError(c.res.Error, model.ErrPlanResourceFailed, nil, c.res)
}

// setState is the one place the child publishes its state: the CopyState search
// attribute (when it changes) and the current details.
func (c *resourceRun) setState(ctx workflow.Context, state string) {
	c.res.State = state
	if state != c.published {
		if err := workflow.UpsertTypedSearchAttributes(ctx, model.CopyStateKey.ValueSet(state)); err != nil {
			workflow.GetLogger(ctx).Warn("Could not update search attributes", "Error", err)
		}
		c.published = state
	}
	workflow.SetCurrentDetails(ctx, resourceDetails(c.in, c.res))
}

// message is an error's text without the SDK's wrapping of activity errors.
func message(err error) string {
	var app *temporal.ApplicationError
	var timeout *temporal.TimeoutError
	switch {
	case errors.As(err, &app):
		return app.Error()
	case errors.As(err, &timeout):
		return "timed out (" + timeout.TimeoutType().String() + ")"
	}
	return err.Error()
}
