package plancmd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/schedules"
	"github.com/regioncopy/regioncopy/starter/cli"
	"github.com/regioncopy/regioncopy/temporalclient"
)

// opResult is what delete, pause, resume and backfill print with --output json.
type opResult struct {
	Plan      string
	Operation string
	Schedules []string
}

// withSchedules dials, resolves the targeted schedules (the plan's, or one rule's) and
// runs op on each rule; a rule's schedule that does not exist is a clear failure.
func withSchedules(cmd *cobra.Command, app *cli.App, planName, rule string, op func(ctx context.Context, c client.Client, m *schedules.Manager, rule string) error) ([]string, error) {
	if err := ruleFlag(rule); err != nil {
		return nil, err
	}
	ctx := cmd.Context()
	c, err := app.Dial(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	ids, err := scheduleIDs(ctx, app, c, planName, rule)
	if err != nil {
		return nil, err
	}
	m := schedules.NewManager(c, schedules.Options{})
	for _, id := range ids {
		_, r, _ := parseScheduleID(id)
		if err := op(ctx, c, m, r); err != nil {
			var nf *serviceerror.NotFound
			if errors.As(err, &nf) {
				return nil, fmt.Errorf("plan %q has no rule %q (no schedule %s; see '%s')", planName, r, id, app.Rerun("plan", "describe", planName))
			}
			return nil, err
		}
	}
	return ids, nil
}

func printOp(app *cli.App, res opResult, verb string) error {
	if app.JSON() {
		return app.PrintJSON(res)
	}
	for _, id := range res.Schedules {
		fmt.Fprintf(app.Env.Stdout, "%s %s\n", verb, id)
	}
	return nil
}

func newDeleteCommand(app *cli.App) *cobra.Command {
	return &cobra.Command{
		Use:   "delete <plan>",
		Short: "Delete all of a plan's schedules",
		Long: `Delete every schedule of a plan, without asking. Runs already started go on to their
end, and the copy chains keep every copy and its expiry. A plan that has no schedules is
an error (exit 1).`,
		Args: planNameArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			ids, err := withSchedules(cmd, app, args[0], "", func(ctx context.Context, _ client.Client, m *schedules.Manager, rule string) error {
				return m.Delete(ctx, args[0], rule)
			})
			if err != nil {
				return err
			}
			return printOp(app, opResult{Plan: args[0], Operation: "delete", Schedules: ids}, "deleted")
		},
	}
}

// newPauseCommand builds `pause` (pause true) or `resume`.
func newPauseCommand(app *cli.App, pause bool) *cobra.Command {
	var rule, note string
	cmd := &cobra.Command{
		Use:   "pause <plan>",
		Short: "Stop a plan's schedules (or one rule's) from starting runs",
		Long: `Pause a plan's schedules, or only --rule's. Runs already started go on. The note
shows in the Temporal UI and in 'regioncopy plan list'. 'plan apply' never changes
whether a schedule is paused.`,
		Example: `  regioncopy plan pause ledger --note "vault migration"`,
	}
	verb, op, done := "pause", "paused by regioncopy plan pause", "paused"
	if !pause {
		cmd.Use = "resume <plan>"
		cmd.Short = "Let a plan's paused schedules (or one rule's) start runs again"
		cmd.Long = `Resume a plan's schedules, or only --rule's. Runs missed while paused are not made
up; use 'regioncopy plan backfill' for that.`
		cmd.Example = `  regioncopy plan resume ledger --rule hourly`
		verb, op, done = "resume", "resumed by regioncopy plan resume", "resumed"
	}
	cmd.Args = planNameArg
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if note == "" {
			note = op
		}
		ids, err := withSchedules(cmd, app, args[0], rule, func(ctx context.Context, _ client.Client, m *schedules.Manager, r string) error {
			if pause {
				return m.Pause(ctx, args[0], r, note)
			}
			return m.Resume(ctx, args[0], r, note)
		})
		if err != nil {
			return err
		}
		return printOp(app, opResult{Plan: args[0], Operation: verb, Schedules: ids}, done)
	}
	cmd.Flags().StringVar(&rule, "rule", "", "only this rule's schedule")
	cmd.Flags().StringVar(&note, "note", "", "why, shown in the Temporal UI")
	return cmd
}

// triggered is one schedule `plan trigger` started a run of.
type triggered struct {
	ScheduleId string
	// WorkflowId is the run it started; empty when the run was not seen starting within
	// triggerWait.
	WorkflowId string `json:",omitempty"`
	UIURL      string `json:",omitempty"`
}

// triggerWait is how long trigger waits to see the run it asked for start.
const triggerWait = 10 * time.Second

func newTriggerCommand(app *cli.App) *cobra.Command {
	var rule string
	cmd := &cobra.Command{
		Use:   "trigger <plan>",
		Short: "Start a run of a plan's rules (or one rule) now",
		Long: `Start a run of each rule of a plan now, or only of --rule, like "run now" on an AWS
Backup rule. The run backs up the selected resources and copies each recovery point by
the rule's copy actions. It starts at once even while an earlier run of the rule is
still waiting for its copies to land, as AWS starts every backup job it is asked for.
Prints each run's workflow id and link.`,
		Args: planNameArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			var out []triggered
			_, err := withSchedules(cmd, app, args[0], rule, func(ctx context.Context, c client.Client, m *schedules.Manager, r string) error {
				t, err := trigger(ctx, app, c, m, args[0], r)
				out = append(out, t)
				return err
			})
			if err != nil {
				return err
			}
			if app.JSON() {
				return app.PrintJSON(struct {
					Plan      string
					Triggered []triggered
				}{args[0], out})
			}
			for _, t := range out {
				if t.WorkflowId == "" {
					fmt.Fprintf(app.Env.Stdout, "triggered %s: the run did not show within %s; see %s\n", t.ScheduleId, triggerWait, app.Rerun("plan", "describe", args[0]))
					continue
				}
				fmt.Fprintf(app.Env.Stdout, "triggered %s: run %s\n  %s\n", t.ScheduleId, t.WorkflowId, t.UIURL)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&rule, "rule", "", "only this rule")
	return cmd
}

// trigger starts a run of one rule and waits briefly to name the workflow it started:
// the schedule's newest recent action that was not there before.
func trigger(ctx context.Context, app *cli.App, c client.Client, m *schedules.Manager, planName, rule string) (triggered, error) {
	id := schedules.ScheduleID(planName, rule)
	t := triggered{ScheduleId: id}
	h := c.ScheduleClient().GetHandle(ctx, id)
	before, err := temporalclient.DescribeSchedule(ctx, h)
	if err != nil {
		return t, err
	}
	seen := map[string]bool{}
	for _, a := range before.Info.RecentActions {
		if a.StartWorkflowResult != nil {
			seen[a.StartWorkflowResult.WorkflowID] = true
		}
	}
	if err := m.Trigger(ctx, planName, rule); err != nil {
		return t, err
	}
	for deadline := time.Now().Add(triggerWait); time.Now().Before(deadline); {
		d, err := temporalclient.DescribeSchedule(ctx, h)
		if err != nil {
			return t, fmt.Errorf("describe schedule %s: %w", id, err)
		}
		for _, a := range d.Info.RecentActions {
			if a.StartWorkflowResult != nil && !seen[a.StartWorkflowResult.WorkflowID] {
				t.WorkflowId = a.StartWorkflowResult.WorkflowID
				t.UIURL = app.WorkflowURL(t.WorkflowId, a.StartWorkflowResult.FirstExecutionRunID)
				return t, nil
			}
		}
		select {
		case <-ctx.Done():
			return t, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return t, nil
}

func newBackfillCommand(app *cli.App) *cobra.Command {
	var rule, startText, endText string
	cmd := &cobra.Command{
		Use:   "backfill <plan> --start <time> --end <time>",
		Short: "Start the runs a plan's schedules would have started in a past period",
		Long: `Start every run the plan's schedules (or --rule's) would have started between
--start and --end (RFC 3339 times, inclusive), for example to make up a period when the
plan was paused. The runs keep their past times and run one after another. A backup run
whose start window has passed takes no backup, as AWS would not start it either.`,
		Example: `  regioncopy plan backfill ledger --start 2026-11-20T00:00:00Z --end 2026-11-21T00:00:00Z`,
		Args:    planNameArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			start, err := timeFlag("--start", startText)
			if err != nil {
				return err
			}
			end, err := timeFlag("--end", endText)
			if err != nil {
				return err
			}
			if !end.After(start) {
				return usageErrorf("--end %s must be after --start %s", endText, startText)
			}
			ids, err := withSchedules(cmd, app, args[0], rule, func(ctx context.Context, _ client.Client, m *schedules.Manager, r string) error {
				return m.Backfill(ctx, args[0], r, start, end)
			})
			if err != nil {
				return err
			}
			return printOp(app, opResult{Plan: args[0], Operation: "backfill", Schedules: ids},
				fmt.Sprintf("backfill %s to %s requested for", formatTime(start), formatTime(end)))
		},
	}
	cmd.Flags().StringVar(&rule, "rule", "", "only this rule")
	cmd.Flags().StringVar(&startText, "start", "", "start of the period, RFC 3339 (required)")
	cmd.Flags().StringVar(&endText, "end", "", "end of the period, RFC 3339 (required)")
	return cmd
}

func timeFlag(name, value string) (time.Time, error) {
	if value == "" {
		return time.Time{}, usageErrorf("%s is required (an RFC 3339 time such as 2026-11-20T00:00:00Z)", name)
	}
	t, err := time.Parse(time.RFC3339, value)
	if err != nil {
		return time.Time{}, usageErrorf("%s %q: not an RFC 3339 time such as 2026-11-20T00:00:00Z", name, value)
	}
	return t, nil
}
