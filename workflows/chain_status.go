package workflows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// publishedStatus is what the chain last showed the UI, so updateStatus upserts search
// attributes only when they change: a copy then costs a fixed, small number of
// UpsertWorkflowSearchAttributes events however often the status is refreshed.
type publishedStatus struct {
	keysSet    bool
	state      string
	plan       string
	lastCopyAt time.Time
	nextExpiry time.Time
	copyCount  int
	// rpoState starts empty, so a chain's first pass sets RpoState (NO_RPO without one),
	// unless the run already holds it (publishedIn).
	rpoState    string
	rpoDeadline time.Time
}

// publishedIn is what a run shows the UI before it has published anything: the search
// attributes it was started with (EnqueueCopy sets the chain's identity and what its
// first order makes it show) or carried over from the run it continues. A new chain, and
// every continued run, then upserts only what differs: for a first copy, nothing until
// the copy ends.
func publishedIn(sa temporal.SearchAttributes, k model.ChainKey) publishedStatus {
	keyword := func(key temporal.SearchAttributeKeyKeyword) string {
		v, _ := sa.GetKeyword(key)
		return v
	}
	timeOf := func(key temporal.SearchAttributeKeyTime) time.Time {
		v, _ := sa.GetTime(key)
		return v
	}
	held := map[string]any{}
	for key, v := range sa.GetUntypedValues() {
		held[key.GetName()] = v
	}
	keysSet := true
	for key, v := range temporal.NewSearchAttributes(model.ChainIdentity(k)...).GetUntypedValues() {
		keysSet = keysSet && held[key.GetName()] == v
	}
	count, _ := sa.GetInt64(model.CopyCountKey)
	return publishedStatus{
		keysSet:     keysSet,
		state:       keyword(model.CopyStateKey),
		plan:        keyword(model.PlanKey),
		lastCopyAt:  timeOf(model.LastCopyAtKey),
		nextExpiry:  timeOf(model.NextExpiryKey),
		copyCount:   int(count),
		rpoState:    keyword(model.RpoStateKey),
		rpoDeadline: timeOf(model.RpoDeadlineKey),
	}
}

// status builds the answer to QueryStatus.
func (c *chain) status() model.ChainStatus {
	s := model.ChainStatus{
		Key:         c.start.Key,
		State:       c.state(),
		LastCopyAt:  c.LastCopyAt,
		NextExpiry:  c.nextExpiry(),
		CopiesTotal: c.CopiesTotal,
		FullCopies:  c.FullCopies,
		BytesTotal:  c.BytesTotal,
		Pending:     []model.CopyOrder{},
		RpoMinutes:  c.RpoMinutes,
		RpoState:    c.published.rpoState,
		RpoDeadline: c.published.rpoDeadline,
	}
	if c.Newest == nil {
		s.RpoExpectedAt = c.RpoExpectedAt
	}
	if c.current != nil {
		rec := c.current.record
		s.Current = &rec
	}
	for i, p := range c.Pending {
		if i == maxStatusPending {
			break
		}
		s.Pending = append(s.Pending, p.Order)
	}
	s.PendingCount = len(c.Pending)
	s.LiveCopies = c.OtherLive + c.newestCount()
	return s
}

// maxStatusPending bounds the waiting orders the status query lists (PendingCount says
// how many there are).
const maxStatusPending = 10

// records is the answer to QueryCopies: one page of this run's records, oldest first,
// then the newest copy's when this run has not logged it, then the copy in flight (see
// model.CopiesPage).
func (c *chain) records(page model.CopiesPage) []model.CopyRecord {
	all := make([]model.CopyRecord, 0, len(c.log)+2)
	all = append(all, c.log...)
	if c.Newest != nil && !slices.ContainsFunc(c.log, func(r model.CopyRecord) bool {
		return r.DestinationRecoveryPointArn == c.Newest.Record.DestinationRecoveryPointArn
	}) {
		all = append(all, c.Newest.Record)
	}
	if c.current != nil {
		all = append(all, c.current.record)
	}
	limit := page.Limit
	if limit <= 0 || limit > model.MaxCopiesPage {
		limit = model.MaxCopiesPage
	}
	end := max(len(all)-max(page.Skip, 0), 0)
	start := max(end-limit, 0)
	return all[start:end]
}

func (c *chain) state() string {
	switch {
	case c.current != nil:
		return model.ChainCopying
	case c.LastFailed:
		return model.ChainFailed
	default:
		return model.ChainIdle
	}
}

// nextExpiry is the AWS instant the first live copy is deleted at.
func (c *chain) nextExpiry() time.Time {
	next := c.NextDueAt
	if c.Newest != nil {
		if d := c.Newest.effectiveDeleteAt(); !d.IsZero() && (next.IsZero() || d.Before(next)) {
			next = d
		}
	}
	return next
}

// updateStatus is the one place the chain publishes its state: search attributes (only
// those that changed) and the current details shown on the workflow page.
func (c *chain) updateStatus(ctx workflow.Context) {
	k, p := c.start.Key, &c.published
	var updates []temporal.SearchAttributeUpdate
	if !p.keysSet {
		updates = append(updates,
			model.ResourceArnKey.ValueSet(k.ResourceArn),
			model.ResourceTypeKey.ValueSet(k.ResourceType),
			model.SourceRegionKey.ValueSet(k.SourceRegion),
			model.DestinationRegionKey.ValueSet(k.DestinationRegion),
			model.DestinationAccountKey.ValueSet(k.DestinationAccount()),
			model.DestinationVaultKey.ValueSet(model.VaultNameFromArn(k.DestinationBackupVaultArn)))
		p.keysSet = true
	}
	if st := c.state(); st != p.state {
		updates = append(updates, model.CopyStateKey.ValueSet(st))
		p.state = st
	}
	if c.Plan != "" && c.Plan != p.plan {
		updates = append(updates, model.PlanKey.ValueSet(c.Plan))
		p.plan = c.Plan
	}
	if !c.LastCopyAt.IsZero() && !c.LastCopyAt.Equal(p.lastCopyAt) {
		updates = append(updates, model.LastCopyAtKey.ValueSet(c.LastCopyAt))
		p.lastCopyAt = c.LastCopyAt
	}
	if next := c.nextExpiry(); !next.Equal(p.nextExpiry) {
		if next.IsZero() {
			updates = append(updates, model.NextExpiryKey.ValueUnset())
		} else {
			updates = append(updates, model.NextExpiryKey.ValueSet(next))
		}
		p.nextExpiry = next
	}
	if c.CopiesTotal != p.copyCount {
		updates = append(updates, model.CopyCountKey.ValueSet(int64(c.CopiesTotal)))
		p.copyCount = c.CopiesTotal
	}
	updates = append(updates, c.publishRpo(ctx)...)
	if len(updates) > 0 {
		if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
			workflow.GetLogger(ctx).Warn("Could not update search attributes", "Error", err)
		}
	}
	workflow.SetCurrentDetails(ctx, c.details())
}

// details renders the chain as markdown for the workflow page.
func (c *chain) details() string {
	k := c.start.Key
	var b strings.Builder
	fmt.Fprintf(&b, "### %s → %s (%s)\n\n", k.ResourceArn, model.VaultNameFromArn(k.DestinationBackupVaultArn), k.DestinationRegion)
	// BytesTotal sums the copies' recovery point sizes (AWS's BackupSizeInBytes); AWS does
	// not report the bytes a copy job transferred, so neither does the chain.
	fmt.Fprintf(&b, "**State:** %s · **copies:** %d (%d full) · **size of copies:** %s\n\n", c.state(), c.CopiesTotal, c.FullCopies, model.FormatBytes(c.BytesTotal))
	if cur := c.current; cur != nil {
		r := cur.record
		fmt.Fprintf(&b, "**Copying** `%s` (%s, attempt %d, job %s, %s)\n\n", r.SourceRecoveryPointArn, r.Kind, r.Attempts, orDash(r.CopyJobId), r.State)
	}
	b.WriteString(c.rpoDetails())
	if len(c.Pending) > 0 {
		fmt.Fprintf(&b, "**Waiting:** %d order(s), oldest `%s`\n\n", len(c.Pending), c.Pending[0].Order.SourceRecoveryPointArn)
	}
	if t := c.Newest; t != nil {
		line := fmt.Sprintf("**Newest copy:** `%s` %s, recovery point of %s, deletes %s", t.Record.DestinationRecoveryPointArn, t.Record.Kind,
			model.FormatBytes(t.Record.BackupSizeInBytes), formatTime(t.Record.DeleteAt))
		if !t.Record.ExtendedUntil.IsZero() {
			line += fmt.Sprintf(" — **extended until %s** (no newer copy yet)", formatTime(t.Record.ExtendedUntil))
		}
		b.WriteString(line + "\n\n")
		fmt.Fprintf(&b, "**Other live copies:** %d, next expiry %s\n", c.OtherLive, formatTime(c.NextDueAt))
	} else {
		b.WriteString("No live copies.\n")
	}
	if c.LastFailed {
		for i := len(c.log) - 1; i >= 0; i-- {
			if r := c.log[i]; r.State == model.JobFailed || r.State == model.RecordExpiredOnLanding {
				fmt.Fprintf(&b, "\n**Last copy failed:** %s\n", r.StatusMessage)
				break
			}
		}
	}
	return b.String()
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
