package planrun

import (
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// reportGrace is added to a child's windows when the run works out by when the child
// must have reported: it covers the hand-over's retried calls and the signal itself,
// which the time scale does not shorten.
const reportGrace = time.Hour

// A report the run could not take is sent again reportAttempts times in all,
// reportRetryDelay apart.
const (
	reportAttempts   = 5
	reportRetryDelay = 10 * time.Second
)

// report sends the child's progress to its run (model.PlanResourceReport), addressed to
// the run's workflow id so that it reaches the current run after a continue-as-new. A
// child started by hand has no run to report to.
func (c *resourceRun) report(ctx workflow.Context, stage string) {
	info := workflow.GetInfo(ctx)
	parent := info.ParentWorkflowExecution
	if parent == nil || parent.ID == "" {
		return
	}
	rep := model.PlanResourceReport{WorkflowId: info.WorkflowExecution.ID, Stage: stage, HandedOver: c.handedOver, Result: c.res}
	for attempt := 1; ; attempt++ {
		err := workflow.SignalExternalWorkflow(ctx, parent.ID, "", model.SignalPlanResourceReport, rep).Get(ctx, nil)
		if err == nil {
			break
		}
		if attempt == reportAttempts {
			// The run has ended (terminated by hand): nobody is left to count this child.
			workflow.GetLogger(ctx).Warn("Could not report to the plan run", "Run", parent.ID, "Stage", stage, "Error", err)
			break
		}
		// A run that continues as new may be closed a moment before its successor
		// takes signals (the SDK's test environment has that moment).
		if workflow.Sleep(ctx, reportRetryDelay) != nil {
			break
		}
	}
	if stage == model.PlanReportHandedOver {
		c.handedOver = true
	}
}

// listen receives the children's reports for the rest of the run.
func (r *planRun) listen(ctx workflow.Context) {
	r.reports = workflow.GetSignalChannel(ctx, model.SignalPlanResourceReport)
	workflow.Go(ctx, func(gctx workflow.Context) {
		for {
			var rep model.PlanResourceReport
			r.reports.Receive(gctx, &rep)
			r.receive(gctx, rep)
		}
	})
}

// drainReports counts the reports received and not yet read, before the run continues
// as new (they would be lost) or decides that a child ended without reporting.
func (r *planRun) drainReports(ctx workflow.Context) {
	for {
		var rep model.PlanResourceReport
		if !r.reports.ReceiveAsync(&rep) {
			return
		}
		r.receive(ctx, rep)
	}
}

// receive counts one report: a hand-over frees a backup slot and counts the backup and
// the orders; a child's end counts its landings and its failure, if any (and, when no
// hand-over was reported, its backup and orders too).
func (r *planRun) receive(ctx workflow.Context, rep model.PlanResourceReport) {
	if r.gaveUp {
		// Counted as failed already.
		workflow.GetLogger(ctx).Warn("Ignoring an overdue report", "Child", rep.WorkflowId, "Stage", rep.Stage)
		return
	}
	p := &r.progress
	_, ours := r.unreported[rep.WorkflowId]
	switch {
	case rep.Stage == model.PlanReportHandedOver:
		p.AwaitingHandOver = max(p.AwaitingHandOver-1, 0)
		p.AwaitingLandings++
		r.countHandOver(rep.Result)
		r.extendReportsDueBy(ctx, r.completionWindow()+reportGrace)
		if ours {
			r.unreported[rep.WorkflowId] = true
		}
	case rep.HandedOver:
		p.AwaitingLandings = max(p.AwaitingLandings-1, 0)
		r.countEnd(rep.Result)
	default:
		p.AwaitingHandOver = max(p.AwaitingHandOver-1, 0)
		r.countHandOver(rep.Result)
		r.countEnd(rep.Result)
	}
	if rep.Stage == model.PlanReportFinished {
		delete(r.unreported, rep.WorkflowId)
	}
	r.publish(ctx)
}

// childEnded stands in for the final report of a child of this run that ended without
// sending it (it could not start, or was terminated or timed out): its error, or the
// result its failure carries, is all there is.
func (r *planRun) childEnded(ctx workflow.Context, id string, res model.SelectedResource, out model.PlanResourceResult, err error) {
	r.drainReports(ctx)
	handedOver, unreported := r.unreported[id]
	if !unreported {
		return
	}
	if err != nil {
		out = failedResult(res, err, handedOver)
	}
	r.receive(ctx, model.PlanResourceReport{WorkflowId: id, Stage: model.PlanReportFinished, HandedOver: handedOver, Result: out})
}

// failedResult is the result of a child that failed: the one its error carries, else
// the error alone.
func failedResult(res model.SelectedResource, err error, handedOver bool) model.PlanResourceResult {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.Type() == model.ErrPlanResourceFailed && app.HasDetails() {
		var detailed model.PlanResourceResult
		if app.Details(&detailed) == nil && detailed.Stage != "" {
			return detailed
		}
	}
	stage := model.PlanStageStart
	if handedOver {
		stage = model.PlanStageLanding
	}
	return model.PlanResourceResult{ResourceArn: res.ResourceArn, State: model.PlanResourceFailed, Stage: stage, Error: message(err)}
}

// countHandOver counts a child's backup and orders.
func (r *planRun) countHandOver(out model.PlanResourceResult) {
	t := &r.progress.Tally
	if out.BackupCompleted {
		t.BackupsCompleted++
	}
	for _, c := range out.Copies {
		switch {
		case c.Enqueued:
			t.CopiesEnqueued++
		case c.Skipped != "":
			t.CopiesSkipped++
		}
	}
}

// countEnd counts a child's landings and its failure (a miss counts as BackupsMissed).
func (r *planRun) countEnd(out model.PlanResourceResult) {
	res := model.SelectedResource{ResourceArn: out.ResourceArn, ResourceType: out.ResourceType}
	for _, c := range out.Copies {
		r.recordLanding(res, out, c)
	}
	if out.Stage == "" {
		return
	}
	if out.Stage == model.PlanStageMissed {
		r.progress.Tally.BackupsMissed++
	}
	r.recordFailure(model.PlanResourceFailure{ResourceArn: out.ResourceArn, Stage: out.Stage, Reason: out.Error})
}

// awaiting counts the children that still owe the run a report.
func (r *planRun) awaiting() int {
	return r.progress.AwaitingHandOver + r.progress.AwaitingLandings
}

// completionWindow is the rule's completion window on the workflow clock.
func (r *planRun) completionWindow() time.Duration {
	completion := r.in.CompletionWindowMinutes
	if completion <= 0 {
		completion = defaultCompletionWindowMinutes
	}
	return scaled(time.Duration(completion)*time.Minute, r.timeScale)
}

// extendReportsDueBy makes sure the run waits at least d from now for its reports.
func (r *planRun) extendReportsDueBy(ctx workflow.Context, d time.Duration) {
	if due := workflow.Now(ctx).Add(d); due.After(r.progress.ReportsDueBy) {
		r.progress.ReportsDueBy = due
	}
}

// awaitReports waits until every child has reported its end, or until the reports are
// overdue: a child that owes one past ReportsDueBy was terminated or lost, and is
// counted as failed. It returns true when the run should continue as new first (only
// when mayContinue), because its history grew long.
func (r *planRun) awaitReports(ctx workflow.Context, mayContinue bool) (bool, error) {
	suggested := func() bool { return mayContinue && workflow.GetInfo(ctx).GetContinueAsNewSuggested() }
	for r.awaiting() > 0 {
		if suggested() {
			return true, nil
		}
		due := r.progress.ReportsDueBy
		wait := due.Sub(workflow.Now(ctx))
		if wait <= 0 {
			r.giveUpOnReports(due)
			break
		}
		if _, err := workflow.AwaitWithTimeout(ctx, wait, func() bool {
			return r.awaiting() == 0 || !r.progress.ReportsDueBy.Equal(due) || suggested()
		}); err != nil {
			return false, err
		}
	}
	return false, nil
}

// giveUpOnReports counts the children that never reported as failed, by what they owed.
func (r *planRun) giveUpOnReports(due time.Time) {
	p := &r.progress
	children := childWorkflowID(r.in.Plan, r.in.Rule, p.NominalTime, "*")
	owed := []struct {
		n      int
		stage  string
		reason string
	}{
		{p.AwaitingHandOver, model.PlanStageBackup, "never reported their backup"},
		{p.AwaitingLandings, model.PlanStageLanding, "handed over copies and never reported their landings"},
	}
	for _, o := range owed {
		if o.n == 0 {
			continue
		}
		r.recordFailure(model.PlanResourceFailure{ResourceArn: children, Stage: o.stage,
			Reason: fmt.Sprintf("%d PlanResource child(ren) %s by %s (terminated, or reset past their report); their CopyState says what became of them",
				o.n, o.reason, due.UTC().Format(time.RFC3339))})
		p.Tally.Failed += o.n - 1
	}
	p.AwaitingHandOver, p.AwaitingLandings = 0, 0
	r.gaveUp = true
}
