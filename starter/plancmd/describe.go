package plancmd

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/schedules"
	"github.com/regioncopy/regioncopy/starter/cli"
	"github.com/regioncopy/regioncopy/temporalclient"
)

// describedRule is one rule of `plan describe`.
type describedRule struct {
	Rule                       string
	ScheduleId                 string
	ScheduleExpression         string
	ScheduleExpressionTimezone string `json:",omitempty"`
	SourceRegion               string
	BackupVaultName            string
	CopyOnly                   bool `json:",omitempty"`
	Destinations               []string
	// Spec is the Temporal schedule spec the expression was converted to.
	Spec            *client.ScheduleSpec
	Overlap         string
	CatchupWindow   string
	TaskQueue       string
	Revision        string
	Paused          bool
	Note            string `json:",omitempty"`
	NextActionTimes []time.Time
	RecentRuns      []runResult
}

type describedPlan struct {
	Plan  string
	Rules []describedRule
}

func newDescribeCommand(app *cli.App) *cobra.Command {
	var rule string
	cmd := &cobra.Command{
		Use:   "describe <plan>",
		Short: "Show a plan's rules: schedule expression, Temporal spec, next runs, recent runs",
		Long: `Show each rule of an applied plan: its AWS schedule expression and the Temporal
schedule spec it became, the overlap and catch-up policies, whether it is paused, the
next run times and the recent runs with their results and links to the Temporal UI.`,
		Example: `  regioncopy plan describe ledger
  regioncopy plan describe ledger --rule hourly --output json`,
		Args: planNameArg,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := ruleFlag(rule); err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := app.Dial(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			ids, err := scheduleIDs(ctx, app, c, args[0], rule)
			if err != nil {
				return err
			}
			out := describedPlan{Plan: args[0]}
			for _, id := range ids {
				r, err := describeRule(ctx, app, c, id)
				if err != nil {
					return err
				}
				out.Rules = append(out.Rules, r)
			}
			if app.JSON() {
				return app.PrintJSON(out)
			}
			printDescribe(app.Env.Stdout, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&rule, "rule", "", "describe only this rule")
	return cmd
}

// scheduleIDs lists the plan's schedules (or the one of rule); a plan without any is a
// failed operation with a message saying so.
func scheduleIDs(ctx context.Context, app *cli.App, c client.Client, planName, rule string) ([]string, error) {
	if rule != "" {
		return []string{schedules.ScheduleID(planName, rule)}, nil
	}
	ids, err := schedules.NewManager(c, schedules.Options{}).ScheduleIDsSettled(ctx, planName)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no plan named %q: it has no schedules in this namespace (see '%s')", planName, app.Rerun("plan", "list"))
	}
	return ids, nil
}

func describeRule(ctx context.Context, app *cli.App, c client.Client, id string) (describedRule, error) {
	d, err := temporalclient.DescribeSchedule(ctx, c.ScheduleClient().GetHandle(ctx, id))
	if err != nil {
		return describedRule{}, fmt.Errorf("describe schedule %s: %w", id, err)
	}
	_, ruleName, _ := parseScheduleID(id)
	r := describedRule{Rule: ruleName, ScheduleId: id, Spec: d.Schedule.Spec, NextActionTimes: d.Info.NextActionTimes}
	if a, ok := d.Schedule.Action.(*client.ScheduleWorkflowAction); ok {
		r.TaskQueue = a.TaskQueue
		if in, ok := planRunInput(a); ok {
			r.Rule, r.ScheduleExpression, r.ScheduleExpressionTimezone = in.Rule, in.ScheduleExpression, in.ScheduleExpressionTimezone
			r.SourceRegion, r.BackupVaultName, r.CopyOnly, r.Revision = in.SourceRegion, in.BackupVaultName, in.CopyOnly, in.Revision
			for _, ca := range in.CopyActions {
				r.Destinations = append(r.Destinations, ca.DestinationBackupVaultArn)
			}
		}
	}
	if p := d.Schedule.Policy; p != nil {
		r.Overlap = p.Overlap.String()
		r.CatchupWindow = p.CatchupWindow.String()
	}
	if s := d.Schedule.State; s != nil {
		r.Paused, r.Note = s.Paused, s.Note
	}
	for _, a := range d.Info.RecentActions {
		run, err := runOf(ctx, c, a)
		if err != nil {
			return r, err
		}
		if run.WorkflowId != "" {
			run.UIURL = app.WorkflowURL(run.WorkflowId, "")
		}
		r.RecentRuns = append(r.RecentRuns, run)
	}
	return r, nil
}

// planRunInput decodes the rule a schedule runs (its PlanRun argument).
func planRunInput(a *client.ScheduleWorkflowAction) (model.PlanRunInput, bool) {
	var in model.PlanRunInput
	if len(a.Args) != 1 {
		return in, false
	}
	p, ok := a.Args[0].(*commonpb.Payload)
	if !ok {
		return in, false
	}
	return in, converter.GetDefaultDataConverter().FromPayload(p, &in) == nil
}

func printDescribe(w io.Writer, p describedPlan) {
	fmt.Fprintf(w, "plan %s\n", p.Plan)
	for _, r := range p.Rules {
		fmt.Fprintf(w, "\nrule %s (schedule %s)\n", r.Rule, r.ScheduleId)
		expr := r.ScheduleExpression
		if r.ScheduleExpressionTimezone != "" {
			expr += " in " + r.ScheduleExpressionTimezone
		}
		fmt.Fprintf(w, "  schedule:      %s\n", expr)
		for _, line := range specLines(r.Spec) {
			fmt.Fprintf(w, "  temporal spec: %s\n", line)
		}
		fmt.Fprintf(w, "  policies:      overlap %s, catch-up window %s\n", r.Overlap, r.CatchupWindow)
		what := "backs up into " + r.BackupVaultName
		if r.CopyOnly {
			what = "copies new recovery points of " + r.BackupVaultName
		}
		fmt.Fprintf(w, "  source:        %s, %s (task queue %s)\n", r.SourceRegion, what, r.TaskQueue)
		for _, d := range r.Destinations {
			fmt.Fprintf(w, "  copies to:     %s\n", d)
		}
		paused := "no"
		if r.Paused {
			paused = "yes"
			if r.Note != "" {
				paused += " (" + r.Note + ")"
			}
		}
		fmt.Fprintf(w, "  paused:        %s\n", paused)
		// Five upcoming runs say enough in text; JSON has every one the server gave.
		for i, t := range r.NextActionTimes[:min(len(r.NextActionTimes), 5)] {
			fmt.Fprintf(w, "%s%s\n", label(i, "next runs:"), formatTime(t))
		}
		if len(r.RecentRuns) == 0 {
			fmt.Fprintln(w, "  recent runs:   none yet")
		}
		for i, run := range r.RecentRuns {
			fmt.Fprintf(w, "%s%s  %-10s %s\n", label(i, "recent runs:"), formatTime(run.ScheduledAt), run.Outcome(), run.WorkflowId)
		}
	}
}

// label is the left column of describe's text: the name on a list's first line, blank
// on the following ones.
func label(i int, name string) string {
	if i > 0 {
		name = ""
	}
	return fmt.Sprintf("  %-15s", name)
}

// specLines renders a schedule spec compactly, one calendar or interval per line, in
// the spec's own terms (field=ranges; an empty field matches every value).
func specLines(s *client.ScheduleSpec) []string {
	if s == nil {
		return []string{"-"}
	}
	var lines []string
	tz := ""
	if s.TimeZoneName != "" {
		tz = " tz=" + s.TimeZoneName
	}
	for _, c := range s.Calendars {
		lines = append(lines, calendarLine(c)+tz)
	}
	for _, c := range s.Skip {
		lines = append(lines, "skip "+calendarLine(c)+tz)
	}
	for _, iv := range s.Intervals {
		l := "every " + iv.Every.String()
		if iv.Offset != 0 {
			l += " offset " + iv.Offset.String()
		}
		lines = append(lines, l)
	}
	lines = append(lines, s.CronExpressions...)
	if !s.StartAt.IsZero() || !s.EndAt.IsZero() {
		lines = append(lines, fmt.Sprintf("between %s and %s", formatTime(s.StartAt), formatTime(s.EndAt)))
	}
	if s.Jitter != 0 {
		lines = append(lines, "jitter "+s.Jitter.String())
	}
	if len(lines) == 0 {
		return []string{"-"}
	}
	return lines
}

func calendarLine(c client.ScheduleCalendarSpec) string {
	fields := []struct {
		name string
		r    []client.ScheduleRange
	}{
		{"second", c.Second}, {"minute", c.Minute}, {"hour", c.Hour}, {"day", c.DayOfMonth},
		{"month", c.Month}, {"year", c.Year}, {"weekday", c.DayOfWeek},
	}
	parts := make([]string, 0, len(fields)+1)
	for _, f := range fields {
		parts = append(parts, f.name+"="+ranges(f.r))
	}
	if c.Comment != "" {
		parts = append(parts, "("+c.Comment+")")
	}
	return strings.Join(parts, " ")
}

func ranges(rs []client.ScheduleRange) string {
	if len(rs) == 0 {
		return "*"
	}
	out := make([]string, len(rs))
	for i, r := range rs {
		s := fmt.Sprint(r.Start)
		if r.End > r.Start {
			s += fmt.Sprintf("-%d", r.End)
		}
		if r.Step > 1 {
			s += fmt.Sprintf("/%d", r.Step)
		}
		out[i] = s
	}
	return strings.Join(out, ",")
}
