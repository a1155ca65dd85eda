package workflows

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// enqueuePending adds an order to the waiting orders, oldest source recovery point first,
// unless the waiting orders would then pass maxPendingBytes: that order is answered FAILED
// at once, naming the backlog, so its requester can ask again and the chain's carried
// state stays bounded. The order's rules document is kept once in RuleSets.
func (c *chain) enqueuePending(ctx workflow.Context, p PendingOrder) {
	if len(p.Order.Rules) > 0 {
		p.RuleSet = c.ruleSet(p.Order.Rules)
		p.Order.Rules = nil
	}
	c.Pending = append(c.Pending, p)
	c.gcRuleSets()
	if size := c.pendingBytes(); size > maxPendingBytes && len(c.Pending) > 1 {
		c.Pending = c.Pending[:len(c.Pending)-1]
		c.gcRuleSets()
		rec := c.newRecord(ctx, p)
		rec.State = model.JobFailed
		rec.StatusMessage = fmt.Sprintf("refused: %d orders are already waiting on this chain (%d KiB, the most it carries is %d KiB); ask again once they are copied",
			len(c.Pending), size>>10, maxPendingBytes>>10)
		workflow.GetLogger(ctx).Error("Order refused: the chain's backlog is full", "RecoveryPointArn", p.Order.SourceRecoveryPointArn,
			"Pending", len(c.Pending), "PendingBytes", size)
		c.notify(ctx, p.Requesters, p.Order, rec)
		return
	}
	// Oldest source recovery point first; the ARN breaks ties so the order never depends
	// on arrival order alone.
	sort.SliceStable(c.Pending, func(i, j int) bool {
		a, b := c.Pending[i].Order, c.Pending[j].Order
		if !a.SourceCreationDate.Equal(b.SourceCreationDate) {
			return a.SourceCreationDate.Before(b.SourceCreationDate)
		}
		return a.SourceRecoveryPointArn < b.SourceRecoveryPointArn
	})
}

// pendingBytes is the JSON size of the waiting orders and their rules as carried.
func (c *chain) pendingBytes() int {
	b, err := json.Marshal(struct {
		P []PendingOrder
		R []json.RawMessage
	}{c.Pending, c.RuleSets})
	if err != nil {
		return 0
	}
	return len(b)
}

// ruleSet returns the 1-based index of rules in RuleSets, adding it when new.
func (c *chain) ruleSet(rules json.RawMessage) int {
	for i, r := range c.RuleSets {
		if bytes.Equal(r, rules) {
			return i + 1
		}
	}
	c.RuleSets = append(c.RuleSets, rules)
	return len(c.RuleSets)
}

// gcRuleSets drops the rules no waiting order names and renumbers the rest.
func (c *chain) gcRuleSets() {
	if len(c.RuleSets) == 0 {
		return
	}
	var kept []json.RawMessage
	renumber := map[int]int{}
	for i := range c.Pending {
		old := c.Pending[i].RuleSet
		if old == 0 || old > len(c.RuleSets) {
			continue
		}
		n, ok := renumber[old]
		if !ok {
			kept = append(kept, c.RuleSets[old-1])
			n = len(kept)
			renumber[old] = n
		}
		c.Pending[i].RuleSet = n
	}
	c.RuleSets = kept
}

// orderOf is a waiting order as it was sent, its rules restored.
func (c *chain) orderOf(p PendingOrder) model.CopyOrder {
	o := p.Order
	if p.RuleSet > 0 && p.RuleSet <= len(c.RuleSets) {
		o.Rules = c.RuleSets[p.RuleSet-1]
	}
	return o
}
