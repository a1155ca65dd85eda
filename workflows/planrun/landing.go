package planrun

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// awaitLandings waits for one model.SignalCopyResult per enqueued copy, at most the
// rule's completion window (scaled) from now, and records each copy's landing. A copy
// whose result has not arrived by then is reported PlanCopyLate; its chain keeps the
// order and copies it anyway, and the late result is simply not received (the chain
// logs that its requester has finished). One signal per destination keeps the child's
// history bounded whatever the jobs take.
func (c *resourceRun) awaitLandings(ctx workflow.Context) {
	if c.waiting() == 0 {
		return
	}
	c.setState(ctx, model.PlanResourceCopyWait)
	completion := c.in.Run.CompletionWindowMinutes
	if completion <= 0 {
		completion = defaultCompletionWindowMinutes
	}
	window := scaled(time.Duration(completion)*time.Minute, c.in.TimeScale)
	timerCtx, cancelTimer := workflow.WithCancel(ctx)
	defer cancelTimer()
	timer := workflow.NewTimerWithOptions(timerCtx, window, workflow.TimerOptions{
		Summary: fmt.Sprintf("copies must land within the completion window (%d minutes)", completion),
	})
	expired := false
	results := workflow.GetSignalChannel(ctx, model.SignalCopyResult)
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(results, func(ch workflow.ReceiveChannel, _ bool) {
		var r model.DestinationResult
		ch.Receive(ctx, &r)
		c.land(ctx, r)
	})
	sel.AddFuture(timer, func(workflow.Future) { expired = true })
	for c.waiting() > 0 && !expired {
		sel.Select(ctx)
	}
	for i := range c.res.Copies {
		o := &c.res.Copies[i]
		if o.Enqueued && o.Landing == "" {
			o.Landing = model.PlanCopyLate
			o.Reason = fmt.Sprintf("not landed within the rule's completion window of %d minutes after the hand-over; chain %s keeps the order and may still copy it (its records say when)",
				completion, o.ChainWorkflowId)
		}
	}
}

// waiting counts the enqueued copies without a result.
func (c *resourceRun) waiting() int {
	n := 0
	for _, o := range c.res.Copies {
		if o.Enqueued && o.Landing == "" {
			n++
		}
	}
	return n
}

// land records one chain's result on the copy it answers: the enqueued copy to the same
// destination vault still without a result, for this child's recovery point.
func (c *resourceRun) land(ctx workflow.Context, r model.DestinationResult) {
	for i := range c.res.Copies {
		o := &c.res.Copies[i]
		if !o.Enqueued || o.Landing != "" || o.DestinationBackupVaultArn != r.Destination.BackupVaultArn {
			continue
		}
		if r.Record != nil && r.Record.SourceRecoveryPointArn != "" && r.Record.SourceRecoveryPointArn != c.res.RecoveryPointArn {
			continue
		}
		o.Landing, o.Reason = landing(r)
		o.Record = r.Record
		c.setState(ctx, model.PlanResourceCopyWait)
		return
	}
	workflow.GetLogger(ctx).Warn("Ignoring a copy result for no waiting destination",
		"Vault", r.Destination.BackupVaultArn, "Chain", r.ChainWorkflowId)
}

// landing classifies a chain's result. A record the chain has since deleted at its
// expiry still proves the copy landed.
func landing(r model.DestinationResult) (string, string) {
	switch {
	case r.Error != "":
		return model.PlanCopyFailed, r.Error
	case r.Record == nil:
		return model.PlanCopyFailed, "chain " + r.ChainWorkflowId + " answered without a copy record"
	}
	switch r.Record.State {
	case model.JobCompleted, model.RecordDeleted:
		return model.PlanCopyLanded, ""
	case model.RecordSuperseded:
		return model.PlanCopySuperseded, r.Record.StatusMessage
	}
	reason := "copy ended " + r.Record.State
	if r.Record.StatusMessage != "" {
		reason += ": " + r.Record.StatusMessage
	}
	return model.PlanCopyFailed, reason
}

// notLanded lists the copies that were handed over but did not land, each with its
// destination and reason. A SUPERSEDED copy counts as covered: its copy action
// coalesces, so its chain copied a newer recovery point of the resource instead (the
// reason names it), and that point's own run proves its landing.
func notLanded(copies []model.PlanCopyOutcome) []string {
	var out []string
	for _, o := range copies {
		if o.Landing == model.PlanCopySuperseded {
			continue
		}
		if o.Enqueued && o.Landing != "" && o.Landing != model.PlanCopyLanded {
			out = append(out, fmt.Sprintf("%s %s: %s", o.DestinationBackupVaultArn, strings.ToLower(strings.ReplaceAll(o.Landing, "_", " ")), o.Reason))
		}
	}
	return out
}
