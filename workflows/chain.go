package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
)

// Chain bounds. A chain lives for years; it continues as new (only between copies) after
// maxCopiesPerRun copies, maxLifecyclePassesPerRun lifecycle passes, or when the server
// suggests it, carrying its state (ChainState, bounded whatever the vault holds).
const (
	maxCopiesPerRun          = 50
	maxLifecyclePassesPerRun = 100
	// maxRunRecords is how many records a run logs for the copies query before it
	// continues as new (between copies), so each run's records stay readable in full,
	// closed runs included. A run that cannot continue yet (a long copy in flight while
	// many copies expire) keeps at most hardRunRecords, dropping the oldest finished ones
	// first; the newest copy's is always kept.
	maxRunRecords  = 30
	hardRunRecords = 100
	// maxRecentRecords is how many of the latest records a run carries into the next.
	maxRecentRecords = 5
	// maxPendingBytes bounds the waiting orders a chain carries (their JSON size): an
	// order beyond it is refused with an error result naming the backlog, so the carried
	// state stays under Temporal's payload limits whatever the requesters send.
	maxPendingBytes = 20 << 10
)

// CopyChain is the entity workflow of one chain: one resource's recovery points in one
// source Region copied into one destination vault (model.ChainKey, workflow id
// model.ChainWorkflowID). Orders arrive by
// the model.SignalCopy signal (usually signal-with-start from the EnqueueCopy activity).
//
// The chain runs one copy job at a time, oldest source recovery point first, so the first
// copy into the vault is full and every later one incremental against the newest copy
// still there. Duplicate orders for one recovery point are merged; orders marked Coalesce
// are skipped (reported SUPERSEDED) when a newer recovery point is waiting, and answered
// SUPERSEDED at once when a newer one is already copied or being copied (an order without
// Coalesce is still copied, its record noting it came out of order). An order for a
// recovery point already copied is answered with its copy; when it asks for another
// lifecycle, the copy's lifecycle is changed as the set-lifecycle update would (same rules)
// instead of copying again. Every copy is recorded, and every requester gets a
// model.SignalCopyResult when its order ends.
//
// Live copies have durable timers for their cold transition and expiry; at expiry the
// chain deletes the copy and verifies it is gone. The newest completed copy is never
// allowed to expire before a newer copy has landed: shortly before its DeleteAt the chain
// extends its lifecycle in AWS and records ExtendedUntil.
//
// A run started without carried state first adopts the copies of its resource already in
// the destination vault (see adoptVaultCopies), so a chain restarted after termination or
// lost history keeps copying incrementally, guards and expires those copies, and answers
// orders for them without copying again.
func CopyChain(ctx workflow.Context, in ChainInput) error {
	c := newChain(ctx, in)
	if err := c.setup(ctx); err != nil {
		return err
	}
	c.adoptVaultCopies(ctx, in)
	return c.run(ctx)
}

// chain holds one run's state; ChainState is the part carried across continue-as-new.
type chain struct {
	ChainState
	start model.ChainStart
	id    string
	// firstRunID is the run id of the chain's first run since it was last started fresh;
	// with TokenSeq it makes idempotency tokens unique (see idempotencyToken).
	firstRunID string

	orders workflow.ReceiveChannel
	// wake is poked by the copy goroutine and the update handler so the main loop
	// recomputes status and re-arms its lifecycle timer.
	wake workflow.Channel
	// lifecycleLock serializes lifecycle changes of the main loop and the update handler.
	lifecycleLock workflow.Mutex

	current          *inflightCopy
	copiesThisRun    int
	lifecycleThisRun int
	// log is this run's records, oldest first (see maxRunRecords): the answer to the
	// copies query. It starts with the records carried in Recent.
	log []model.CopyRecord

	timer       workflow.Future
	timerAt     time.Time
	timerCancel workflow.CancelFunc

	published publishedStatus
	// localCalls (from version changeLocalCalls on) answers requesters through a local
	// activity and takes the orders already delivered before publishing the chain's state.
	localCalls bool
	// publishesDifferences (from version 2 of changeLocalCalls on) starts from the search
	// attributes the run already holds, so its first publication upserts only what differs.
	publishesDifferences bool
	// alertsInFlight counts RPO alerts still being sent (see sendRpoAlert).
	alertsInFlight int
}

// inflightCopy is the order being copied now; its record is filled in as the copy runs
// and its requesters grow when duplicate orders arrive meanwhile.
type inflightCopy struct {
	PendingOrder
	record model.CopyRecord
	done   workflow.Future
	// jobAskedAt and jobStartedAt are the workflow times the current attempt's
	// StartCopyJob was asked and answered: the Temporal half of a reading of AWS's clock
	// (see noteAnchor).
	jobAskedAt, jobStartedAt time.Time
	// note is kept in the record's StatusMessage ahead of AWS's (see outOfOrderCopyNote).
	note string
}

func newChain(ctx workflow.Context, in ChainInput) *chain {
	info := workflow.GetInfo(ctx)
	c := &chain{start: in.ChainStart, id: info.WorkflowExecution.ID, firstRunID: info.FirstRunID}
	if c.firstRunID == "" {
		// Only the SDK's test environment leaves it empty; a run id is as unique.
		c.firstRunID = info.WorkflowExecution.RunID
	}
	localCalls := workflow.GetVersion(ctx, changeLocalCalls, workflow.DefaultVersion, 2)
	c.localCalls, c.publishesDifferences = localCalls >= 1, localCalls >= 2
	if in.State != nil {
		c.ChainState = *in.State
	}
	c.log = append(c.log, c.Recent...)
	c.orders = workflow.GetSignalChannel(ctx, model.SignalCopy)
	c.wake = workflow.NewBufferedChannel(ctx, 1)
	c.lifecycleLock = workflow.NewMutex(ctx)
	return c
}

func (c *chain) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, model.QueryStatus, func() (model.ChainStatus, error) {
		return c.status(), nil
	}); err != nil {
		return err
	}
	if err := workflow.SetQueryHandler(ctx, model.QueryCopies, func(page model.CopiesPage) ([]model.CopyRecord, error) {
		return c.records(page), nil
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, model.UpdateSetLifecycle, c.setLifecycle,
		workflow.UpdateHandlerOptions{
			Validator:   c.validateSetLifecycle,
			Description: "change the lifecycle of one copy held by this chain; its timers follow",
		}); err != nil {
		return err
	}
	if c.localCalls {
		// The first pass of run publishes, after taking the orders that started the run.
		if c.publishesDifferences {
			c.published = publishedIn(workflow.GetTypedSearchAttributes(ctx), c.start.Key)
		}
		workflow.SetCurrentDetails(ctx, c.details())
		return nil
	}
	c.updateStatus(ctx)
	return nil
}

func (c *chain) run(ctx workflow.Context) error {
	for {
		if c.current == nil {
			if c.shouldContinueAsNew(ctx) {
				return c.continueAsNew(ctx)
			}
			c.settleCopiedOrders(ctx)
			c.supersedeBacklog(ctx)
			c.supersedeOutdated(ctx)
			if len(c.Pending) > 0 {
				c.startCopy(ctx)
			}
		}
		if c.localCalls && c.takeDelivered(ctx) {
			continue
		}
		c.updateStatus(ctx)

		timerFired := false
		sel := workflow.NewSelector(ctx)
		sel.AddReceive(c.orders, func(ch workflow.ReceiveChannel, _ bool) {
			var o model.CopyOrder
			ch.Receive(ctx, &o)
			c.accept(ctx, o)
		})
		sel.AddReceive(c.wake, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, nil) })
		if c.current != nil {
			sel.AddFuture(c.current.done, func(workflow.Future) { c.finishCopy(ctx) })
		}
		switch scheduled, due := c.armTimer(ctx); {
		case due:
			timerFired = true
		case scheduled:
			sel.AddFuture(c.timer, func(workflow.Future) { timerFired = true })
		}
		canceled := false
		sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) { canceled = true })
		if !timerFired {
			sel.Select(ctx)
		}
		// A lifecycle event due when the chain is canceled would find the lifecycle lock
		// out of reach (taking it fails once canceled) and stay due, so the loop would spin
		// without yielding: a canceled chain ends now, leaving the event to AWS's lifecycle.
		if timerFired && !canceled && ctx.Err() != nil {
			canceled = true
		}
		if canceled {
			// An operator canceled the chain: its records stay queryable in the closed
			// run, and AWS's lifecycle (the backstop) still expires its copies.
			c.abandon(ctx)
			return ctx.Err()
		}
		if timerFired {
			c.timer, c.timerAt, c.timerCancel = nil, time.Time{}, nil
			c.runDueLifecycle(ctx)
		}
	}
}

// takeDelivered accepts every order already delivered, reporting whether there was one.
func (c *chain) takeDelivered(ctx workflow.Context) bool {
	took := false
	for {
		var o model.CopyOrder
		if !c.orders.ReceiveAsync(&o) {
			return took
		}
		c.accept(ctx, o)
		took = true
	}
}

// accept takes one order: a duplicate of the copy in flight or of a waiting order joins
// it (unless it asks for another lifecycle: then it waits on its own and changes the
// copy's lifecycle once the copy exists); an order for a recovery point already copied is
// answered at once with its record, after its lifecycle is applied when it asks for
// another; anything else waits its turn.
func (c *chain) accept(ctx workflow.Context, o model.CopyOrder) {
	logger := workflow.GetLogger(ctx)
	if o.IsExpectation() {
		c.expect(ctx, o)
		return
	}
	if o.SourceRecoveryPointArn == "" {
		// Nothing to copy (an undecodable or empty signal); the sender learns nothing from
		// a result, so log it where an operator will look.
		logger.Error("Ignoring an order without SourceRecoveryPointArn", "Requester", o.RequesterWorkflowId)
		return
	}
	if o.Plan != "" {
		c.Plan = o.Plan
		c.takeRpo(o)
	}
	// An order asking for another lifecycle than the copy it would join waits on its own:
	// once that copy exists, settleCopiedOrders gives the copy this order's lifecycle.
	joins := func(with model.CopyOrder) bool {
		return with.SourceRecoveryPointArn == o.SourceRecoveryPointArn && !asksOtherLifecycle(o, with.Lifecycle)
	}
	if c.current != nil && joins(c.current.Order) {
		c.current.Requesters = appendRequester(c.current.Requesters, o.RequesterWorkflowId)
		logger.Info("Order joins the copy in flight", "RecoveryPointArn", o.SourceRecoveryPointArn)
		return
	}
	for i := range c.Pending {
		if joins(c.Pending[i].Order) {
			c.Pending[i].Requesters = appendRequester(c.Pending[i].Requesters, o.RequesterWorkflowId)
			// Coalescing may skip the point only if every requester allows it.
			c.Pending[i].Order.Coalesce = c.Pending[i].Order.Coalesce && o.Coalesce
			logger.Info("Order merged with a waiting order", "RecoveryPointArn", o.SourceRecoveryPointArn)
			return
		}
	}
	c.claimAdopted(o)
	if t := c.liveCopyOf(ctx, o); t != nil {
		if asksOtherLifecycle(o, t.ownLifecycle()) {
			logger.Info("Recovery point already copied; applying the order's lifecycle to the copy",
				"RecoveryPointArn", o.SourceRecoveryPointArn, "DestinationRecoveryPointArn", t.Record.DestinationRecoveryPointArn,
				"Lifecycle", o.Lifecycle)
			c.applyOrderLifecycle(ctx, o, appendRequester(nil, o.RequesterWorkflowId))
			return
		}
		logger.Info("Recovery point already copied; answering with its record",
			"RecoveryPointArn", o.SourceRecoveryPointArn, "DestinationRecoveryPointArn", t.Record.DestinationRecoveryPointArn)
		c.notify(ctx, []string{o.RequesterWorkflowId}, o, t.Record)
		return
	}
	p := PendingOrder{
		Order:      o,
		Requesters: appendRequester(nil, o.RequesterWorkflowId),
		ReceivedAt: workflow.Now(ctx),
	}
	// Copying a point older than the newest copy moves bytes and protects nothing an
	// order that allows coalescing asked for: answer it now instead of queueing it.
	if c.supersedeOutOfOrder(ctx, p) {
		return
	}
	c.enqueuePending(ctx, p)
}

func appendRequester(list []string, id string) []string {
	if id == "" {
		return list
	}
	for _, r := range list {
		if r == id {
			return list
		}
	}
	return append(list, id)
}

// supersedeBacklog skips every waiting order marked Coalesce that has a newer recovery
// point waiting behind it, and reports it SUPERSEDED to its requesters.
func (c *chain) supersedeBacklog(ctx workflow.Context) {
	if len(c.Pending) < 2 {
		return
	}
	newest := c.Pending[len(c.Pending)-1].Order
	kept := c.Pending[:0:0]
	for i, p := range c.Pending {
		if i == len(c.Pending)-1 || !p.Order.Coalesce {
			kept = append(kept, p)
			continue
		}
		rec := c.newRecord(ctx, p)
		rec.State = model.RecordSuperseded
		rec.StatusMessage = fmt.Sprintf("coalesced: newer recovery point %s (created %s) is copied instead",
			newest.SourceRecoveryPointArn, newest.SourceCreationDate.UTC().Format(time.RFC3339))
		workflow.GetLogger(ctx).Info("Order superseded by a newer recovery point",
			"RecoveryPointArn", p.Order.SourceRecoveryPointArn, "NewerRecoveryPointArn", newest.SourceRecoveryPointArn)
		c.logRecord(rec)
		c.notify(ctx, p.Requesters, p.Order, rec)
	}
	c.Pending = kept
}

// newRecord starts the record of one order.
func (c *chain) newRecord(ctx workflow.Context, p PendingOrder) model.CopyRecord {
	k := c.start.Key
	return model.CopyRecord{
		SourceRecoveryPointArn:    p.Order.SourceRecoveryPointArn,
		SourceCreationDate:        p.Order.SourceCreationDate,
		ResourceArn:               k.ResourceArn,
		ResourceType:              k.ResourceType,
		SourceRegion:              k.SourceRegion,
		DestinationRegion:         k.DestinationRegion,
		DestinationBackupVaultArn: k.DestinationBackupVaultArn,
		Lifecycle:                 p.Order.Lifecycle,
		RequestedAt:               p.ReceivedAt,
	}
}

// logRecord adds a record to this run's log, or replaces the record of the same copy
// (same destination recovery point), and drops the oldest records beyond hardRunRecords.
// The newest copy's record is never dropped.
func (c *chain) logRecord(rec model.CopyRecord) {
	replaced := false
	if rec.DestinationRecoveryPointArn != "" {
		for i := range c.log {
			if c.log[i].DestinationRecoveryPointArn == rec.DestinationRecoveryPointArn {
				c.log[i], replaced = rec, true
				break
			}
		}
	}
	if !replaced {
		c.log = append(c.log, rec)
	}
	for len(c.log) > hardRunRecords {
		drop := 0
		if c.Newest != nil && c.log[0].DestinationRecoveryPointArn == c.Newest.Record.DestinationRecoveryPointArn && len(c.log) > 1 {
			drop = 1
		}
		c.log = append(c.log[:drop], c.log[drop+1:]...)
	}
}

// notify sends the outcome of an order to each requester. A requester that no longer
// exists is logged, not fatal: the record stays in the chain for `regioncopy status`.
func (c *chain) notify(ctx workflow.Context, requesters []string, o model.CopyOrder, rec model.CopyRecord) {
	errMsg := ""
	// A copy that landed expired does not exist: its requesters must not count it.
	if rec.State == model.JobFailed || rec.State == model.RecordExpiredOnLanding {
		errMsg = rec.StatusMessage
		if errMsg == "" {
			errMsg = "copy failed"
		}
	}
	c.notifyWith(ctx, requesters, o, rec, errMsg)
}

// notifyWith sends rec with an explicit error ("" for success) to each requester.
func (c *chain) notifyWith(ctx workflow.Context, requesters []string, o model.CopyOrder, rec model.CopyRecord, errMsg string) {
	result := model.DestinationResult{
		Destination:     model.Destination{BackupVaultArn: c.start.Key.DestinationBackupVaultArn, Lifecycle: o.Lifecycle},
		ChainWorkflowId: c.id,
		Record:          &rec,
		Error:           errMsg,
	}
	var sends []workflow.Future
	var to []string
	for _, id := range requesters {
		if id == "" {
			continue
		}
		to = append(to, id)
		if c.localCalls {
			sends = append(sends, workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, local(answerOptions(id))),
				model.ActAnswerRequester, model.AnswerRequesterInput{RequesterWorkflowId: id, Result: result}))
		} else {
			sends = append(sends, workflow.SignalExternalWorkflow(ctx, id, "", model.SignalCopyResult, result))
		}
	}
	for i, f := range sends {
		if err := f.Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("Could not report a copy result to its requester",
				"Requester", to[i], "RecoveryPointArn", rec.SourceRecoveryPointArn, "Error", err)
		}
	}
}

// shouldContinueAsNew is asked only between copies.
func (c *chain) shouldContinueAsNew(ctx workflow.Context) bool {
	if c.alertsInFlight > 0 { // an alert being retried belongs to this run
		return false
	}
	return c.copiesThisRun >= maxCopiesPerRun || c.lifecycleThisRun >= maxLifecyclePassesPerRun ||
		len(c.log) >= maxRunRecords || workflow.GetInfo(ctx).GetContinueAsNewSuggested()
}

// continueAsNew takes the orders already delivered into the carried state, lets running
// update handlers finish, and starts the next run with the same key and options. Taking
// an order may call AWS (an order for a copy whose lifecycle changes), and an update may
// be accepted meanwhile, so it repeats until a pass finds neither.
func (c *chain) continueAsNew(ctx workflow.Context) error {
	for {
		took := false
		for {
			var o model.CopyOrder
			if !c.orders.ReceiveAsync(&o) {
				break
			}
			c.accept(ctx, o)
			took = true
		}
		if !workflow.AllHandlersFinished(ctx) {
			if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
				return err
			}
			continue
		}
		if !took && c.orders.Len() == 0 {
			break
		}
	}
	if c.timerCancel != nil {
		c.timerCancel()
	}
	state := c.ChainState
	state.Recent = c.recentRecords()
	workflow.GetLogger(ctx).Info("Continuing as new", "CopiesThisRun", c.copiesThisRun,
		"LifecyclePassesThisRun", c.lifecycleThisRun, "Pending", len(c.Pending), "OtherLive", c.OtherLive)
	return workflow.NewContinueAsNewError(ctx, model.WorkflowCopyChain, ChainInput{ChainStart: c.start, State: &state})
}

// recentRecords are the latest finished records of the log, carried into the next run.
func (c *chain) recentRecords() []model.CopyRecord {
	n := max(len(c.log)-maxRecentRecords, 0)
	return append([]model.CopyRecord(nil), c.log[n:]...)
}

// abandon answers every requester still waiting when the chain is canceled, so no request
// waits for a result that will never come.
func (c *chain) abandon(ctx workflow.Context) {
	dctx, cancel := workflow.NewDisconnectedContext(ctx)
	defer cancel()
	if cur := c.current; cur != nil {
		rec := cur.record
		rec.State = model.JobFailed
		rec.StatusMessage = "the chain was canceled while this copy ran"
		if rec.CopyJobId != "" {
			rec.StatusMessage += "; copy job " + rec.CopyJobId + " may still finish in AWS"
		}
		c.notify(dctx, cur.Requesters, cur.Order, rec)
	}
	for _, p := range c.Pending {
		rec := c.newRecord(dctx, p)
		rec.State = model.JobFailed
		rec.StatusMessage = "the chain was canceled before this copy started"
		c.notify(dctx, p.Requesters, p.Order, rec)
	}
	// Orders delivered but not yet taken (they keep arriving while the results above are
	// signalled) would be dropped with the run: answer them the same way.
	for c.orders.Len() > 0 {
		var o model.CopyOrder
		if !c.orders.ReceiveAsync(&o) || o.SourceRecoveryPointArn == "" {
			continue
		}
		p := PendingOrder{Order: o, Requesters: appendRequester(nil, o.RequesterWorkflowId), ReceivedAt: workflow.Now(dctx)}
		rec := c.newRecord(dctx, p)
		rec.State = model.JobFailed
		rec.StatusMessage = "the chain was canceled before this copy started"
		c.notify(dctx, p.Requesters, p.Order, rec)
	}
}
