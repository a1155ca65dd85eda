package workflows

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
)

// RequestWorkflowID is the workflow id of a CopyRecoveryPoint request:
// copy/<recovery point ARN>/<short hash of the request's identity>. The identity
// (requestIdentity) is everything that decides what is copied and how: the source vault,
// every destination with its lifecycle, the IAM role, coalescing, the plan, the
// completion window and the rules (absent for the built-in rules). A recovery point ARN
// too long for an id of model.MaxWorkflowIDLength (a DynamoDB table's name alone may be
// 255 characters) is cut and followed by '~' and a hash of the whole ARN, as in chain ids.
// The same request made twice has the same id, and the CLI starts it
// with the ID conflict policy "use existing", so asking twice follows one workflow and one
// set of copy jobs; a request that differs in any of these is a new workflow, so a new
// lifecycle is never answered with an earlier request's result.
func RequestWorkflowID(req model.CopyRequest) string {
	// json.Marshal of plain structs and slices is deterministic (fields in declaration
	// order), so equal identities hash equally.
	b, err := json.Marshal(requestIdentity(req))
	if err != nil {
		// Only unsupported types fail to marshal, and RequestIdentity has none.
		panic("regioncopy: request identity does not marshal: " + err.Error())
	}
	sum := sha256.Sum256(b)
	tail := "/" + hex.EncodeToString(sum[:6])
	point := req.RecoveryPointArn
	if room := model.MaxWorkflowIDLength - len(requestIDPrefix) - len(tail); len(point) > room {
		point = model.ShortenArn(point, room)
	}
	return requestIDPrefix + point + tail
}

// requestIDPrefix starts every request's workflow id.
const requestIDPrefix = "copy/"

// requestIdentity is the request's content in a canonical form: destinations sorted (by
// vault, then lifecycle) with exact repeats dropped, and a zero completion window replaced
// by the default it stands for. The request itself is left alone.
func requestIdentity(req model.CopyRequest) model.RequestIdentity {
	dests := append([]model.Destination(nil), req.Destinations...)
	sort.Slice(dests, func(i, j int) bool { return destinationLess(dests[i], dests[j]) })
	dests = slices.Compact(dests)
	window := req.CompletionWindow
	if window == 0 {
		window = DefaultCompletionWindow
	}
	return model.RequestIdentity{
		SourceRegion:          req.SourceRegion,
		RecoveryPointArn:      req.RecoveryPointArn,
		SourceBackupVaultName: req.SourceBackupVaultName,
		Destinations:          dests,
		IamRoleArn:            req.IamRoleArn,
		Coalesce:              req.Coalesce,
		Plan:                  req.Plan,
		CompletionWindow:      window,
		Rules:                 canonicalRules(req.Rules),
	}
}

// canonicalRules is the rules document as policy encodes it, so that formatting does not
// change a request's identity, and nil for the built-in rules (given or not), so that a
// request naming them is the request that names none. A document that does not decode is
// kept as sent: the request's checks reject it.
func canonicalRules(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return nil
	}
	r, err := policy.FromJSON(raw, "Rules")
	if err != nil {
		return raw
	}
	enc := r.Encode()
	if bytes.Equal(enc, policy.Default().Encode()) {
		return nil
	}
	return enc
}

func destinationLess(a, b model.Destination) bool {
	if a.BackupVaultArn != b.BackupVaultArn {
		return a.BackupVaultArn < b.BackupVaultArn
	}
	if a.Lifecycle.MoveToColdStorageAfterDays != b.Lifecycle.MoveToColdStorageAfterDays {
		return a.Lifecycle.MoveToColdStorageAfterDays < b.Lifecycle.MoveToColdStorageAfterDays
	}
	return a.Lifecycle.DeleteAfterDays < b.Lifecycle.DeleteAfterDays
}

// CopyRecoveryPoint copies one recovery point to one or more destination vaults in other
// Regions (`regioncopy copy`). Everything is checked before anything starts: the request's
// fields, the recovery point (exists, COMPLETED, not in cold storage), the cross-Region
// rules for every destination and the existence of every destination vault. Any problem
// fails the workflow with a non-retryable model.ErrRequestRejected error listing every
// problem, and no copy is started.
//
// Then each destination's order goes to its chain (model.ChainWorkflowID) through the
// EnqueueCopy activity, and the workflow waits for one model.SignalCopyResult per
// destination, at most the completion window plus RequestWaitMargin (a chain that has
// not answered by then fails its destination). It returns the results when every
// destination holds a copy, and fails with model.ErrCopyFailed (details: the
// model.CopyRequestResult) when any did not.
//
// Canceled (from the UI or the CLI), it stops waiting at once and ends as canceled
// (temporal.CanceledError, details: the model.CopyRequestResult), each destination not
// yet answered reported as canceled. The chains keep the orders they took and may still
// copy; cancel a chain to stop its copy.
func CopyRecoveryPoint(ctx workflow.Context, req model.CopyRequest) (model.CopyRequestResult, error) {
	r := &request{req: req}
	r.localCalls = workflow.GetVersion(ctx, changeLocalCalls, workflow.DefaultVersion, 1) >= 1
	if err := r.setup(ctx); err != nil {
		return model.CopyRequestResult{}, err
	}
	return r.run(ctx)
}

// call runs one activity of the request: as a local activity with localCalls, inside
// the workflow task that asks for it, else as an activity task of its own.
func (r *request) call(ctx workflow.Context, o workflow.ActivityOptions, activity string, input any) workflow.Future {
	if r.localCalls {
		return workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, local(o)), activity, input)
	}
	return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, o), activity, input)
}

// request holds the state of one CopyRecoveryPoint run.
type request struct {
	req          model.CopyRequest
	state        string
	rp           *model.RecoveryPoint
	destinations []model.DestinationProgress
	problems     []policy.Violation
	published    string
	// rules are the request's rules, read by checkFields.
	rules *policy.Rules
	// localCalls (from version changeLocalCalls on) runs the checks and the hand-over as
	// local activities, and publishes the search attributes once the request has been
	// handed over or rejected.
	localCalls bool
	// unpublished are search attribute updates waiting for the next updateStatus.
	unpublished []temporal.SearchAttributeUpdate
}

func (r *request) setup(ctx workflow.Context) error {
	for _, d := range r.req.Destinations {
		r.destinations = append(r.destinations, model.DestinationProgress{Destination: d})
	}
	if err := workflow.SetQueryHandler(ctx, model.QueryStatus, func() (model.RequestStatus, error) {
		s := model.RequestStatus{State: r.state, RecoveryPoint: r.rp, Destinations: r.destinations}
		for _, p := range r.problems {
			s.Problems = append(s.Problems, p.Error())
		}
		return s, nil
	}); err != nil {
		return err
	}
	updates := []temporal.SearchAttributeUpdate{model.SourceRegionKey.ValueSet(r.req.SourceRegion)}
	if r.req.Plan != "" {
		updates = append(updates, model.PlanKey.ValueSet(r.req.Plan))
	}
	if len(r.req.Destinations) == 1 {
		vault := r.req.Destinations[0].BackupVaultArn
		updates = append(updates,
			model.DestinationRegionKey.ValueSet(model.RegionFromArn(vault)),
			model.DestinationAccountKey.ValueSet(model.AccountFromArn(vault)),
			model.DestinationVaultKey.ValueSet(model.VaultNameFromArn(vault)))
	}
	if r.localCalls {
		// The checks run inside this workflow task, so VALIDATING would never be seen in
		// visibility: the attributes go out with the state that follows the checks.
		r.unpublished = updates
		r.state = model.RequestValidating
		workflow.SetCurrentDetails(ctx, r.details())
		return nil
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
		return err
	}
	r.updateStatus(ctx, model.RequestValidating)
	return nil
}

func (r *request) run(ctx workflow.Context) (model.CopyRequestResult, error) {
	if problems := r.checkFields(ctx); len(problems) > 0 {
		return model.CopyRequestResult{}, r.reject(ctx, problems)
	}
	problems := r.checkInAWS(ctx)
	if ctx.Err() != nil {
		// Canceled while checking (the checks' calls were canceled too): nothing started.
		return r.canceled(ctx, "the request was canceled before its order was handed to a chain; nothing was started for this destination")
	}
	if len(problems) > 0 {
		return model.CopyRequestResult{}, r.reject(ctx, problems)
	}
	r.updateStatus(ctx, model.RequestCopying)
	r.enqueue(ctx)
	r.awaitResults(ctx)
	if ctx.Err() != nil && !r.allAnswered() {
		// Canceled with a destination unanswered; one whose chains all answered ends as usual.
		return r.canceled(ctx, "")
	}

	result := model.CopyRequestResult{RecoveryPoint: *r.rp}
	var failed []string
	for _, d := range r.destinations {
		result.Results = append(result.Results, *d.Result)
		if d.Result.Error != "" {
			failed = append(failed, d.Destination.BackupVaultArn+": "+d.Result.Error)
		}
	}
	if len(failed) > 0 {
		r.updateStatus(ctx, model.RequestFailed)
		return result, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%d of %d copies failed:\n- %s", len(failed), len(r.destinations), strings.Join(failed, "\n- ")),
			model.ErrCopyFailed, nil, result)
	}
	r.updateStatus(ctx, model.RequestCompleted)
	return result, nil
}

// enqueue hands each destination's order to its chain. An order that cannot be handed
// over is that destination's failure; the others go ahead.
func (r *request) enqueue(ctx workflow.Context) {
	info := workflow.GetInfo(ctx)
	futures := make([]workflow.Future, len(r.destinations))
	for i, d := range r.destinations {
		key := model.ChainKey{
			ResourceArn:               r.rp.ResourceArn,
			ResourceType:              r.rp.ResourceType,
			SourceRegion:              r.req.SourceRegion,
			DestinationRegion:         model.RegionFromArn(d.Destination.BackupVaultArn),
			DestinationBackupVaultArn: d.Destination.BackupVaultArn,
		}
		r.destinations[i].ChainWorkflowId = model.ChainWorkflowID(key)
		futures[i] = r.call(ctx, enqueueOptions("hand order to "+r.destinations[i].ChainWorkflowId),
			model.ActEnqueueCopy, model.EnqueueCopyInput{
				Key: key,
				Order: model.CopyOrder{
					SourceRecoveryPointArn: r.req.RecoveryPointArn,
					SourceBackupVaultName:  r.req.SourceBackupVaultName,
					SourceCreationDate:     r.rp.CreationDate,
					IamRoleArn:             r.req.IamRoleArn,
					Lifecycle:              d.Destination.Lifecycle,
					Coalesce:               r.req.Coalesce,
					Plan:                   r.req.Plan,
					CompletionWindow:       r.req.CompletionWindow,
					RequesterWorkflowId:    info.WorkflowExecution.ID,
					Rules:                  r.req.Rules,
				},
				TaskQueue: info.TaskQueueName,
				TimeScale: r.req.TimeScale,
			})
	}
	for i, f := range futures {
		var out model.EnqueueCopyOutput
		if err := f.Get(ctx, &out); err != nil {
			r.destinations[i].Result = &model.DestinationResult{
				Destination:     r.destinations[i].Destination,
				ChainWorkflowId: r.destinations[i].ChainWorkflowId,
				Error:           "could not hand the order to its chain: " + errorMessage(err),
			}
			var canceled *temporal.CanceledError
			if errors.As(err, &canceled) {
				r.destinations[i].Result.Canceled = true
				r.destinations[i].Result.Error = fmt.Sprintf("the request was canceled while its order was being handed to chain %s: "+
					"the order may have reached the chain, which then keeps it and may still copy the recovery point", r.destinations[i].ChainWorkflowId)
			}
			continue
		}
		if out.ChainWorkflowId != "" {
			r.destinations[i].ChainWorkflowId = out.ChainWorkflowId
		}
	}
	r.updateStatus(ctx, model.RequestCopying)
}

// awaitResults receives the chains' results until every destination has one. Chains
// answer every order they take (completed, failed or superseded) within its completion
// window counted from when they received it; a chain that does not (terminated, stuck,
// its answer lost) fails its destination once the window plus RequestWaitMargin has
// passed, and the others keep their results (awaitBound). It also stops when the request
// is canceled, keeping the results already delivered.
func (r *request) awaitResults(ctx workflow.Context) {
	ch := workflow.GetSignalChannel(ctx, model.SignalCopyResult)
	canceled, timedOut := false, false
	bound := r.awaitBound()
	timer := workflow.NewTimerWithOptions(ctx, bound, workflow.TimerOptions{
		Summary: "stop waiting for unanswered chains (completion window plus margin)"})
	sel := workflow.NewSelector(ctx)
	sel.AddReceive(ch, func(c workflow.ReceiveChannel, _ bool) {
		var res model.DestinationResult
		c.Receive(ctx, &res)
		r.record(ctx, res)
	})
	sel.AddReceive(ctx.Done(), func(workflow.ReceiveChannel, bool) { canceled = true })
	sel.AddFuture(timer, func(f workflow.Future) { timedOut = f.Get(ctx, nil) == nil })
	for !r.allResolved() && !canceled && !timedOut {
		sel.Select(ctx)
	}
	if timedOut {
		r.failUnanswered(ctx, bound)
	}
	for !r.allResolved() {
		var res model.DestinationResult
		if !ch.ReceiveAsync(&res) {
			break
		}
		r.record(ctx, res)
	}
}

// awaitBound is how long (workflow time) the request waits for its chains: the
// completion window, which each chain counts from when it received the order (before
// this wait starts), plus RequestWaitMargin for the chain's last calls.
func (r *request) awaitBound() time.Duration {
	window := r.req.CompletionWindow
	if window <= 0 {
		window = DefaultCompletionWindow
	}
	return scaled(window, r.req.TimeScale) + RequestWaitMargin
}

// failUnanswered fails each destination whose chain has not answered within bound,
// naming the chain.
func (r *request) failUnanswered(ctx workflow.Context, bound time.Duration) {
	window := r.req.CompletionWindow
	if window <= 0 {
		window = DefaultCompletionWindow
	}
	for i := range r.destinations {
		d := &r.destinations[i]
		if d.Result != nil {
			continue
		}
		d.Result = &model.DestinationResult{Destination: d.Destination, ChainWorkflowId: d.ChainWorkflowId,
			Error: fmt.Sprintf("chain %s did not answer within %s of taking the order (the completion window of %s plus a margin of %s); "+
				"the chain may still hold the order: look at it with 'regioncopy status %s'",
				d.ChainWorkflowId, bound, window, RequestWaitMargin, d.ChainWorkflowId)}
		workflow.GetLogger(ctx).Warn("A chain did not answer in time", "Chain", d.ChainWorkflowId, "Waited", bound)
	}
	r.updateStatus(ctx, model.RequestCopying)
}

// record gives a chain's result to the destination waiting for it.
func (r *request) record(ctx workflow.Context, res model.DestinationResult) {
	matched := false
	for i := range r.destinations {
		d := &r.destinations[i]
		if d.Result == nil && d.Destination.BackupVaultArn == res.Destination.BackupVaultArn {
			res.Destination = d.Destination
			d.Result, matched = &res, true
			break
		}
	}
	if !matched {
		workflow.GetLogger(ctx).Warn("Ignoring a result for no waiting destination",
			"Vault", res.Destination.BackupVaultArn, "Chain", res.ChainWorkflowId)
	}
	r.updateStatus(ctx, model.RequestCopying)
}

// allAnswered reports whether every destination has its chain's answer (or a failure to
// hand its order over), none of them left open by a cancellation.
func (r *request) allAnswered() bool {
	for _, d := range r.destinations {
		if d.Result == nil || d.Result.Canceled {
			return false
		}
	}
	return true
}

func (r *request) allResolved() bool {
	for _, d := range r.destinations {
		if d.Result == nil {
			return false
		}
	}
	return true
}

// canceled ends a canceled request: each destination without a result is reported as
// canceled, with unstarted as its message when no order was handed over, else naming the
// chain that holds its order; the state becomes CANCELED and the workflow ends canceled
// with the results as the error's details.
func (r *request) canceled(ctx workflow.Context, unstarted string) (model.CopyRequestResult, error) {
	// ctx is canceled; publishing the state needs a context that is not.
	ctx, _ = workflow.NewDisconnectedContext(ctx)
	var result model.CopyRequestResult
	if r.rp != nil {
		result.RecoveryPoint = *r.rp
	}
	waiting := 0
	for i := range r.destinations {
		d := &r.destinations[i]
		if d.Result == nil {
			msg := unstarted
			if msg == "" {
				waiting++
				msg = fmt.Sprintf("the request was canceled before chain %s answered: the chain keeps the order and may still copy "+
					"the recovery point; follow or cancel the copy there", d.ChainWorkflowId)
			}
			d.Result = &model.DestinationResult{Destination: d.Destination, ChainWorkflowId: d.ChainWorkflowId, Canceled: true, Error: msg}
		}
		result.Results = append(result.Results, *d.Result)
	}
	workflow.GetLogger(ctx).Warn("Copy request canceled", "DestinationsWithoutResult", waiting)
	r.updateStatus(ctx, model.RequestCanceled)
	return result, temporal.NewCanceledError(result)
}

// reject fails the request with every problem listed; nothing has been started.
func (r *request) reject(ctx workflow.Context, problems []policy.Violation) error {
	r.problems = problems
	r.updateStatus(ctx, model.RequestRejected)
	lines := make([]string, len(problems))
	for i, p := range problems {
		lines[i] = p.Error()
	}
	workflow.GetLogger(ctx).Warn("Copy request rejected", "Problems", lines)
	return temporal.NewNonRetryableApplicationError(
		"copy request rejected, nothing was started:\n- "+strings.Join(lines, "\n- "),
		model.ErrRequestRejected, nil, problems)
}

// updateStatus is the one place the request publishes its state: the CopyState search
// attribute (when it changes) and the current details.
func (r *request) updateStatus(ctx workflow.Context, state string) {
	r.state = state
	if state != r.published {
		updates := append(r.unpublished, model.CopyStateKey.ValueSet(state))
		if r.rp != nil && (r.published == model.RequestValidating || (r.localCalls && r.published == "")) {
			updates = append(updates, model.ResourceArnKey.ValueSet(r.rp.ResourceArn), model.ResourceTypeKey.ValueSet(r.rp.ResourceType))
		}
		if err := workflow.UpsertTypedSearchAttributes(ctx, updates...); err != nil {
			workflow.GetLogger(ctx).Warn("Could not update search attributes", "Error", err)
		}
		r.unpublished = nil
		r.published = state
	}
	workflow.SetCurrentDetails(ctx, r.details())
}

func (r *request) details() string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Copy `%s` (%s)\n\n**State:** %s\n\n", r.req.RecoveryPointArn, r.req.SourceRegion, r.state)
	for _, p := range r.problems {
		fmt.Fprintf(&b, "- ✗ %s\n", p.Error())
	}
	for _, d := range r.destinations {
		switch {
		case d.Result == nil:
			fmt.Fprintf(&b, "- %s: waiting for chain `%s`\n", d.Destination.BackupVaultArn, orDash(d.ChainWorkflowId))
		case d.Result.Canceled:
			fmt.Fprintf(&b, "- %s: **canceled**: %s\n", d.Destination.BackupVaultArn, d.Result.Error)
		case d.Result.Error != "":
			fmt.Fprintf(&b, "- %s: **failed**: %s\n", d.Destination.BackupVaultArn, d.Result.Error)
		case d.Result.Record != nil:
			rec := d.Result.Record
			fmt.Fprintf(&b, "- %s: %s %s copy `%s` (recovery point of %s)", d.Destination.BackupVaultArn, rec.State, rec.Kind,
				orDash(rec.DestinationRecoveryPointArn), model.FormatBytes(rec.BackupSizeInBytes))
			if rec.StatusMessage != "" {
				fmt.Fprintf(&b, ": %s", rec.StatusMessage)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}
