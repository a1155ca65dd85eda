package plancmd

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/plan"
	"github.com/regioncopy/regioncopy/schedules"
	"github.com/regioncopy/regioncopy/starter/cli"
)

// applyResult is what `plan apply` prints with --output json.
type applyResult struct {
	Plan   string
	DryRun bool
	// Changed is false when the schedules already matched the file.
	Changed bool
	Changes []schedules.Change
}

// invalidPlan is what `plan apply --output json` prints for a file with problems.
type invalidPlan struct {
	File     string
	Applied  bool
	Problems []*plan.Problem
}

func newApplyCommand(app *cli.App) *cobra.Command {
	var (
		file, region, taskQueue string
		rulesFile               string
		dryRun                  bool
	)
	cmd := &cobra.Command{
		Use:   "apply -f <plan.json>",
		Short: "Create or update a plan's schedules from a plan file",
		Long: `Validate a plan file and make the plan's Temporal Schedules match it: one schedule
per rule is created, updated in place (keeping its paused state and recent runs) or left
alone, and the schedules of rules no longer in the file are deleted. Applying the same
file again changes nothing.

A file with problems is refused as a whole: every problem is listed with its place in the
file (file:line:column and JSON path) and nothing is applied (exit 2). --dry-run shows
what would change, field by field, and changes nothing.

The plan's source Region is RegionCopy.SourceRegion, else --region, AWS_REGION,
AWS_DEFAULT_REGION or the profile's region, as for 'regioncopy copy'.

The plan is validated against regioncopy's built-in cross-Region rules, or against those
rules overlaid with --rules FILE (REGIONCOPY_RULES), as for 'regioncopy copy'. Each
schedule's runs hand copies over by the rules the plan was applied with, so applying the
same file with other rules updates the schedules.`,
		Example: `  regioncopy plan apply -f plan.json --dry-run
  regioncopy plan apply -f plan.json --region us-east-1`,
		Args: cli.ArgsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if file == "" {
				return usageErrorf("-f/--filename: the plan file to apply is required")
			}
			ctx := cmd.Context()
			defaultRegion, err := cli.SourceRegion(ctx, region, app.Env.Getenv)
			if err != nil {
				return err
			}
			rules, err := cli.LoadRules(rulesFile)
			if err != nil {
				return err
			}
			f, err := plan.Load(file, plan.Options{DefaultRegion: defaultRegion, Rules: rules})
			if err != nil {
				return reportInvalid(app, file, err)
			}
			c, err := app.Dial(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			m := schedules.NewManager(c, schedules.Options{TaskQueue: taskQueue, DefaultRegion: defaultRegion, Rules: rules})
			changes, err := m.Apply(ctx, f, dryRun)
			res := applyResult{Plan: f.BackupPlan.BackupPlanName, DryRun: dryRun, Changes: changes}
			for _, ch := range changes {
				if ch.Kind != schedules.Unchanged {
					res.Changed = true
				}
			}
			if err != nil {
				// Report what was done before the failure, then fail.
				if len(changes) > 0 && !app.JSON() {
					printApply(app.Env.Stdout, res)
				}
				return fmt.Errorf("apply plan %s: %w", res.Plan, err)
			}
			if app.JSON() {
				return app.PrintJSON(res)
			}
			printApply(app.Env.Stdout, res)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&file, "filename", "f", "", "plan file to apply (required)")
	fl.BoolVar(&dryRun, "dry-run", false, "show what would change and change nothing")
	cli.AddRulesFlag(fl, app.Env.Getenv, &rulesFile)
	fl.StringVar(&region, "region", "", "source Region when the plan names none (default: AWS_REGION, AWS_DEFAULT_REGION, or the profile's region)")
	fl.StringVar(&taskQueue, "task-queue", envOr(app.Env.Getenv, "REGIONCOPY_TASK_QUEUE", model.DefaultTaskQueue), "task queue of the regioncopy worker that runs the plan (env REGIONCOPY_TASK_QUEUE)")
	return cmd
}

// reportInvalid turns a plan file that cannot be read or has problems into a usage
// error listing every problem; with --output json the problems also go to stdout.
func reportInvalid(app *cli.App, file string, err error) error {
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
		return usageErrorf("-f %s: %v", file, err)
	}
	problems := plan.Problems(err)
	if len(problems) == 0 {
		return usageErrorf("-f %s: %v", file, err)
	}
	if app.JSON() {
		if perr := app.PrintJSON(invalidPlan{File: file, Problems: problems}); perr != nil {
			return perr
		}
	}
	lines := make([]string, len(problems))
	for i, p := range problems {
		lines[i] = "  " + p.Error()
	}
	noun := "problems"
	if len(problems) == 1 {
		noun = "problem"
	}
	return cli.UsageError(fmt.Errorf("%s has %d %s; nothing was applied:\n%s", file, len(problems), noun, strings.Join(lines, "\n")))
}

func printApply(w io.Writer, res applyResult) {
	header := "plan " + res.Plan
	if res.DryRun {
		header += " (dry run: nothing was changed)"
	}
	fmt.Fprintln(w, header)
	if !res.Changed {
		fmt.Fprintf(w, "no changes: %d schedule(s) already match the file\n", len(res.Changes))
		return
	}
	for _, ch := range res.Changes {
		verb := map[schedules.ChangeKind]string{
			schedules.Created: "create", schedules.Updated: "update",
			schedules.Unchanged: "unchanged", schedules.Deleted: "delete",
		}[ch.Kind]
		if res.DryRun && ch.Kind != schedules.Unchanged {
			verb = "would " + verb
		}
		fmt.Fprintf(w, "  %-16s %s\n", verb, ch.ScheduleID)
		for _, d := range ch.Diff {
			fmt.Fprintf(w, "      %s\n", d)
		}
	}
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}
