package model

import "time"

// RPO states of a chain (search attribute RpoState) and of a report row.
const (
	// RpoOK: the newest landed copy's source was created less than the RPO ago, with
	// more than the at-risk margin left.
	RpoOK = "OK"
	// RpoAtRisk: still within the RPO, but less than the at-risk margin is left
	// (RpoAtRiskMargin of the RPO); a copy must land soon.
	RpoAtRisk = "AT_RISK"
	// RpoBreach: no copy whose source is younger than the RPO has landed.
	RpoBreach = "BREACH"
	// RpoNone: no RPO applies to this resource and destination.
	RpoNone = "NO_RPO"
)

// RpoAtRiskMargin is the share of the RPO, counted back from the deadline, in which a
// chain is AT_RISK: with a 24-hour RPO it turns AT_RISK 6 hours before its deadline.
const RpoAtRiskMargin = 0.25

// RpoStateAt answers a resource's RPO state at now, given when the source of its newest
// landed copy was created (zero: never copied; then since, when it became due, counts
// instead) and its RPO (0: none).
func RpoStateAt(now, newestSourceCreated, since time.Time, rpo time.Duration) (state string, deadline time.Time) {
	if rpo <= 0 {
		return RpoNone, time.Time{}
	}
	base := newestSourceCreated
	if base.IsZero() {
		base = since
	}
	deadline = base.Add(rpo)
	atRisk := deadline.Add(-time.Duration(float64(rpo) * RpoAtRiskMargin))
	switch {
	case !now.Before(deadline):
		return RpoBreach, deadline
	case !now.Before(atRisk):
		return RpoAtRisk, deadline
	default:
		return RpoOK, deadline
	}
}

// RpoAlert is what regioncopy sends on every change of a chain into or out of BREACH: a
// structured log line, and a JSON POST to REGIONCOPY_ALERT_WEBHOOK_URL when configured.
type RpoAlert struct {
	ChainID            string
	ResourceArn        string
	ResourceType       string `json:",omitempty"`
	SourceRegion       string
	DestinationRegion  string
	DestinationAccount string `json:",omitempty"`
	DestinationVault   string
	Plan               string `json:",omitempty"`
	RpoMinutes         int64
	// State is the new state, PreviousState the one it left.
	State         string
	PreviousState string
	Deadline      time.Time
	// NewestSourceCreatedAt and NewestCopyArn describe the newest landed copy, if any.
	NewestSourceCreatedAt time.Time `json:",omitzero"`
	NewestCopyArn         string    `json:",omitempty"`
	// At is when the state changed (workflow time).
	At time.Time
}

// IsExpectation reports whether the order is an RPO expectation rather than a copy: a plan
// run selected the resource at ExpectedAt (its nominal time) and had no recovery point
// for it, because its backup failed, was missed or expired. It carries the plan and the
// destination's RPO and nothing to copy: the chain never starts a copy for it and answers
// no requester, but while it holds no landed copy it counts its RPO deadline from the
// earliest expectation, so a resource whose backups keep failing still reaches BREACH.
func (o CopyOrder) IsExpectation() bool {
	return o.SourceRecoveryPointArn == "" && !o.ExpectedAt.IsZero()
}

// ExpectationOrder is the RPO expectation a plan run hands a destination's chain when it
// selected the resource at nominal and has nothing to copy (see IsExpectation).
func ExpectationOrder(plan string, rpoMinutes int64, nominal time.Time) CopyOrder {
	return CopyOrder{Plan: plan, RpoMinutes: rpoMinutes, ExpectedAt: nominal}
}
