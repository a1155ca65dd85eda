package planrun

import (
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// PlanRun runs one nominal run of one plan rule (model.WorkflowPlanRun); see the package
// documentation. progress is nil when a schedule (or a person) starts the run and set
// when the run continues as new.
func PlanRun(ctx workflow.Context, in model.PlanRunInput, progress *model.PlanRunProgress) (model.PlanRunResult, error) {
	r := newRun(ctx, in, progress)
	if err := r.setup(ctx); err != nil {
		return r.result(), err
	}
	return r.run(ctx)
}

// planRun holds one run's state; model.PlanRunProgress is the part carried across
// continue-as-new.
type planRun struct {
	in       model.PlanRunInput
	progress model.PlanRunProgress
	state    string
	skip     string

	// takenThisRun counts resources handed to children by this run (not its
	// predecessors); starting the children it asked for that have not yet started,
	// open those not yet closed.
	takenThisRun int
	starting     int
	open         int
	// unreported holds this run's children that have not yet reported their end, each
	// with whether it reported its hand-over: at most resourcesPerRun entries.
	unreported map[string]bool
	reports    workflow.ReceiveChannel
	// gaveUp says the overdue reports were counted as failed; later ones are ignored.
	gaveUp    bool
	timeScale float64
	published string
}

func newRun(ctx workflow.Context, in model.PlanRunInput, progress *model.PlanRunProgress) *planRun {
	r := &planRun{in: in, state: model.PlanRunRunning, timeScale: 1, unreported: map[string]bool{}}
	if progress != nil {
		r.progress = *progress
		r.timeScale = max(progress.TimeScale, 1)
	} else {
		r.progress.NominalTime = nominalTime(ctx)
	}
	return r
}

func (r *planRun) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, model.QueryStatus, func() (model.PlanRunResult, error) { return r.result(), nil }); err != nil {
		return err
	}
	updates := []temporal.SearchAttributeUpdate{model.SourceRegionKey.ValueSet(r.in.SourceRegion)}
	if r.in.Plan != "" {
		updates = append(updates, model.PlanKey.ValueSet(r.in.Plan))
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		return err
	}
	r.listen(ctx)
	r.publish(ctx)
	return nil
}

func (r *planRun) run(ctx workflow.Context) (model.PlanRunResult, error) {
	if problems := checkInput(r.in); len(problems) > 0 {
		return r.result(), temporal.NewNonRetryableApplicationError(
			"plan run input rejected: "+joinLines(problems), model.ErrInvalidParameter, nil, problems)
	}
	sched, err := parseSchedule(r.in.ScheduleExpression, r.in.ScheduleExpressionTimezone)
	if err != nil {
		return r.result(), temporal.NewNonRetryableApplicationError("plan run input rejected: "+err.Error(), model.ErrInvalidParameter, err)
	}
	if r.progress.Continuations == 0 && sched.isDSTRepeat(r.progress.NominalTime) {
		r.skip = fmt.Sprintf("%s is the second pass of an hour repeated when daylight saving time ended in %s; AWS runs %s once",
			r.progress.NominalTime.Format(time.RFC3339), sched.loc, r.in.ScheduleExpression)
		r.state = model.PlanRunSkipped
		workflow.GetLogger(ctx).Info("Skipping a DST-repeat run", "NominalTime", r.progress.NominalTime)
		r.publish(ctx)
		return r.result(), nil
	}

	finished := r.progress.SelectionDone
	switch {
	case finished:
	case r.in.CopyOnly:
		finished, err = r.takeUpPoints(ctx, sched)
	default:
		finished, err = r.takeUpResources(ctx)
	}
	// A child asked for must have started (or failed to) before this run may end.
	if werr := workflow.Await(ctx, func() bool { return r.starting == 0 }); werr != nil {
		return r.result(), werr
	}
	if err != nil {
		// The children already started are counted whatever happened to the listing.
		if _, werr := r.awaitReports(ctx, false); werr != nil {
			return r.result(), werr
		}
		r.state = model.PlanRunPartial
		r.publish(ctx)
		return r.result(), err
	}
	if finished {
		// Every child has started; the run ends when each has reported its end, or
		// continues as new first if that takes a long history.
		r.progress.SelectionDone = true
		more, werr := r.awaitReports(ctx, true)
		if werr != nil {
			return r.result(), werr
		}
		finished = !more
	}
	if finished {
		// This run's children close right after their last report; the run waits for
		// them (briefly: one that never reported has been given up on).
		if _, werr := workflow.AwaitWithTimeout(ctx, reportGrace, func() bool { return r.open == 0 }); werr != nil {
			return r.result(), werr
		}
	}
	if !finished {
		// Reports received but not yet counted would be lost with this run.
		r.drainReports(ctx)
		next := r.progress
		next.Continuations++
		workflow.GetLogger(ctx).Info("Continuing as new", "Cursor", next.Cursor, "Resources", next.Tally.Resources,
			"AwaitingHandOver", next.AwaitingHandOver, "AwaitingLandings", next.AwaitingLandings)
		return r.result(), workflow.NewContinueAsNewError(ctx, model.WorkflowPlanRun, r.in, &next)
	}
	r.state = model.PlanRunCompleted
	if r.progress.Tally.Failed > 0 || r.progress.Tally.BackupsMissed > 0 || !r.allLanded() {
		r.state = model.PlanRunPartial
	}
	r.publish(ctx)
	return r.result(), nil
}

// shouldContinueAsNew is asked before each page of work and each child.
func (r *planRun) shouldContinueAsNew(ctx workflow.Context) bool {
	return r.takenThisRun >= resourcesPerRun || workflow.GetInfo(ctx).GetContinueAsNewSuggested()
}

// takeUpResources resolves the selection page by page from the cursor and starts one
// child per resource. It returns finished=true when the selection is exhausted, false
// when the run should continue as new.
func (r *planRun) takeUpResources(ctx workflow.Context) (bool, error) {
	sel := model.PlanSelection{}
	if r.in.Selection != nil {
		sel = *r.in.Selection
	}
	for {
		if r.shouldContinueAsNew(ctx) {
			return false, nil
		}
		var page model.ResolvePlanSelectionOutput
		err := workflow.ExecuteActivity(withListing(ctx, "resolve selection after "+orStart(r.progress.Cursor)), model.PlanActResolveSelection,
			model.ResolvePlanSelectionInput{
				Region:    r.in.SourceRegion,
				Selection: sel,
				AfterArn:  r.progress.Cursor,
				Limit:     min(selectionPage, resourcesPerRun-r.takenThisRun),
			}).Get(ctx, &page)
		if err != nil {
			return false, fmt.Errorf("resolve the selection of %s/%s: %w", r.in.Plan, r.in.Rule, err)
		}
		r.setTimeScale(page.TimeScale)
		for _, f := range page.Rejected {
			r.recordFailure(f)
		}
		for _, res := range page.Resources {
			if started, err := r.startChild(ctx, res, nil); !started || err != nil {
				return false, err
			}
		}
		r.publish(ctx)
		if !page.More {
			return true, nil
		}
	}
}

// takeUpPoints lists the vault's recovery points created since the previous nominal
// run (with copyOnlyOverlap), page by page from the cursor, and starts one child per
// point.
func (r *planRun) takeUpPoints(ctx workflow.Context, sched schedule) (bool, error) {
	nominal := r.progress.NominalTime
	prev, ok := sched.previous(nominal)
	if !ok {
		prev = nominal.Add(-24 * time.Hour)
	}
	for {
		if r.shouldContinueAsNew(ctx) {
			return false, nil
		}
		var page model.ListPlanRecoveryPointsOutput
		err := workflow.ExecuteActivity(withListing(ctx, "list new recovery points of "+r.in.BackupVaultName), model.PlanActListRecoveryPoints,
			model.ListPlanRecoveryPointsInput{
				Region:          r.in.SourceRegion,
				BackupVaultName: r.in.BackupVaultName,
				CreatedAfter:    prev.Add(-copyOnlyOverlap),
				CreatedBefore:   nominal,
				Selection:       r.in.Selection,
				AfterArn:        r.progress.Cursor,
				Limit:           min(selectionPage, resourcesPerRun-r.takenThisRun),
			}).Get(ctx, &page)
		if err != nil {
			return false, fmt.Errorf("list the new recovery points of vault %s: %w", r.in.BackupVaultName, err)
		}
		r.setTimeScale(page.TimeScale)
		for i := range page.RecoveryPoints {
			p := page.RecoveryPoints[i]
			res := model.SelectedResource{ResourceArn: p.ResourceArn, ResourceType: p.ResourceType}
			if started, err := r.startChild(ctx, res, &p); !started || err != nil {
				return false, err
			}
		}
		r.publish(ctx)
		if !page.More {
			return true, nil
		}
	}
}

func (r *planRun) setTimeScale(scale float64) {
	r.timeScale = max(scale, 1)
	r.progress.TimeScale = r.timeScale
}

// startChild waits for a backup slot (maxBackupsInFlight), then starts the child of one
// resource (or point) and follows it in a workflow goroutine. It returns false, starting
// nothing, when the run should continue as new first.
func (r *planRun) startChild(ctx workflow.Context, res model.SelectedResource, point *model.RecoveryPoint) (bool, error) {
	if r.shouldContinueAsNew(ctx) {
		return false, nil
	}
	if err := workflow.Await(ctx, func() bool {
		return r.progress.AwaitingHandOver < maxBackupsInFlight || r.shouldContinueAsNew(ctx)
	}); err != nil {
		return false, err
	}
	if r.progress.AwaitingHandOver >= maxBackupsInFlight {
		return false, nil
	}
	nominal := r.progress.NominalTime
	cursor, subject := res.ResourceArn, res.ResourceArn
	if point != nil {
		cursor, subject = point.RecoveryPointArn, point.RecoveryPointArn
	}
	startWindow := r.in.StartWindowMinutes
	if startWindow <= 0 {
		startWindow = defaultStartWindowMinutes
	}
	info := workflow.GetInfo(ctx)
	in := model.PlanResourceInput{
		Run:           r.childRun(),
		NominalTime:   nominal,
		Resource:      res,
		RecoveryPoint: point,
		StartBy:       nominal.Add(scaled(time.Duration(startWindow)*time.Minute, r.timeScale)),
		TimeScale:     r.timeScale,
		TaskQueue:     info.TaskQueueName,
	}
	attrs := []temporal.SearchAttributeUpdate{
		model.ResourceArnKey.ValueSet(res.ResourceArn),
		model.SourceRegionKey.ValueSet(r.in.SourceRegion),
	}
	if r.in.Plan != "" {
		attrs = append(attrs, model.PlanKey.ValueSet(r.in.Plan))
	}
	if res.ResourceType != "" {
		attrs = append(attrs, model.ResourceTypeKey.ValueSet(res.ResourceType))
	}
	what := "Back up " + res.ResourceArn
	if point != nil {
		what = "Copy recovery point " + point.RecoveryPointArn + " of " + res.ResourceArn
	}
	id := childWorkflowID(r.in.Plan, r.in.Rule, nominal, subject)
	if len(id) > model.MaxWorkflowIDLength && workflow.GetVersion(ctx, boundedChildIDsChange, workflow.DefaultVersion, 1) >= 1 {
		id = boundedChildWorkflowID(r.in.Plan, r.in.Rule, nominal, subject)
	}
	cctx := workflow.WithChildOptions(ctx, workflow.ChildWorkflowOptions{
		WorkflowID:            id,
		StaticSummary:         fmt.Sprintf("%s for plan %s rule %s (run %s) and hand it to %d copy action(s)", what, r.in.Plan, r.in.Rule, nominal.Format(time.RFC3339), len(r.in.CopyActions)),
		TypedSearchAttributes: temporal.NewSearchAttributes(attrs...),
		// A child outlives the run that started it when that run continues as new: it
		// reports to the workflow id, and the last run waits for every report.
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
	})
	future := workflow.ExecuteChildWorkflow(cctx, model.WorkflowPlanResource, in)
	r.starting++
	r.open++
	r.takenThisRun++
	r.unreported[id] = false
	r.progress.AwaitingHandOver++
	r.progress.Tally.Resources++
	r.progress.Cursor = cursor
	// By then the child has reported its backup, or failed to.
	r.extendReportsDueBy(ctx, scaled(time.Duration(startWindow)*time.Minute, r.timeScale)+r.completionWindow()+reportGrace)
	workflow.Go(ctx, func(gctx workflow.Context) {
		err := future.GetChildWorkflowExecution().Get(gctx, nil)
		r.starting--
		var out model.PlanResourceResult
		if err == nil {
			err = future.Get(gctx, &out)
		}
		r.open--
		r.childEnded(gctx, id, res, out, err)
	})
	return true, nil
}

// childRun is the rule as a child needs it: without the selection, which only the
// parent uses and which may be large.
func (r *planRun) childRun() model.PlanRunInput {
	in := r.in
	in.Selection = nil
	return in
}

// recordLanding counts what became of one copy handed over and lists its proof (the
// first MaxPlanRunCopies). Children recorded before copies were awaited report no
// landing and are not counted.
func (r *planRun) recordLanding(res model.SelectedResource, out model.PlanResourceResult, c model.PlanCopyOutcome) {
	l := &r.progress.Landings
	switch c.Landing {
	case model.PlanCopyLanded:
		l.Landed++
	case model.PlanCopyFailed:
		l.Failed++
	case model.PlanCopySuperseded:
		l.Superseded++
	case model.PlanCopyLate:
		l.Late++
	default:
		return
	}
	if len(r.progress.Copies) >= model.MaxPlanRunCopies {
		return
	}
	p := model.PlanRunCopy{
		ResourceArn:               res.ResourceArn,
		SourceRecoveryPointArn:    out.RecoveryPointArn,
		DestinationBackupVaultArn: c.DestinationBackupVaultArn,
		ChainWorkflowId:           c.ChainWorkflowId,
		Landing:                   c.Landing,
		Reason:                    c.Reason,
	}
	if rec := c.Record; rec != nil {
		p.CopyJobId, p.DestinationRecoveryPointArn = rec.CopyJobId, rec.DestinationRecoveryPointArn
		p.Kind, p.BackupSizeInBytes, p.CompletedAt = rec.Kind, rec.BackupSizeInBytes, rec.CompletedAt
	}
	r.progress.Copies = append(r.progress.Copies, p)
}

// allLanded says every copy handed over so far landed, or was superseded by a newer
// point's copy (see notLanded).
func (r *planRun) allLanded() bool {
	l := r.progress.Landings
	return l.Failed+l.Late == 0
}

// recordFailure counts one failure and keeps the first MaxPlanRunFailures of them.
// Missed backups are tallied as BackupsMissed, not Failed.
func (r *planRun) recordFailure(f model.PlanResourceFailure) {
	if f.Stage != model.PlanStageMissed {
		r.progress.Tally.Failed++
	}
	if len(r.progress.Failures) < model.MaxPlanRunFailures {
		r.progress.Failures = append(r.progress.Failures, f)
	}
}

func (r *planRun) result() model.PlanRunResult {
	return model.PlanRunResult{
		Plan:        r.in.Plan,
		Rule:        r.in.Rule,
		NominalTime: r.progress.NominalTime,
		State:       r.state,
		SkipReason:  r.skip,
		Tally:       r.progress.Tally,
		Failures:    r.progress.Failures,
		Landings:    r.progress.Landings,
		Copies:      r.progress.Copies,
	}
}

// publish is the one place the run shows its state: the current details always, and the
// CopyState and CopyCount search attributes when the state changes (not at every child,
// which would cost a history event each).
func (r *planRun) publish(ctx workflow.Context) {
	if r.state != r.published {
		// CopyCount is copies made, as on a chain: the landed ones.
		count := r.progress.Landings.Landed
		if err := workflow.UpsertTypedSearchAttributes(ctx,
			model.CopyStateKey.ValueSet(r.state),
			model.CopyCountKey.ValueSet(int64(count))); err != nil {
			workflow.GetLogger(ctx).Warn("Could not update search attributes", "Error", err)
		}
		r.published = r.state
	}
	workflow.SetCurrentDetails(ctx, runDetails(r.in, r.result(), r.progress.AwaitingHandOver, r.progress.AwaitingLandings))
}

func orStart(cursor string) string {
	if cursor == "" {
		return "the start"
	}
	return cursor
}
