package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// workflowStatus is `status`'s document: the execution as Temporal sees it plus the
// workflow's own answer to the status query.
type workflowStatus struct {
	WorkflowId       string
	RunId            string
	Type             string
	ExecutionStatus  string
	StartTime        time.Time
	CloseTime        time.Time `json:",omitzero"`
	SearchAttributes map[string]any
	UIURL            string
	Status           json.RawMessage `json:",omitempty"`
	// StatusError says why the status query had no answer (for example no worker).
	StatusError string `json:",omitempty"`
}

func newStatusCommand(app *App) *cobra.Command {
	var runID string
	cmd := &cobra.Command{
		Use:   "status <workflow-id>",
		Short: "Show the status of a copy request, a copy chain or a plan run",
		Long: `Show one workflow: a copy request (the id 'regioncopy copy' printed), a copy chain
(` + model.ChainWorkflowIDForm + `)
or a plan run (planrun/<plan>/<rule>-<time>). It prints the execution's state and search attributes and the workflow's answer to its
'status' query: for a request, each destination's progress and result; for a chain, its
current copy, queue and totals; for a plan run, its resources, backups and copies.`,
		Example: `  regioncopy status chain/arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc/from/us-east-1/to/123456789012/eu-west-1/Default
  regioncopy status <request-id> --output json`,
		Args: ArgsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := app.dial(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			st, err := describeWorkflow(ctx, app, c, args[0], runID)
			if err != nil {
				return err
			}
			if app.JSON() {
				if err := printJSON(app.Env.Stdout, st); err != nil {
					return err
				}
			} else {
				printWorkflowStatus(app, st)
			}
			if st.StatusError != "" {
				return failuref("workflow %s did not answer its status query: %s", st.WorkflowId, st.StatusError)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&runID, "run-id", "", "a specific run (default: the latest)")
	return cmd
}

// describeWorkflow gathers what `status` shows. A workflow that does not exist is a
// failure naming the id; a status query that fails is reported in StatusError.
func describeWorkflow(ctx context.Context, app *App, c client.Client, id, runID string) (workflowStatus, error) {
	desc, err := c.DescribeWorkflowExecution(ctx, id, runID)
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		if parts := strings.Split(id, "/"); len(parts) == 3 && parts[0] == "plan" && parts[1] != "" && parts[2] != "" {
			// plan/<plan>/<rule> is a schedule's id; its runs are the workflows.
			return workflowStatus{}, failuref("no workflow with id %q in namespace %s: that is the id of plan %s's schedule for rule %s, not of a workflow; '%s plan describe %s --rule %s' shows it and its runs (workflows planrun/%s/%s-<time>)",
				id, app.connection().Namespace, parts[1], parts[2], app.Program(), parts[1], parts[2], parts[1], parts[2])
		}
		if strings.HasPrefix(id, "chain/") {
			return workflowStatus{}, chainNotFound(app, id)
		}
		return workflowStatus{}, failuref("no workflow with id %q in namespace %s", id, app.connection().Namespace)
	}
	if err != nil {
		return workflowStatus{}, fmt.Errorf("describe workflow %s: %w", id, err)
	}
	info := desc.GetWorkflowExecutionInfo()
	st := workflowStatus{
		WorkflowId:       info.GetExecution().GetWorkflowId(),
		RunId:            info.GetExecution().GetRunId(),
		Type:             info.GetType().GetName(),
		ExecutionStatus:  executionStatusName(info.GetStatus()),
		StartTime:        info.GetStartTime().AsTime(),
		SearchAttributes: decodeSearchAttributes(info.GetSearchAttributes()),
	}
	if info.GetCloseTime() != nil {
		st.CloseTime = info.GetCloseTime().AsTime()
	}
	st.UIURL = app.workflowURL(st.WorkflowId, st.RunId)
	qctx, cancel := context.WithTimeout(ctx, pollTimeout)
	defer cancel()
	if !st.CloseTime.IsZero() {
		// A finished request's or plan run's result says all its status would, and
		// needs no worker.
		if raw, ok := statusFromResult(qctx, c, st); ok {
			st.Status = raw
			return st, nil
		}
	}
	raw, err := queryRaw(qctx, c, st.WorkflowId, st.RunId, model.QueryStatus)
	if err != nil {
		st.StatusError = err.Error()
	} else {
		st.Status = raw
	}
	return st, nil
}

// statusFromResult is the status query's answer rebuilt from a closed workflow's result,
// for the workflow types whose result carries it; ok is false otherwise.
func statusFromResult(ctx context.Context, c client.Client, st workflowStatus) (json.RawMessage, bool) {
	var (
		v   any
		err error
	)
	switch st.Type {
	case model.WorkflowCopyRecoveryPoint:
		v, err = requestStatusFromResult(ctx, c, st.WorkflowId, st.RunId)
	case model.WorkflowPlanRun:
		v, err = planRunStatusFromResult(ctx, c, st.WorkflowId, st.RunId)
	case model.WorkflowPlanResource:
		v, err = planResourceStatusFromResult(ctx, c, st.WorkflowId, st.RunId)
	default:
		return nil, false
	}
	if err != nil {
		return nil, false
	}
	raw, err := json.Marshal(v)
	return raw, err == nil
}

// requestStatusFromResult rebuilds a finished request's status from its result (or the
// result carried by its failure), for when no worker is there to answer the query.
func requestStatusFromResult(ctx context.Context, c client.Client, id, runID string) (model.RequestStatus, error) {
	var res model.CopyRequestResult
	err := c.GetWorkflow(ctx, id, runID).Get(ctx, &res)
	state := model.RequestCompleted
	var canceled *temporal.CanceledError
	if errors.As(err, &canceled) {
		// A canceled request's results are the details of its cancellation.
		if !canceled.HasDetails() || canceled.Details(&res) != nil {
			return model.RequestStatus{}, err
		}
		state, err = model.RequestCanceled, nil
	}
	if err != nil {
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) {
			return model.RequestStatus{}, err
		}
		switch appErr.Type() {
		case model.ErrCopyFailed:
			state = model.RequestFailed
			if !appErr.HasDetails() || appErr.Details(&res) != nil {
				return model.RequestStatus{}, err
			}
		case model.ErrRequestRejected:
			return model.RequestStatus{State: model.RequestRejected, Problems: rejectionProblems(appErr, nil)}, nil
		default:
			return model.RequestStatus{}, err
		}
	}
	rs := model.RequestStatus{State: state}
	if res.RecoveryPoint.RecoveryPointArn != "" { // unknown when canceled while validating
		rs.RecoveryPoint = &res.RecoveryPoint
	}
	for i := range res.Results {
		r := res.Results[i]
		rs.Destinations = append(rs.Destinations, model.DestinationProgress{Destination: r.Destination, ChainWorkflowId: r.ChainWorkflowId, Result: &r})
	}
	return rs, nil
}

func printWorkflowStatus(app *App, st workflowStatus) {
	w := app.Env.Stdout
	fmt.Fprintf(w, "%s %s  %s\n", st.Type, st.WorkflowId, st.ExecutionStatus)
	fmt.Fprintf(w, "  run:      %s\n", st.RunId)
	fmt.Fprintf(w, "  started:  %s\n", formatTime(st.StartTime))
	if !st.CloseTime.IsZero() {
		fmt.Fprintf(w, "  closed:   %s\n", formatTime(st.CloseTime))
	}
	fmt.Fprintf(w, "  UI:       %s\n", st.UIURL)
	if len(st.SearchAttributes) > 0 {
		fmt.Fprintf(w, "  search attributes:\n")
		for _, k := range sortedKeys(st.SearchAttributes) {
			if ownSearchAttribute(k) { // Temporal's own (BuildIds, ...) are in --output json
				fmt.Fprintf(w, "    %-18s %v\n", k, st.SearchAttributes[k])
			}
		}
	}
	if st.StatusError != "" {
		fmt.Fprintf(w, "  status query failed: %s\n", st.StatusError)
		return
	}
	switch st.Type {
	case model.WorkflowCopyChain:
		var cs model.ChainStatus
		if json.Unmarshal(st.Status, &cs) == nil {
			printChainStatus(app, cs)
			return
		}
	case model.WorkflowCopyRecoveryPoint:
		var rs model.RequestStatus
		if json.Unmarshal(st.Status, &rs) == nil {
			printRequestStatus(app, rs)
			return
		}
	case model.WorkflowPlanRun:
		var pr model.PlanRunResult
		if json.Unmarshal(st.Status, &pr) == nil {
			printPlanRunStatus(app, pr)
			return
		}
	case model.WorkflowPlanResource:
		var pr model.PlanResourceResult
		if json.Unmarshal(st.Status, &pr) == nil {
			printPlanResourceStatus(app, pr)
			return
		}
	}
	printRawStatus(app, st)
}

// printRawStatus shows the status of a workflow type this CLI has no layout for as
// indented JSON under a label saying so, rather than as one long line.
func printRawStatus(app *App, st workflowStatus) {
	w := app.Env.Stdout
	if len(st.Status) == 0 {
		fmt.Fprintf(w, "  status:   (no answer)\n")
		return
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, st.Status, "    ", "  "); err != nil {
		pretty.Reset()
		pretty.Write(st.Status)
	}
	fmt.Fprintf(w, "  status (its %q query, as JSON):\n    %s\n", model.QueryStatus, pretty.String())
}

func printRequestStatus(app *App, rs model.RequestStatus) {
	w := app.Env.Stdout
	fmt.Fprintf(w, "  state:    %s\n", rs.State)
	if rp := rs.RecoveryPoint; rp != nil {
		fmt.Fprintf(w, "  recovery point: %s\n    %s %s, %s, created %s\n", rp.RecoveryPointArn, rp.ResourceType, rp.ResourceArn, model.FormatBytes(rp.BackupSizeInBytes), formatTime(rp.CreationDate))
	}
	for _, p := range rs.Problems {
		fmt.Fprintf(w, "  problem:  %s\n", p)
	}
	if len(rs.Destinations) == 0 {
		return
	}
	t := newTable(w)
	fmt.Fprintln(t, "  DESTINATION\tSTATE\tKIND\tSIZE\tCHAIN\tERROR")
	for _, d := range rs.Destinations {
		state, kind, bytes, errText := "QUEUED", "-", "-", "-"
		if r := d.Result; r != nil {
			if r.Record != nil {
				state, kind, bytes = r.Record.State, string(r.Record.Kind), model.FormatBytes(r.Record.BackupSizeInBytes)
			}
			if r.Error != "" {
				state, errText = model.JobFailed, r.Error
			}
			if r.Canceled {
				state = model.RequestCanceled
			}
		} else if d.ChainWorkflowId == "" {
			state = "PENDING"
		}
		fmt.Fprintf(t, "  %s\t%s\t%s\t%s\t%s\t%s\n", d.Destination.BackupVaultArn, state, kind, bytes, orDash(d.ChainWorkflowId), errText)
	}
	t.Flush()
}

func printChainStatus(app *App, cs model.ChainStatus) {
	w := app.Env.Stdout
	fmt.Fprintf(w, "  state:    %s\n", cs.State)
	fmt.Fprintf(w, "  resource: %s %s\n", cs.Key.ResourceType, cs.Key.ResourceArn)
	fmt.Fprintf(w, "  from:     %s\n", cs.Key.SourceRegion)
	fmt.Fprintf(w, "  into:     %s (account %s, %s)\n", cs.Key.DestinationBackupVaultArn, cs.Key.DestinationAccount(), cs.Key.DestinationRegion)
	if c := cs.Current; c != nil {
		fmt.Fprintf(w, "  current:  %s copy of %s, job %s (%s)\n", orDash(string(c.Kind)), c.SourceRecoveryPointArn, orDash(c.CopyJobId), orDash(c.State))
		if c.StatusMessage != "" {
			// For example a job AWS does not list yet, which the chain keeps following.
			fmt.Fprintf(w, "            %s\n", c.StatusMessage)
		}
	}
	fmt.Fprintf(w, "  pending:  %d\n", len(cs.Pending))
	fmt.Fprintf(w, "  copies:   %d total, %d full, %d live, size of copies %s\n", cs.CopiesTotal, cs.FullCopies, cs.LiveCopies, model.FormatBytes(cs.BytesTotal))
	fmt.Fprintf(w, "  last copy at: %s\n", formatTime(cs.LastCopyAt))
	fmt.Fprintf(w, "  next expiry:  %s\n", formatTime(cs.NextExpiry))
}

// ownSearchAttribute reports whether name is one of regioncopy's search attributes.
func ownSearchAttribute(name string) bool {
	for _, k := range model.SearchAttributes {
		if k.GetName() == name {
			return true
		}
	}
	return false
}
