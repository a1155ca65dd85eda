package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// followInterval is how often `copy --wait` asks the workflow for its status. The query
// is answered by a worker from the workflow's state and adds nothing to its history.
const followInterval = time.Second

// followOutcome is `copy --wait --output json`'s document.
type followOutcome struct {
	startedCopy
	Status *model.RequestStatus     `json:",omitempty"`
	Result *model.CopyRequestResult `json:",omitempty"`
	Error  string                   `json:",omitempty"`
	// Problems lists every rule a rejected request broke.
	Problems []string `json:",omitempty"`
}

// follow prints the request's progress until its workflow ends and turns the ending into
// an exit code: 0 every destination copied, 1 a copy failed or the request was canceled,
// 2 the request was rejected.
func (a *App) follow(ctx context.Context, c client.Client, s startedCopy) error {
	run := c.GetWorkflow(ctx, s.WorkflowId, s.RunId)
	done := make(chan error, 1)
	var result model.CopyRequestResult
	go func() { done <- run.Get(ctx, &result) }()

	p := &progressPrinter{app: a, c: c, seen: map[string]string{}}
	ticker := time.NewTicker(followInterval)
	defer ticker.Stop()
	p.poll(ctx, s)
	for {
		select {
		case err := <-done:
			if ctx.Err() != nil {
				// Get returned because following was interrupted, not because the
				// workflow ended.
				return a.stoppedFollowing(s)
			}
			p.poll(ctx, s) // a last look, so the final state changes are printed too
			return a.finish(s, p.last, result, err)
		case <-ticker.C:
			p.poll(ctx, s)
		case <-ctx.Done():
			return a.stoppedFollowing(s)
		}
	}
}

func (a *App) stoppedFollowing(s startedCopy) error {
	return failuref("stopped following %s; the copy goes on (%s)", s.WorkflowId, a.Rerun("status", quoteArg(s.WorkflowId)))
}

// finish prints the outcome and classifies it.
func (a *App) finish(s startedCopy, last *model.RequestStatus, result model.CopyRequestResult, runErr error) error {
	out := followOutcome{startedCopy: s, Status: last}
	var code error
	if runErr == nil {
		out.Result = &result
	} else {
		out.Error = runErr.Error()
		var appErr *temporal.ApplicationError
		var canceledErr *temporal.CanceledError
		switch {
		case errors.As(runErr, &canceledErr):
			// The request ends canceled with its results as the error's details: those
			// the chains delivered, and each destination left without one marked
			// Canceled with what became of its order.
			if canceledErr.HasDetails() {
				var canceled model.CopyRequestResult
				if canceledErr.Details(&canceled) == nil {
					out.Result = &canceled
				}
			}
			code = failuref("the copy request was canceled: %s", summarizeCanceled(out.Result))
		case errors.As(runErr, &appErr) && appErr.Type() == model.ErrRequestRejected:
			out.Problems = rejectionProblems(appErr, last)
			code = usageError(fmt.Errorf("the request was rejected, no copy job was started:\n  %s", strings.Join(out.Problems, "\n  ")))
		case errors.As(runErr, &appErr) && appErr.Type() == model.ErrCopyFailed:
			if appErr.HasDetails() {
				var failed model.CopyRequestResult
				if appErr.Details(&failed) == nil {
					out.Result = &failed
				}
			}
			code = failuref("the copy failed: %s", summarizeFailures(out.Result, appErr))
		case isConnectionError(runErr):
			code = unavailable(fmt.Errorf("lost the connection to Temporal while following %s (the copy goes on): %w", s.WorkflowId, runErr))
		default:
			code = failuref("workflow %s ended without a result: %v", s.WorkflowId, runErr)
		}
	}
	if a.JSON() {
		if err := printJSON(a.Env.Stdout, out); err != nil {
			return err
		}
		return code
	}
	if out.Result != nil {
		printResultTable(a, *out.Result)
	}
	return code
}

// rejectionProblems lists the rules a rejected request broke: from the error's details
// when the workflow put them there, else from the last status.
func rejectionProblems(appErr *temporal.ApplicationError, last *model.RequestStatus) []string {
	if appErr.HasDetails() {
		var vs []struct{ Field, Rule, Message string }
		if appErr.Details(&vs) == nil && len(vs) > 0 {
			out := make([]string, 0, len(vs))
			for _, v := range vs {
				out = append(out, fmt.Sprintf("%s: %s (rule %s)", v.Field, v.Message, v.Rule))
			}
			return out
		}
	}
	if last != nil && len(last.Problems) > 0 {
		return last.Problems
	}
	return []string{appErr.Message()}
}

func summarizeFailures(res *model.CopyRequestResult, appErr *temporal.ApplicationError) string {
	if res == nil {
		return appErr.Message()
	}
	var parts []string
	for _, r := range res.Results {
		if r.Error != "" {
			parts = append(parts, fmt.Sprintf("%s: %s", r.Destination.BackupVaultArn, r.Error))
		}
	}
	if len(parts) == 0 {
		return appErr.Message()
	}
	return strings.Join(parts, "; ")
}

// summarizeCanceled names each destination the cancellation left without a result.
func summarizeCanceled(res *model.CopyRequestResult) string {
	if res == nil {
		return "no result was reported"
	}
	var parts []string
	for _, r := range res.Results {
		if r.Canceled {
			parts = append(parts, fmt.Sprintf("%s: %s", r.Destination.BackupVaultArn, r.Error))
		}
	}
	if len(parts) == 0 {
		return "every destination had its result"
	}
	return strings.Join(parts, "; ")
}

func printResultTable(a *App, res model.CopyRequestResult) {
	t := newTable(a.Env.Stdout)
	fmt.Fprintln(t, "DESTINATION\tSTATE\tKIND\tSIZE\tCOPY\tERROR")
	for _, r := range res.Results {
		state, kind, bytes, copyArn := "-", "-", "-", "-"
		if r.Record != nil {
			state, kind = r.Record.State, string(r.Record.Kind)
			bytes = model.FormatBytes(r.Record.BackupSizeInBytes)
			copyArn = orDash(r.Record.DestinationRecoveryPointArn)
		}
		switch {
		case r.Canceled:
			state = model.RequestCanceled
		case r.Error != "" && state == "-":
			state = model.JobFailed
		}
		fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Destination.BackupVaultArn, state, kind, bytes, copyArn, orDash(r.Error))
	}
	t.Flush()
}

// progressPrinter prints a line for every change it sees in the request's status and in
// its chains' current copy jobs.
type progressPrinter struct {
	app  *App
	c    client.Client
	seen map[string]string // what was last printed per subject
	last *model.RequestStatus
	// queryFailing is set while status queries fail (no worker running), so the
	// message is printed once rather than every second.
	queryFailing bool
}

func (p *progressPrinter) poll(ctx context.Context, s startedCopy) {
	qctx, cancel := context.WithTimeout(ctx, pollTimeout)
	defer cancel()
	var st model.RequestStatus
	if err := queryInto(qctx, p.c, s.WorkflowId, s.RunId, model.QueryStatus, &st); err != nil {
		if !p.queryFailing && ctx.Err() == nil {
			p.line("status", fmt.Sprintf("status not available yet (is a regioncopy worker running on the task queue?): %v", err))
		}
		p.queryFailing = true
		return
	}
	p.queryFailing = false
	p.last = &st
	request := st.State
	if st.RecoveryPoint != nil && st.RecoveryPoint.ResourceArn != "" {
		request += fmt.Sprintf("  %s %s (%s)", st.RecoveryPoint.ResourceType, st.RecoveryPoint.ResourceArn, model.FormatBytes(st.RecoveryPoint.BackupSizeInBytes))
	}
	p.change("request", request)
	for _, problem := range st.Problems {
		p.change("problem "+problem, "REJECTED  "+problem)
	}
	for _, d := range st.Destinations {
		subject := model.RegionFromArn(d.Destination.BackupVaultArn) + "/" + model.VaultNameFromArn(d.Destination.BackupVaultArn)
		if state := p.destinationState(qctx, d); state != "" {
			p.change(subject, subject+"  "+state)
		}
	}
}

// destinationState describes one destination: its result when it has one, else what its
// chain is doing (copy job id and state), which the request's own status does not know.
// "" means nothing new to say.
func (p *progressPrinter) destinationState(ctx context.Context, d model.DestinationProgress) string {
	if r := d.Result; r != nil {
		if r.Canceled {
			return model.RequestCanceled + "  " + r.Error
		}
		if r.Error != "" {
			return "FAILED  " + r.Error
		}
		if rec := r.Record; rec != nil {
			return fmt.Sprintf("%s  %s copy (recovery point of %s)  %s%s", rec.State, rec.Kind, model.FormatBytes(rec.BackupSizeInBytes), orDash(rec.DestinationRecoveryPointArn), copyDates(rec))
		}
	}
	if d.ChainWorkflowId == "" {
		return "PENDING"
	}
	var cs model.ChainStatus
	if err := queryInto(ctx, p.c, d.ChainWorkflowId, "", model.QueryStatus, &cs); err != nil {
		return "QUEUED in chain " + d.ChainWorkflowId
	}
	if cs.Current == nil {
		if p.seen[model.RegionFromArn(d.Destination.BackupVaultArn)+"/"+model.VaultNameFromArn(d.Destination.BackupVaultArn)] != "" && cs.State == model.ChainIdle {
			return "" // the chain has finished this order; its result is on its way
		}
		return fmt.Sprintf("QUEUED in chain %s (%s, %d pending)", d.ChainWorkflowId, cs.State, len(cs.Pending))
	}
	job := orDash(cs.Current.CopyJobId)
	line := fmt.Sprintf("%s  copy job %s (%s)", cs.State, job, orDash(cs.Current.State))
	if cs.Current.StatusMessage != "" {
		line += ": " + cs.Current.StatusMessage
	}
	return line
}

// copyDates is a completed copy's lifecycle as its record now has it, so a repeated
// request that changed the lifecycle of a copy the chain already held shows the change:
// "  cold 2026-12-05, deletes 2027-01-05", "  kept until deleted" without a delete date.
func copyDates(rec *model.CopyRecord) string {
	if rec.State != model.JobCompleted {
		return ""
	}
	const day = "2006-01-02"
	var parts []string
	if !rec.MoveToColdStorageAt.IsZero() {
		parts = append(parts, "cold "+rec.MoveToColdStorageAt.UTC().Format(day))
	}
	switch {
	case !rec.ExtendedUntil.IsZero():
		parts = append(parts, "deletes "+rec.ExtendedUntil.UTC().Format(day)+" (extended)")
	case !rec.DeleteAt.IsZero():
		parts = append(parts, "deletes "+rec.DeleteAt.UTC().Format(day))
	default:
		parts = append(parts, "kept until deleted")
	}
	return "  " + strings.Join(parts, ", ")
}

func (p *progressPrinter) change(subject, text string) {
	if p.seen[subject] == text {
		return
	}
	p.seen[subject] = text
	p.line(subject, text)
}

func (p *progressPrinter) line(_ string, text string) {
	if p.app.JSON() {
		return // one JSON document at the end; no progress lines mixed into it
	}
	fmt.Fprintf(p.app.Env.Stdout, "%s  %s\n", time.Now().UTC().Format("15:04:05"), text)
}

// queryInto runs a query and decodes its JSON answer into v.
func queryInto(ctx context.Context, c client.Client, workflowID, runID, query string, v any) error {
	resp, err := c.QueryWorkflow(ctx, workflowID, runID, query)
	if err != nil {
		return err
	}
	return resp.Get(v)
}

// queryRaw runs a query and returns its answer as JSON, for --output json of a type the
// CLI does not need to understand.
func queryRaw(ctx context.Context, c client.Client, workflowID, runID, query string) (json.RawMessage, error) {
	var v any
	if err := queryInto(ctx, c, workflowID, runID, query, &v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}
