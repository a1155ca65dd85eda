package workflows

import (
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
	if c.RpoMinutes > 0 && c.RpoSince.IsZero() {
		c.RpoSince = o.SourceCreationDate
	}
}

// rpo is the chain's RPO state at the workflow instant now, and its deadline (AWS time).
func (c *chain) rpo(now time.Time) (state string, deadline time.Time) {
	var newest time.Time
	if c.Newest != nil {
		newest = c.Newest.Record.SourceCreationDate
	}
	awsNow := c.awsAt(now, c.start.TimeScale)
	return model.RpoStateAt(awsNow, newest, c.RpoSince, time.Duration(c.RpoMinutes)*time.Minute)
}

// rpoEvent is the next change of the RPO state (workflow time), or actionNone: AT_RISK
// when the state is OK, BREACH when AT_RISK, none once in BREACH (only a landing copy
// ends it) or without an RPO. It is always after now.
func (c *chain) rpoEvent(ctx workflow.Context) lifecycleEvent {
	ts := c.start.TimeScale
	if c.RpoMinutes <= 0 || c.awaitsAnchor(ts) {
		return lifecycleEvent{}
	}
	state, deadline := c.rpo(workflow.Now(ctx))
	var next time.Time
	switch state {
	case model.RpoOK:
		next = deadline.Add(-rpoAtRiskMargin(c.RpoMinutes))
	case model.RpoAtRisk:
		next = deadline
	default:
		return lifecycleEvent{}
	}
	return lifecycleEvent{at: c.due(next, ts), action: actionRpo}
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
		updates = append(updates, RpoStateKey.ValueSet(state))
		p.rpoState = state
	}
	if !deadline.Equal(p.rpoDeadline) {
		if deadline.IsZero() {
			updates = append(updates, RpoDeadlineKey.ValueUnset())
		} else {
			updates = append(updates, RpoDeadlineKey.ValueSet(deadline))
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
