package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient"
)

func newCopiesCommand(app *App) *cobra.Command {
	var runID string
	runs := 10
	cmd := &cobra.Command{
		Use:   "copies <chain-id>",
		Short: "List the copies a chain has made: the proof of every copy",
		Long: `List the copy records of one chain (` + model.ChainWorkflowIDForm + `),
from its 'copies' query: for each copy the source recovery point, the copy job, the destination
recovery point, full or incremental, its size, times, lifecycle, any extension of its
expiry, and its deletion.

A chain keeps its records in bounded pages and carries only its latest into each new
run (it continues as new every few dozen copies), so the command reads every page of the
chain's latest --runs runs, the closed ones included while the namespace retains them,
and lists each copy once, as its latest run last saw it. The destination vault itself
holds every live copy.`,
		Example: `  regioncopy copies chain/arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc/from/us-east-1/to/123456789012/eu-west-1/Default --output json`,
		Args:    ArgsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runs < 1 {
				return usageErrorf("--runs must be at least 1, got %d", runs)
			}
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
			if st.Type != model.WorkflowCopyChain {
				return notAChain(st, app.Program())
			}
			runIDs := []string{runID}
			if runID == "" {
				if runIDs, err = temporalclient.ChainRuns(ctx, c, args[0], runs); err != nil {
					return err
				}
			}
			records, err := temporalclient.ChainCopies(ctx, c, args[0], runIDs)
			if err != nil {
				return fmt.Errorf("query copies of %s: %w", args[0], err)
			}
			if app.JSON() {
				return printJSON(app.Env.Stdout, records)
			}
			printCopies(app, records)
			return nil
		},
	}
	cmd.Flags().StringVar(&runID, "run-id", "", "only this run (default: the chain's latest --runs runs)")
	cmd.Flags().IntVar(&runs, "runs", runs, "how many of the chain's latest runs to read")
	return cmd
}

func printCopies(app *App, records []model.CopyRecord) {
	t := newTable(app.Env.Stdout)
	fmt.Fprintln(t, "SOURCE RECOVERY POINT\tKIND\tSTATE\tSIZE\tCOPY JOB\tCOPY\tCOMPLETED\tDELETE AT\tDELETED")
	for _, r := range records {
		deleteAt := formatTime(r.DeleteAt)
		if !r.ExtendedUntil.IsZero() {
			deleteAt = formatTime(r.ExtendedUntil) + " (extended)"
		}
		fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.SourceRecoveryPointArn, orDash(string(r.Kind)), r.State,
			model.FormatBytes(r.BackupSizeInBytes), orDash(r.CopyJobId), orDash(r.DestinationRecoveryPointArn),
			formatTime(r.CompletedAt), deleteAt, formatTime(r.DeletedAt))
	}
	t.Flush()
	if len(records) == 0 {
		fmt.Fprintln(app.Env.Stdout, "(no copies yet)")
	}
}

// notAChain is the usage error for an id that names a workflow other than a chain: it
// says what the id is and, for a copy request, lists the chains that hold its copies (from
// its status or result), so the next command is one copy-paste away; prog starts the
// commands it names.
func notAChain(st workflowStatus, prog string) error {
	if st.Type != model.WorkflowCopyRecoveryPoint {
		return usageErrorf("%s is a %s workflow, not a copy chain: 'copies' takes a chain id (%s; '%s list --type chain' lists them)", st.WorkflowId, st.Type, model.ChainWorkflowIDForm, prog)
	}
	var rs model.RequestStatus
	var chains []string
	if json.Unmarshal(st.Status, &rs) == nil {
		for _, d := range rs.Destinations {
			if d.ChainWorkflowId != "" {
				chains = append(chains, d.ChainWorkflowId)
			}
		}
	}
	if len(chains) == 0 {
		return usageErrorf("%s is a copy request, not a copy chain, and it has handed no copy to a chain yet (state %s): '%s status %s' shows its progress", st.WorkflowId, orDash(rs.State), prog, st.WorkflowId)
	}
	lines := make([]string, len(chains))
	for i, id := range chains {
		lines[i] = "  " + prog + " copies " + id
	}
	return usageErrorf("%s is a copy request, not a copy chain; its copies are in %d chain(s):\n%s", st.WorkflowId, len(chains), strings.Join(lines, "\n"))
}
