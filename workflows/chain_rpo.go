package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// Live RPO. A chain fed by a plan with an RPO for its destination knows its deadline: the
// source creation time of its newest landed copy plus the RPO (before any copy lands, the
// source creation time of the first order under the RPO counts instead). Its state moves
// OK → AT_RISK → BREACH on the chain's one durable timer (actionRpo), never by polling,
// and back to OK when a newer copy lands. The state is the RpoState search attribute, so
// `RpoState = "BREACH"` in the Temporal UI lists the late resources; every change into
// or out of BREACH also sends an alert (SendRpoAlert: a log line, and the webhook when
// one is configured), in the background, so a webhook that is down never holds a copy.

// takeRpo adopts the RPO of a plan's order: the latest plan order decides, and an
// on-demand order (no plan) leaves it as it is.
func (c *chain) takeRpo(o model.CopyOrder) {
	if o.RpoMinutes != c.RpoMinutes {
		c.RpoMinutes = o.RpoMinutes
		c.RpoSince = time.Time{}
	}
	if c.RpoMinutes > 0 && c.RpoSince.IsZero() && !o.SourceCreationDate.IsZero() {
		c.RpoSince = o.SourceCreationDate
	}
}

// rpo is the chain's RPO state at the workflow instant now, and its deadline (AWS time;
// zero when it cannot be told on AWS's clock, see rpoOnTemporalClock).
func (c *chain) rpo(now time.Time) (state string, deadline time.Time) {
	rpo := time.Duration(c.RpoMinutes) * time.Minute
	if c.rpoOnTemporalClock() {
		state, _ = model.RpoStateAt(now, time.Time{}, c.RpoExpectedAt, scaled(rpo, c.start.TimeScale))
		return state, time.Time{}
	}
	var newest time.Time
	if c.Newest != nil {
		newest = c.Newest.Record.SourceCreationDate
	}
	awsNow := c.awsAt(now, c.start.TimeScale)
	return model.RpoStateAt(awsNow, newest, c.rpoSince(), rpo)
}

// rpoSince is what the deadline counts from while no copy has landed (AWS time): the
// earlier of the first order's source creation and the earliest expectation.
func (c *chain) rpoSince() time.Time {
	since := c.RpoSince
	if c.RpoExpectedAt.IsZero() {
		return since
	}
	if e := c.awsAt(c.RpoExpectedAt, c.start.TimeScale); since.IsZero() || e.Before(since) {
		since = e
	}
	return since
}

// rpoOnTemporalClock reports whether the chain counts its RPO on Temporal's clock: it
// holds an expectation and no landed copy, and AWS's clock runs faster with no reading of
// it yet (the emulator with a time scale, a chain that never started a copy job). The
// expectation's nominal time is on Temporal's clock, and so is the RPO once scaled; only
// the deadline on AWS's clock is unknown, so RpoDeadline stays unset.
func (c *chain) rpoOnTemporalClock() bool {
	return c.Newest == nil && !c.RpoExpectedAt.IsZero() && c.awaitsAnchor(c.start.TimeScale)
}

// rpoEvent is the next change of the RPO state (workflow time), or actionNone: AT_RISK
// when the state is OK, BREACH when AT_RISK, none once in BREACH (only a landing copy
// ends it) or without an RPO. It is always after now.
func (c *chain) rpoEvent(ctx workflow.Context) lifecycleEvent {
	ts := c.start.TimeScale
	onTemporalClock := c.rpoOnTemporalClock()
	if c.RpoMinutes <= 0 || (c.awaitsAnchor(ts) && !onTemporalClock) {
		return lifecycleEvent{}
	}
	state, deadline := c.rpo(workflow.Now(ctx))
	margin := rpoAtRiskMargin(c.RpoMinutes)
	if onTemporalClock {
		// The same arithmetic as model.RpoStateAt's on the scaled RPO, so the state has
		// changed when the timer fires.
		rpo := scaled(time.Duration(c.RpoMinutes)*time.Minute, ts)
		deadline = c.RpoExpectedAt.Add(rpo)
		margin = time.Duration(float64(rpo) * model.RpoAtRiskMargin)
	}
	var next time.Time
	switch state {
	case model.RpoOK:
		next = deadline.Add(-margin)
	case model.RpoAtRisk:
		next = deadline
	default:
		return lifecycleEvent{}
	}
	if !onTemporalClock {
		next = c.due(next, ts)
	}
	return lifecycleEvent{at: next, action: actionRpo}
}

// rpoExpectationChange gates taking RPO expectations: a chain whose history received one
// before this code ignored it (an order without a recovery point).
const rpoExpectationChange = "chain-rpo-expectation"

// expect takes an RPO expectation (model.CopyOrder.IsExpectation): the plan and its RPO,
// and the run's nominal time when it counts earlier than the one held. It copies nothing
// and answers no one. An expectation that arrives once a copy has landed is kept too: it
// counts only if that copy is gone, and the next landing drops it (see landed).
func (c *chain) expect(ctx workflow.Context, o model.CopyOrder) {
	if workflow.GetVersion(ctx, rpoExpectationChange, workflow.DefaultVersion, 1) == workflow.DefaultVersion {
		workflow.GetLogger(ctx).Error("Ignoring an order without SourceRecoveryPointArn", "Requester", o.RequesterWorkflowId)
		return
	}
	if o.Plan != "" {
		c.Plan = o.Plan
	}
	c.takeRpo(o)
	if c.RpoExpectedAt.IsZero() || o.ExpectedAt.Before(c.RpoExpectedAt) {
		c.RpoExpectedAt = o.ExpectedAt
	}
	workflow.GetLogger(ctx).Info("RPO expectation: the plan had nothing to copy", "Plan", o.Plan,
		"ExpectedAt", o.ExpectedAt, "CountsFrom", c.RpoExpectedAt, "HasLandedCopy", c.Newest != nil)
}

// rpoAtRiskMargin is how long before its deadline a chain turns AT_RISK.
func rpoAtRiskMargin(rpoMinutes int64) time.Duration {
	return time.Duration(float64(time.Duration(rpoMinutes)*time.Minute) * model.RpoAtRiskMargin)
}

// publishRpo brings RpoState up to date: the search attributes to set, and the alert
// when the state moves into or out of BREACH.
func (c *chain) publishRpo(ctx workflow.Context) []temporal.SearchAttributeUpdate {
	state, deadline := c.rpo(workflow.Now(ctx))
	p := &c.published
	var updates []temporal.SearchAttributeUpdate
	if state != p.rpoState {
		updates = append(updates, model.RpoStateKey.ValueSet(state))
		p.rpoState = state
	}
	if !deadline.Equal(p.rpoDeadline) {
		if deadline.IsZero() {
			updates = append(updates, model.RpoDeadlineKey.ValueUnset())
		} else {
			updates = append(updates, model.RpoDeadlineKey.ValueSet(deadline))
		}
		p.rpoDeadline = deadline
	}
	previous := c.RpoState
	c.RpoState = state
	if previous != state && (previous == model.RpoBreach || state == model.RpoBreach) {
		c.sendRpoAlert(ctx, previous, state, deadline)
	}
	return updates
}

// sendRpoAlert runs the alert activity in the background; the chain does not continue as
// new while one is in flight, so a retried alert is not lost with its run.
func (c *chain) sendRpoAlert(ctx workflow.Context, from, to string, deadline time.Time) {
	k := c.start.Key
	alert := model.RpoAlert{
		ChainID: c.id, ResourceArn: k.ResourceArn, ResourceType: k.ResourceType,
		SourceRegion: k.SourceRegion, DestinationRegion: k.DestinationRegion,
		DestinationAccount: k.DestinationAccount(), DestinationVault: model.VaultNameFromArn(k.DestinationBackupVaultArn),
		Plan: c.Plan, RpoMinutes: c.RpoMinutes, State: to, PreviousState: from, Deadline: deadline,
		At: workflow.Now(ctx),
	}
	if c.Newest != nil {
		alert.NewestSourceCreatedAt = c.Newest.Record.SourceCreationDate
		alert.NewestCopyArn = c.Newest.Record.DestinationRecoveryPointArn
	}
	workflow.GetLogger(ctx).Info("RPO state changed", "From", from, "To", to, "Deadline", deadline)
	c.alertsInFlight++
	workflow.Go(ctx, func(ctx workflow.Context) {
		defer func() {
			c.alertsInFlight--
			c.poke()
		}()
		err := workflow.ExecuteActivity(withAlert(ctx, "RPO "+to+" alert"), model.ActSendRpoAlert, alert).Get(ctx, nil)
		if err != nil {
			workflow.GetLogger(ctx).Error("RPO alert not delivered", "To", to, "Error", err)
		}
	})
}

// rpoDetails is the RPO part of the chain's details: the state, since when a BREACH has
// lasted, and the plan run it counts from while no copy has landed.
func (c *chain) rpoDetails() string {
	if c.RpoMinutes <= 0 {
		return ""
	}
	var b strings.Builder
	rpo, state, deadline := time.Duration(c.RpoMinutes)*time.Minute, c.published.rpoState, c.published.rpoDeadline
	switch {
	case c.rpoOnTemporalClock():
		fmt.Fprintf(&b, "**RPO:** %s, %s · deadline not known on AWS's clock until a copy job reads it\n\n", state, rpo)
	case state == model.RpoBreach:
		fmt.Fprintf(&b, "**RPO:** %s since %s, %s\n\n", state, formatTime(deadline), rpo)
	default:
		fmt.Fprintf(&b, "**RPO:** %s, %s · deadline %s\n\n", state, rpo, formatTime(deadline))
	}
	if c.Newest == nil && !c.RpoExpectedAt.IsZero() {
		fmt.Fprintf(&b, "**No copy yet:** plan %s selected this resource in its run of %s and had no recovery point to copy "+
			"(its backup failed, was missed or expired); the RPO counts from that run\n\n", c.Plan, formatTime(c.RpoExpectedAt))
	}
	return b.String()
}
