package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/regioncopy/regioncopy/model"
)

func newCopiesCommand(app *App) *cobra.Command {
	var runID string
	cmd := &cobra.Command{
		Use:   "copies <chain-id>",
		Short: "List the copies a chain has made: the proof of every copy",
		Long: `List the copy records of one chain (chain/<resource ARN>/<Region>/<vault>), from its
'copies' query: for each copy the source recovery point, the copy job, the destination
recovery point, full or incremental, bytes, times, lifecycle, any extension of its
expiry, and its deletion.`,
		Example: `  regioncopy copies chain/arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc/eu-west-1/Default --output json`,
		Args:    ArgsUsage(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := app.dial(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			if _, err := describeWorkflow(ctx, app, c, args[0], runID); err != nil {
				return err
			}
			var records []model.CopyRecord
			if err := queryInto(ctx, c, args[0], runID, model.QueryCopies, &records); err != nil {
				return fmt.Errorf("query copies of %s: %w", args[0], err)
			}
			if records == nil {
				records = []model.CopyRecord{}
			}
			if app.JSON() {
				return printJSON(app.Env.Stdout, records)
			}
			printCopies(app, records)
			return nil
		},
	}
	cmd.Flags().StringVar(&runID, "run-id", "", "a specific run (default: the latest)")
	return cmd
}

func printCopies(app *App, records []model.CopyRecord) {
	t := newTable(app.Env.Stdout)
	fmt.Fprintln(t, "SOURCE RECOVERY POINT\tKIND\tSTATE\tBYTES\tCOPY JOB\tCOPY\tCOMPLETED\tDELETE AT\tDELETED")
	for _, r := range records {
		deleteAt := formatTime(r.DeleteAt)
		if !r.ExtendedUntil.IsZero() {
			deleteAt = formatTime(r.ExtendedUntil) + " (extended)"
		}
		fmt.Fprintf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.SourceRecoveryPointArn, orDash(string(r.Kind)), r.State,
			formatBytes(r.BackupSizeInBytes), orDash(r.CopyJobId), orDash(r.DestinationRecoveryPointArn),
			formatTime(r.CompletedAt), deleteAt, formatTime(r.DeletedAt))
	}
	t.Flush()
	if len(records) == 0 {
		fmt.Fprintln(app.Env.Stdout, "(no copies yet)")
	}
}
