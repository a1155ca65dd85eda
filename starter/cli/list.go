package cli

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/converter"

	"github.com/regioncopy/regioncopy/model"
)

// listedWorkflow is one row of `list`.
type listedWorkflow struct {
	WorkflowId       string
	RunId            string
	Type             string
	ExecutionStatus  string
	StartTime        time.Time
	CloseTime        time.Time `json:",omitzero"`
	SearchAttributes map[string]any
	// Destinations are a request's destinations as "<Region>/<vault name>", from the
	// memo 'regioncopy copy' sets; empty for chains and for requests started otherwise.
	Destinations []string `json:",omitempty"`
}

// listFilters are `list`'s flags; each non-empty one becomes a clause of the visibility
// query, so the same filter typed into the Temporal UI shows the same workflows.
type listFilters struct {
	Kind               string
	ResourceArn        string
	ResourceType       string
	SourceRegion       string
	DestinationRegion  string
	DestinationAccount string
	DestinationVault   string
	State              string
	Plan               string
	Status             string
	Query              string
}

// copyStates are the values of the CopyState search attribute that chains and requests
// set (list shows only those two workflow types): a chain is IDLE, COPYING or FAILED; a
// request VALIDATING, REJECTED, COPYING, COMPLETED or FAILED.
var copyStates = []string{
	model.ChainIdle, model.ChainCopying, model.ChainFailed,
	model.RequestValidating, model.RequestRejected, model.RequestCompleted,
}

// visibilityQuery builds the List Filter. Values are quoted, so an ARN or a name with
// spaces or quotes cannot change the query's meaning.
func (f listFilters) visibilityQuery() (string, error) {
	var clauses []string
	switch strings.ToLower(f.Kind) {
	case "", "all":
		clauses = append(clauses, fmt.Sprintf("WorkflowType IN (%s, %s)", quoteValue(model.WorkflowCopyRecoveryPoint), quoteValue(model.WorkflowCopyChain)))
	case "chain", "chains":
		clauses = append(clauses, "WorkflowType = "+quoteValue(model.WorkflowCopyChain))
	case "request", "requests":
		clauses = append(clauses, "WorkflowType = "+quoteValue(model.WorkflowCopyRecoveryPoint))
	default:
		return "", usageErrorf("--type: %q is not a kind of workflow (use chain, request or all)", f.Kind)
	}
	state := strings.ToUpper(f.State)
	if state != "" && !slices.Contains(copyStates, state) {
		return "", usageErrorf("--state: %q is not a state of a chain or request (use %s)", f.State, strings.Join(copyStates, ", "))
	}
	for _, c := range []struct{ attr, value string }{
		{"ResourceArn", f.ResourceArn},
		{"ResourceType", f.ResourceType},
		{"SourceRegion", f.SourceRegion},
		{"DestinationRegion", f.DestinationRegion},
		{"DestinationAccount", f.DestinationAccount},
		{"DestinationVault", f.DestinationVault},
		{"CopyState", state},
		{"Plan", f.Plan},
	} {
		if c.value != "" {
			clauses = append(clauses, c.attr+" = "+quoteValue(c.value))
		}
	}
	if f.Status != "" {
		status, ok := executionStatusValue(f.Status)
		if !ok {
			return "", usageErrorf("--status: %q is not an execution status (use Running, Completed, Failed, Canceled, Terminated, ContinuedAsNew or TimedOut)", f.Status)
		}
		clauses = append(clauses, "ExecutionStatus = "+quoteValue(status))
	}
	if f.Query != "" {
		clauses = append(clauses, "("+f.Query+")")
	}
	return strings.Join(clauses, " AND "), nil
}

func newListCommand(app *App) *cobra.Command {
	var (
		f     listFilters
		limit int
	)
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List copy chains and copy requests",
		Long: `List copy chains and copy requests through Temporal's visibility API, newest first,
with their search attributes. Filters combine with AND; --query adds a raw List Filter
clause, as typed in the Temporal UI.`,
		Example: `  regioncopy list --type chain --destination-region eu-west-1
  regioncopy list --type chain --resource-arn arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc --source-region eu-west-1
  regioncopy list --state FAILED --output json
  regioncopy list --query 'NextExpiry < "2026-12-01T00:00:00Z"'`,
		Args: ArgsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if limit < 1 {
				return usageErrorf("--limit: must be at least 1, got %d", limit)
			}
			query, err := f.visibilityQuery()
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := app.dial(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			rows := []listedWorkflow{}
			var token []byte
			for len(rows) < limit {
				resp, err := c.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
					Query: query, PageSize: int32(min(limit-len(rows), 1000)), NextPageToken: token,
				})
				if err != nil {
					return fmt.Errorf("list workflows (%s): %w", query, err)
				}
				for _, e := range resp.GetExecutions() {
					row := listedWorkflow{
						WorkflowId:       e.GetExecution().GetWorkflowId(),
						RunId:            e.GetExecution().GetRunId(),
						Type:             e.GetType().GetName(),
						ExecutionStatus:  executionStatusName(e.GetStatus()),
						StartTime:        e.GetStartTime().AsTime(),
						SearchAttributes: decodeSearchAttributes(e.GetSearchAttributes()),
						Destinations:     memoStrings(e.GetMemo(), memoDestinations),
					}
					if e.GetCloseTime() != nil {
						row.CloseTime = e.GetCloseTime().AsTime()
					}
					rows = append(rows, row)
				}
				token = resp.GetNextPageToken()
				if len(token) == 0 {
					break
				}
			}
			if len(rows) > limit {
				rows = rows[:limit]
			}
			if app.JSON() {
				return printJSON(app.Env.Stdout, rows)
			}
			printList(app, rows)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.Kind, "type", "all", "which workflows: chain, request or all")
	fl.StringVar(&f.ResourceArn, "resource-arn", "", "only this source resource")
	fl.StringVar(&f.ResourceType, "resource-type", "", "only this resource type (EBS, EFS, RDS, ...)")
	fl.StringVar(&f.SourceRegion, "source-region", "", "only copies from this Region")
	fl.StringVar(&f.DestinationRegion, "destination-region", "", "only copies into this Region")
	fl.StringVar(&f.DestinationAccount, "destination-account", "", "only copies into vaults of this account")
	fl.StringVar(&f.DestinationVault, "destination-vault", "", "only copies into vaults of this name")
	fl.StringVar(&f.State, "state", "", "only this CopyState: "+strings.Join(copyStates, ", ")+" (any case)")
	fl.StringVar(&f.Plan, "plan", "", "only copies asked for by this plan")
	fl.StringVar(&f.Status, "status", "", "only this execution status (Running, Completed, Failed, ...)")
	fl.StringVar(&f.Query, "query", "", "an extra List Filter clause")
	fl.IntVar(&limit, "limit", 100, "show at most this many workflows")
	return cmd
}

func printList(app *App, rows []listedWorkflow) {
	t := newTable(app.Env.Stdout)
	fmt.Fprintln(t, "TYPE\tSTATUS\tCOPY STATE\tDESTINATION\tCOPIES\tLAST COPY\tNEXT EXPIRY\tWORKFLOW ID")
	for _, r := range rows {
		sa := r.SearchAttributes
		fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Type, r.ExecutionStatus, orDash(attrString(sa, "CopyState")),
			orDash(r.destination()), orDash(attrString(sa, "CopyCount")), orDash(attrString(sa, "LastCopyAt")), orDash(attrString(sa, "NextExpiry")), r.WorkflowId)
	}
	t.Flush()
	if len(rows) == 0 {
		fmt.Fprintln(app.Env.Stdout, "(no workflows match)")
	}
}

// destination is the DESTINATION column: every destination of a request (from its memo),
// else the Region and vault of the search attributes, which a chain always has and a
// request only when it copies to one vault, whatever its state.
func (r listedWorkflow) destination() string {
	if len(r.Destinations) > 0 {
		return strings.Join(r.Destinations, ",")
	}
	dest := attrString(r.SearchAttributes, "DestinationRegion")
	if v := attrString(r.SearchAttributes, "DestinationVault"); v != "" {
		dest += "/" + v
	}
	return dest
}

// memoStrings decodes one memo field holding a list of strings; nil when absent or of
// another shape.
func memoStrings(m *commonpb.Memo, field string) []string {
	p, ok := m.GetFields()[field]
	if !ok {
		return nil
	}
	var out []string
	if err := converter.GetDefaultDataConverter().FromPayload(p, &out); err != nil {
		return nil
	}
	return out
}

// decodeSearchAttributes turns indexed fields into plain values (strings, numbers, times
// as RFC 3339 strings) for printing.
func decodeSearchAttributes(sa *commonpb.SearchAttributes) map[string]any {
	out := map[string]any{}
	dc := converter.GetDefaultDataConverter()
	for name, payload := range sa.GetIndexedFields() {
		var v any
		if err := dc.FromPayload(payload, &v); err != nil {
			out[name] = fmt.Sprintf("(undecodable: %v)", err)
			continue
		}
		out[name] = v
	}
	return out
}

func attrString(sa map[string]any, name string) string {
	v, ok := sa[name]
	if !ok || v == nil {
		return ""
	}
	if f, ok := v.(float64); ok && f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprint(v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// quoteValue quotes a value for a List Filter.
func quoteValue(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// executionStatusName is the name the UI and List Filters use: Running, Completed, ...
func executionStatusName(s enumspb.WorkflowExecutionStatus) string {
	return s.String()
}

// executionStatusValue accepts a status in any case and returns its List Filter spelling.
func executionStatusValue(s string) (string, bool) {
	for v := range enumspb.WorkflowExecutionStatus_name {
		status := enumspb.WorkflowExecutionStatus(v)
		if status == enumspb.WORKFLOW_EXECUTION_STATUS_UNSPECIFIED {
			continue
		}
		if strings.EqualFold(status.String(), s) || strings.EqualFold(strings.ReplaceAll(status.String(), "_", ""), strings.ReplaceAll(s, "_", "")) {
			return status.String(), true
		}
	}
	return "", false
}
