package worker

import (
	"context"
	"slices"
	"time"

	"github.com/uber-go/tally/v4"
	"go.uber.org/zap"
)

// rpoCollector publishes the RPO gauges: every interval it lists the open chains once
// (list) and sets regioncopy_resources and regioncopy_newest_copy_age_seconds from
// summarizeRpo. Every worker runs one; each publishes the same values, so dashboards
// and alerts take their max.
type rpoCollector struct {
	list     func(context.Context) ([]openChain, int, error)
	scope    tally.Scope
	interval time.Duration
	log      *zap.Logger
	// seen and seenStates hold every group and state published so far: a group whose
	// chains have all closed, or a state no chain is in any more, is published as zero
	// instead of keeping its last value.
	seen       map[rpoGroup]bool
	seenStates []string
}

// run collects at once and then every interval until ctx ends.
func (c *rpoCollector) run(ctx context.Context) {
	t := time.NewTicker(c.interval)
	defer t.Stop()
	for {
		c.collect(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// collect makes one list pass and publishes it. A failed pass leaves the gauges as
// they were and counts a failure; regioncopy_rpo_collected_timestamp_seconds says how
// old they are.
func (c *rpoCollector) collect(ctx context.Context) {
	passCtx, cancel := context.WithTimeout(ctx, c.interval)
	defer cancel()
	began := time.Now()
	chains, pages, err := c.list(passCtx)
	if err != nil {
		if ctx.Err() != nil {
			return // the worker is stopping
		}
		c.scope.Counter(metricRpoCollectFailures).Inc(1)
		c.log.Warn("RPO metrics: listing the open chains failed", zap.Error(err))
		return
	}
	c.publish(summarizeRpo(chains, time.Now()))
	c.scope.Gauge(metricRpoCollectedAt).Update(float64(time.Now().UnixMilli()) / 1000)
	c.log.Debug("RPO metrics collected", zap.Int("chains", len(chains)), zap.Int("pages", pages),
		zap.Duration("took", time.Since(began)))
}

func (c *rpoCollector) publish(summary map[rpoGroup]rpoGroupSummary) {
	if c.seen == nil {
		c.seen, c.seenStates = map[rpoGroup]bool{}, slices.Clone(rpoStates)
	}
	for g, s := range summary {
		c.seen[g] = true
		for state := range s.Resources {
			if !slices.Contains(c.seenStates, state) {
				c.seenStates = append(c.seenStates, state)
			}
		}
	}
	for g := range c.seen {
		s := summary[g] // zero for a group with no open chain left
		group := c.scope.Tagged(map[string]string{"plan": g.Plan, "destination_region": g.DestinationRegion})
		for _, state := range c.seenStates {
			group.Tagged(map[string]string{"rpo_state": state}).Gauge(metricResources).Update(float64(s.Resources[state]))
		}
		group.Gauge(metricNewestCopyAge).Update(s.OldestNewestCopyAge.Seconds())
	}
}
