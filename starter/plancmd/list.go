package plancmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/regioncopy/regioncopy/starter/cli"
	"github.com/regioncopy/regioncopy/temporalclient"
)

// listedSchedule is one row of `plan list`: one rule's schedule.
type listedSchedule struct {
	Plan       string
	Rule       string
	ScheduleId string
	Paused     bool
	Note       string    `json:",omitempty"`
	NextRun    time.Time `json:",omitzero"`
	// LastRun is the run with the latest nominal (scheduled) time among the schedule's
	// recent actions, whenever it was started (a backfill starts older ones later); nil
	// before the first.
	LastRun *runResult `json:",omitempty"`
}

func newListCommand(app *cli.App) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List plans and their rules' schedules: next run, paused, last run's result",
		Long: `List every plan applied in the namespace, one row per rule: whether its schedule
is paused, its next run, and its last run: the one with the latest nominal (scheduled)
time, even when a backfill of the past started older runs after it, with its result
(COMPLETED, PARTIAL when some resources failed, SKIPPED, or the run's execution status
while it runs or if it failed).

Which schedules exist comes from Temporal's visibility store, which may take a moment
to show a plan applied or deleted a moment ago; each schedule's state is read from the
schedule itself.`,
		Args: cli.ArgsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := app.Dial(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			it, err := c.ScheduleClient().List(ctx, client.ScheduleListOptions{})
			if err != nil {
				return fmt.Errorf("list schedules: %w", err)
			}
			rows := []listedSchedule{}
			for it.HasNext() {
				e, err := it.Next()
				if err != nil {
					return fmt.Errorf("list schedules: %w", err)
				}
				planName, rule, ok := parseScheduleID(e.ID)
				if !ok {
					continue
				}
				row, ok, err := listRow(ctx, c, e.ID, planName, rule)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
				rows = append(rows, row)
			}
			sort.Slice(rows, func(i, j int) bool { return rows[i].ScheduleId < rows[j].ScheduleId })
			if app.JSON() {
				return app.PrintJSON(rows)
			}
			if len(rows) == 0 {
				fmt.Fprintf(app.Env.Stdout, "no plans applied in this namespace (apply one with '%s')\n", app.Rerun("plan", "apply", "-f", "<file>"))
				return nil
			}
			return printList(app.Env.Stdout, rows)
		},
	}
}

// printList writes list's table. A paused schedule takes no action at its next action
// time, which Temporal still reports: its NEXT RUN reads "paused".
func printList(w io.Writer, rows []listedSchedule) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PLAN\tRULE\tPAUSED\tNEXT RUN\tLAST RUN (NOMINAL TIME)\tRESULT")
	for _, r := range rows {
		last, result := "-", "-"
		if r.LastRun != nil {
			last, result = formatTime(r.LastRun.ScheduledAt), r.LastRun.Outcome()
		}
		next := formatTime(r.NextRun)
		if r.Paused {
			next = "paused"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Plan, r.Rule, yesNo(r.Paused), next, last, result)
	}
	return tw.Flush()
}

// listRow reads one schedule's current state. The visibility list can lag a pause or a
// run by a moment, so the state comes from describing the schedule; ok is false when it
// was deleted since it was listed.
func listRow(ctx context.Context, c client.Client, id, planName, rule string) (listedSchedule, bool, error) {
	row := listedSchedule{Plan: planName, Rule: rule, ScheduleId: id}
	d, err := temporalclient.DescribeSchedule(ctx, c.ScheduleClient().GetHandle(ctx, id))
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return row, false, nil
	}
	if err != nil {
		return row, false, fmt.Errorf("describe schedule %s: %w", id, err)
	}
	if s := d.Schedule.State; s != nil {
		row.Paused, row.Note = s.Paused, s.Note
	}
	if len(d.Info.NextActionTimes) > 0 {
		row.NextRun = d.Info.NextActionTimes[0]
	}
	if a, ok := latestNominal(d.Info.RecentActions); ok {
		last, err := runOf(ctx, c, a)
		if err != nil {
			return row, false, err
		}
		row.LastRun = &last
	}
	return row, true, nil
}

// latestNominal picks, among a schedule's recent actions, the run for the latest nominal
// (scheduled) time. Temporal lists actions in the order they were taken, so after a
// backfill of the past the last one listed is an old run; the latest nominal one says
// how current the copies are.
func latestNominal(actions []client.ScheduleActionResult) (client.ScheduleActionResult, bool) {
	if len(actions) == 0 {
		return client.ScheduleActionResult{}, false
	}
	best := actions[0]
	for _, a := range actions[1:] {
		if !a.ScheduleTime.Before(best.ScheduleTime) {
			best = a
		}
	}
	return best, true
}
