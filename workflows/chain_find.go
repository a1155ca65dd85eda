package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// Finding a copy the chain made. The chain holds its newest copy and this run's records;
// an order for an older point is looked up in the vault (a copy keeps its source's
// creation date), so a repeated order is answered from its copy however long ago it was
// made, without a second job.

// knownLiveCopy returns the live copy with a destination recovery point ARN among the
// newest copy and this run's records, or nil.
func (c *chain) knownLiveCopy(arn string) *TrackedCopy {
	if c.isNewest(arn) {
		return c.Newest
	}
	for i := len(c.log) - 1; i >= 0; i-- {
		if r := c.log[i]; r.DestinationRecoveryPointArn == arn {
			if r.State != model.JobCompleted {
				return nil
			}
			return &TrackedCopy{Record: r}
		}
	}
	return nil
}

// knownLiveSource returns the live copy of a source recovery point among the newest copy
// and this run's records, or nil. found says whether this run's records settle the
// question: a point whose latest record is DELETED has no copy, whatever the vault says.
func (c *chain) knownLiveSource(sourceArn string) (t *TrackedCopy, found bool) {
	if n := c.Newest; n != nil && n.Record.SourceRecoveryPointArn == sourceArn {
		return n, true
	}
	for i := len(c.log) - 1; i >= 0; i-- {
		r := c.log[i]
		if r.SourceRecoveryPointArn != sourceArn {
			continue
		}
		switch r.State {
		case model.JobCompleted:
			return &TrackedCopy{Record: r}, true
		case model.RecordDeleted:
			return nil, true
		}
	}
	return nil, false
}

// liveCopyOf returns the live copy of o's recovery point, or nil when it has none and
// must be copied. A point older than the newest copy that this run has no record of is
// looked up in the vault.
func (c *chain) liveCopyOf(ctx workflow.Context, o model.CopyOrder) *TrackedCopy {
	if t, found := c.knownLiveSource(o.SourceRecoveryPointArn); found {
		return t
	}
	if o.SourceCreationDate.IsZero() || c.OtherLive == 0 ||
		(c.Newest != nil && o.SourceCreationDate.After(c.Newest.Record.SourceCreationDate)) {
		return nil
	}
	out, err := c.survey(ctx, "look for a copy of "+o.SourceRecoveryPointArn, model.SurveyCopiesInput{MatchCreationDate: o.SourceCreationDate})
	if err != nil {
		workflow.GetLogger(ctx).Warn("Could not look for an existing copy in the vault; copying", "RecoveryPointArn", o.SourceRecoveryPointArn, "Error", err)
		return nil
	}
	if out.Match == nil {
		return nil
	}
	rec := c.vaultRecord(ctx, *out.Match)
	rec.SourceRecoveryPointArn = o.SourceRecoveryPointArn
	rec.StatusMessage = "found in the vault: copied before this chain's current records"
	c.logRecord(rec)
	return &TrackedCopy{Record: rec}
}
