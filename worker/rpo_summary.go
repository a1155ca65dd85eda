package worker

import (
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// onDemandPlan is the plan label of chains no plan started (search attribute Plan empty).
const onDemandPlan = "on-demand"

// rpoStates are the values of the rpo_state label, each published for every plan and
// destination seen so that a state's count falls to 0 rather than going stale.
var rpoStates = []string{model.RpoOK, model.RpoAtRisk, model.RpoBreach, model.RpoNone}

// openChain is what the RPO collector reads of one open chain: four of its search
// attributes, each empty (zero) when the chain has not set it.
type openChain struct {
	Plan              string
	DestinationRegion string
	RpoState          string
	LastCopyAt        time.Time
}

// rpoGroup is one plan and destination Region.
type rpoGroup struct {
	Plan              string
	DestinationRegion string
}

// rpoGroupSummary is what the gauges say of one group.
type rpoGroupSummary struct {
	// Resources counts the group's open chains by RPO state.
	Resources map[string]int
	// OldestNewestCopyAge is the age of the oldest among the chains' newest copies
	// (LastCopyAt); zero when no chain of the group has landed one.
	OldestNewestCopyAge time.Duration
}

// summarizeRpo groups open chains by plan and destination Region at now. A chain
// without a plan counts under onDemandPlan, one without an RPO state as model.RpoNone.
// A LastCopyAt after now (AWS's clock ahead of this one) counts as age zero.
func summarizeRpo(chains []openChain, now time.Time) map[rpoGroup]rpoGroupSummary {
	out := map[rpoGroup]rpoGroupSummary{}
	for _, c := range chains {
		g := rpoGroup{Plan: c.Plan, DestinationRegion: c.DestinationRegion}
		if g.Plan == "" {
			g.Plan = onDemandPlan
		}
		s, ok := out[g]
		if !ok {
			s = rpoGroupSummary{Resources: map[string]int{}}
		}
		state := c.RpoState
		if state == "" {
			state = model.RpoNone
		}
		s.Resources[state]++
		if !c.LastCopyAt.IsZero() {
			s.OldestNewestCopyAge = max(s.OldestNewestCopyAge, now.Sub(c.LastCopyAt), 0)
		}
		out[g] = s
	}
	return out
}
