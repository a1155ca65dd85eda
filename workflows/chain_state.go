package workflows

import (
	"encoding/json"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// ChainInput is the CopyChain workflow's argument. A chain is started by signal-with-start
// with a bare model.ChainStart (whose JSON fields ChainInput shares by embedding it), and
// continues as new with State filled in, so both starts decode into the same type.
type ChainInput struct {
	model.ChainStart
	// State is carried across continue-as-new; nil on the chain's first run.
	State *ChainState `json:",omitempty"`
}

// ChainState is everything a chain carries across continue-as-new. Its size is bounded
// whatever the number of copies in the vault: the chain keeps its newest copy (the
// incremental base and the guard's charge) in full, and of every other live copy only
// what its expiry timer needs, a count and the earliest DeleteAt; the destination vault
// is the record of those copies, surveyed when a timer fires (see chain_lifecycle.go).
// Orders waiting are bounded by maxPendingBytes, recent records by maxRecentRecords.
type ChainState struct {
	Pending []PendingOrder `json:",omitempty"`
	// RuleSets holds each distinct rules document of the waiting orders once; an order
	// names its own by PendingOrder.RuleSet.
	RuleSets []json.RawMessage `json:",omitempty"`
	// Newest is the live copy of the newest source recovery point, nil when the chain
	// knows of none.
	Newest *TrackedCopy `json:",omitempty"`
	// OtherLive counts the chain's other live copies in the vault, as last surveyed plus
	// the copies landed since.
	OtherLive int `json:",omitempty"`
	// NextDueAt is the earliest DeleteAt (AWS time) among those other copies: when the
	// chain next surveys the vault and deletes what is due. Zero when none expires.
	NextDueAt time.Time `json:",omitzero"`
	// Upcoming names the other copies due first (at most maxUpcoming), so that one AWS's
	// lifecycle removes before the chain's timer fires (a worker away past its DeleteAt)
	// is still recorded deleted by name.
	Upcoming []model.CopyDue `json:",omitempty"`
	// SweepRetryAt (workflow time) postpones the next survey after one that failed or
	// could not delete a copy that was due.
	SweepRetryAt time.Time `json:",omitzero"`
	// AnchorAWS and AnchorTemporal read one instant on AWS's clock and on the workflow's:
	// the CreationDate of one of the chain's copy jobs and the workflow time its
	// StartCopyJob returned (the tightest recent reading: see noteAnchor). An AWS instant t is due at AnchorTemporal + (t - AnchorAWS) /
	// TimeScale: t itself on real AWS, the emulator's faster clock mapped back onto
	// Temporal's when --time-scale is used. (The job's end is a worse anchor: polling sees
	// it late, and at a large time scale that delay, multiplied, would let AWS expire a
	// copy before the chain's timer fires.)
	AnchorAWS      time.Time `json:",omitzero"`
	AnchorTemporal time.Time `json:",omitzero"`
	// AnchorSpread is how late the anchor's reading may be (see noteAnchor).
	AnchorSpread time.Duration `json:",omitempty"`
	// Recent are the latest finished records, newest last, so an order repeated after
	// continue-as-new is still answered from its record.
	Recent []model.CopyRecord `json:",omitempty"`
	// TokenSeq numbers the chain's StartCopyJob attempts; it only grows (see
	// idempotencyToken).
	TokenSeq int64 `json:",omitempty"`

	CopiesTotal int `json:",omitempty"`
	FullCopies  int `json:",omitempty"`
	// BytesTotal is the sum of the completed copies' sizes as AWS reports them
	// (BackupSizeInBytes of each recovery point), not bytes transferred: AWS does not
	// report those, and an incremental copy moves less than its recovery point's size.
	BytesTotal int64     `json:",omitempty"`
	LastCopyAt time.Time `json:",omitzero"`
	LastFailed bool      `json:",omitempty"`
	Plan       string    `json:",omitempty"`
	// RpoMinutes is the RPO the plan's latest order set (0: none); RpoSince (AWS time) the
	// source creation date of the first order under it, which counts instead of a copy
	// while none has landed; RpoState the state last published (see chain_rpo.go).
	RpoMinutes int64     `json:",omitempty"`
	RpoSince   time.Time `json:",omitzero"`
	RpoState   string    `json:",omitempty"`
	// RpoExpectedAt (workflow time) is the earliest nominal time of a plan run that had
	// nothing to copy for this chain (an RPO expectation) since its last landed copy: one
	// instant, however many runs failed.
	RpoExpectedAt time.Time `json:",omitzero"`
}

// PendingOrder is an order waiting for its turn, with every workflow that asked for it
// (duplicate orders for one recovery point are merged, not copied twice).
type PendingOrder struct {
	Order      model.CopyOrder
	Requesters []string  `json:",omitempty"`
	ReceivedAt time.Time // workflow time the first order arrived
	// RuleSet is the 1-based index of the order's rules in ChainState.RuleSets (0: the
	// order carries none); Order.Rules is empty while the order waits.
	RuleSet int `json:",omitempty"`
}

// TrackedCopy is the newest copy's record plus what the chain needs to guard it.
type TrackedCopy struct {
	Record model.CopyRecord
	// OriginalLifecycle is the lifecycle to restore when the newest-copy guard's extension
	// is released (set only while Record.ExtendedUntil is set).
	OriginalLifecycle model.Lifecycle `json:",omitempty"`
	// RetryAt (workflow time) postpones a guard extension that failed without a retryable
	// cause.
	RetryAt time.Time `json:",omitzero"`
}

// effectiveDeleteAt is the AWS instant the copy is deleted at: the guard's extension when
// one is in force, else its calculated DeleteAt (zero when it never expires).
func (t *TrackedCopy) effectiveDeleteAt() time.Time {
	if !t.Record.ExtendedUntil.IsZero() {
		return t.Record.ExtendedUntil
	}
	return t.Record.DeleteAt
}

// due maps an AWS instant onto the workflow clock (see ChainState.AnchorAWS).
func (s *ChainState) due(awsTime time.Time, timeScale float64) time.Time {
	if s.AnchorAWS.IsZero() {
		return awsTime
	}
	d := awsTime.Sub(s.AnchorAWS)
	if timeScale > 1 {
		d = time.Duration(float64(d) / timeScale)
	}
	return s.AnchorTemporal.Add(d)
}

// awsAt maps a workflow instant onto AWS's clock, the inverse of due.
func (s *ChainState) awsAt(workflowTime time.Time, timeScale float64) time.Time {
	if s.AnchorAWS.IsZero() {
		return workflowTime
	}
	d := workflowTime.Sub(s.AnchorTemporal)
	if timeScale > 1 {
		d = time.Duration(float64(d) * timeScale)
	}
	return s.AnchorAWS.Add(d)
}

// awaitsAnchor reports whether AWS instants cannot be mapped onto the workflow clock yet:
// AWS's clock runs faster and no copy job has given a reading of it (a chain that adopted
// its vault and has not copied since). AWS's own lifecycle is the backstop meanwhile.
func (s *ChainState) awaitsAnchor(timeScale float64) bool {
	return s.AnchorAWS.IsZero() && timeScale > 1
}
