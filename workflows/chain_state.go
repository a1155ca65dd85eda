package workflows

import (
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

// ChainState is everything a chain must remember across continue-as-new: orders not yet
// copied, every live copy (with its lifecycle bookkeeping) and a bounded list of recent
// finished records, plus lifetime counters.
type ChainState struct {
	Pending     []PendingOrder `json:",omitempty"`
	Copies      []TrackedCopy  `json:",omitempty"`
	CopiesTotal int            `json:",omitempty"`
	FullCopies  int            `json:",omitempty"`
	// BytesTotal is the sum of the completed copies' sizes as AWS reports them
	// (BackupSizeInBytes of each recovery point), not bytes transferred: AWS does not
	// report those, and an incremental copy moves less than its recovery point's size.
	BytesTotal int64     `json:",omitempty"`
	LastCopyAt time.Time `json:",omitzero"`
	LastFailed bool      `json:",omitempty"`
	Plan       string    `json:",omitempty"`
}

// PendingOrder is an order waiting for its turn, with every workflow that asked for it
// (duplicate orders for one recovery point are merged, not copied twice).
type PendingOrder struct {
	Order      model.CopyOrder
	Requesters []string  `json:",omitempty"`
	ReceivedAt time.Time // workflow time the first order arrived
	// PriorAttempts counts copy jobs started for this recovery point by earlier orders
	// that failed, so a new order's idempotency tokens never repeat theirs.
	PriorAttempts int `json:",omitempty"`
}

// TrackedCopy is one copy record plus what the chain needs to run its lifecycle.
//
// AWS timestamps (DeleteAt, MoveToColdStorageAt) become Temporal timers through an anchor
// pair: the copy job's CreationDate on AWS's clock and the workflow time StartCopyJob
// returned, two readings of the same instant to within one call's latency. An AWS instant
// t is due at AnchorTemporal + (t - AnchorAWS) / TimeScale: t itself on real AWS, and the
// emulator's faster clock mapped back onto Temporal's when --time-scale is used. (The
// job's end is a worse anchor: polling sees it late, and at a large time scale that
// delay, multiplied, would let AWS expire a copy before the chain's timer fires.)
type TrackedCopy struct {
	Record         model.CopyRecord
	AnchorAWS      time.Time `json:",omitzero"`
	AnchorTemporal time.Time `json:",omitzero"`
	// Cold is set once the cold-transition timer has fired (AWS moved the copy to cold
	// storage); a cold transition cannot be undone.
	Cold bool `json:",omitempty"`
	// OriginalLifecycle is the lifecycle to restore when the newest-copy guard's extension
	// is released (set only while Record.ExtendedUntil is set).
	OriginalLifecycle model.Lifecycle `json:",omitempty"`
	// RetryAt (workflow time) postpones a lifecycle action that failed without a retryable
	// cause, such as a deletion refused while a job uses the point.
	RetryAt time.Time `json:",omitzero"`
}

// live reports whether the copy exists in the destination vault.
func (t *TrackedCopy) live() bool { return t.Record.State == model.JobCompleted }

// effectiveDeleteAt is the AWS instant the copy is deleted at: the guard's extension when
// one is in force, else its calculated DeleteAt (zero when it never expires).
func (t *TrackedCopy) effectiveDeleteAt() time.Time {
	if !t.Record.ExtendedUntil.IsZero() {
		return t.Record.ExtendedUntil
	}
	return t.Record.DeleteAt
}

// due maps an AWS instant onto the workflow clock (see TrackedCopy).
func (t *TrackedCopy) due(awsTime time.Time, timeScale float64) time.Time {
	if t.AnchorAWS.IsZero() {
		return awsTime
	}
	d := awsTime.Sub(t.AnchorAWS)
	if timeScale > 1 {
		d = time.Duration(float64(d) / timeScale)
	}
	return t.AnchorTemporal.Add(d)
}
