package plancmd

import (
	"github.com/spf13/cobra"

	"github.com/regioncopy/regioncopy/starter/cli"
)

func init() { cli.RegisterCommand(newPlanCommand) }

func newPlanCommand(app *cli.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Run AWS Backup plans with cross-Region copies on Temporal Schedules",
		Long: `A plan file holds an AWS Backup plan (what 'aws backup create-backup-plan
--backup-plan' takes), its selection (what 'aws backup create-backup-selection
--backup-selection' takes) and regioncopy's own settings. 'plan apply' turns each rule
into a Temporal Schedule with id plan/<BackupPlanName>/<RuleName>; each run backs up the
selected resources and copies every recovery point by the rule's copy actions.

The schedules show in 'temporal schedule list' and in the Temporal UI's Schedules page.`,
		Args: cli.ArgsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(
		newApplyCommand(app),
		newListCommand(app),
		newDescribeCommand(app),
		newDeleteCommand(app),
		newPauseCommand(app, true),
		newPauseCommand(app, false),
		newTriggerCommand(app),
		newBackfillCommand(app),
	)
	return cmd
}

// planNameArg accepts exactly one plan name. A name with a slash could never be a
// BackupPlanName, and would reach into another plan's schedule ids.
func planNameArg(cmd *cobra.Command, args []string) error {
	if err := cli.ArgsUsage(cobra.ExactArgs(1))(cmd, args); err != nil {
		return err
	}
	if !validPlanName(args[0]) {
		return usageErrorf("plan name %q: a BackupPlanName has 1 to 50 letters, digits, '-', '_' or '.'", args[0])
	}
	return nil
}
