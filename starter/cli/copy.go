package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/workflows"
)

func newCopyCommand(app *App) *cobra.Command {
	var (
		f         copyFlags
		wait      bool
		taskQueue string
		rulesFile string
	)
	timeScaleDefault, timeScaleEnvErr := envFloat(app.Env.Getenv, "REGIONCOPY_TIME_SCALE", 1)
	cmd := &cobra.Command{
		Use:   "copy",
		Short: "Copy a recovery point to one or more other Regions",
		Long: `Copy one AWS Backup recovery point to one or more destination vaults in other
Regions. The flags are those of 'aws backup start-copy-job'; --destination-backup-vault-arn
may be repeated. The copy runs as the Temporal workflow CopyRecoveryPoint, whose id is
derived from the request: asking for the same copy twice follows the same workflow and
starts one copy job per destination, never two.

Each destination's copy goes through the chain of (resource, source Region, destination
account, Region and vault), so the first copy of a resource into a vault is full and
every later one incremental. The source Region is the recovery point's: a copy in
eu-west-1 of a us-east-1 volume is copied on with --region eu-west-1, by a chain of its own.
Destination vaults must be in the IAM role's account: cross-account copy is refused.

The request is checked against regioncopy's built-in cross-Region rules, or against those
rules overlaid with --rules FILE (REGIONCOPY_RULES), a JSON document that follows AWS's
later changes; the workflow checks it again with the same rules.

Without --wait the command returns once the workflow has started. With --wait it prints
each change of progress until every destination has a result (--output json prints one
document at the end), and its exit code says how the copy ended: 0 every destination
copied, 1 a copy failed, 2 the request was rejected before any copy job started.`,
		Example: `  regioncopy copy --region us-east-1 \
    --recovery-point-arn arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0 \
    --source-backup-vault-name Default \
    --destination-backup-vault-arn arn:aws:backup:eu-west-1:123456789012:backup-vault:Default \
    --destination-backup-vault-arn arn:aws:backup:us-west-2:123456789012:backup-vault:Default \
    --iam-role-arn arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole \
    --lifecycle DeleteAfterDays=35 --wait`,
		Args: ArgsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if timeScaleEnvErr != nil && !cmd.Flags().Changed("time-scale") {
				return usageError(timeScaleEnvErr)
			}
			ctx := cmd.Context()
			region, err := SourceRegion(ctx, f.Region, app.Env.Getenv)
			if err != nil {
				return err
			}
			rules, err := LoadRules(rulesFile)
			if err != nil {
				return err
			}
			req, err := f.request(region, orDefaultRules(rules))
			if err != nil {
				return usageError(err)
			}
			// The workflow checks the request again, with the same rules.
			req.Rules = rules.Encode()
			c, err := app.dial(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			started, err := startCopy(ctx, c, req, taskQueue)
			if err != nil {
				return err
			}
			started.UIURL = app.workflowURL(started.WorkflowId, started.RunId)
			if !wait {
				if app.JSON() {
					return printJSON(app.Env.Stdout, started)
				}
				printStarted(app, started)
				return nil
			}
			if !app.JSON() {
				printStarted(app, started)
			}
			return app.follow(ctx, c, started)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.RecoveryPointArn, "recovery-point-arn", "", "ARN of the recovery point to copy (required)")
	fl.StringVar(&f.SourceBackupVaultName, "source-backup-vault-name", "", "name of the vault holding the recovery point (required)")
	fl.StringArrayVar(&f.DestinationVaultArns, "destination-backup-vault-arn", nil, "ARN of a destination vault in another Region (required; repeat for several)")
	fl.StringVar(&f.IamRoleArn, "iam-role-arn", "", "IAM role AWS Backup assumes for the copy (required)")
	fl.StringVar(&f.Lifecycle, "lifecycle", "", "lifecycle of the copies: MoveToColdStorageAfterDays=N,DeleteAfterDays=N, or the same as JSON, or file://<path>")
	fl.StringVar(&f.Region, "region", "", "source Region (default: AWS_REGION, AWS_DEFAULT_REGION, or the profile's region)")
	fl.BoolVar(&f.Coalesce, "coalesce", false, "let a chain with a backlog copy only the newest recovery point")
	fl.DurationVar(&f.CompletionWindow, "completion-window", 0, "end a copy job that has not finished in this time (default: the workflow's)")
	fl.Float64Var(&f.TimeScale, "time-scale", timeScaleDefault,
		"for the emulator only: its clock runs this many times faster than wall time (env REGIONCOPY_TIME_SCALE)")
	AddRulesFlag(fl, app.Env.Getenv, &rulesFile)
	fl.BoolVar(&wait, "wait", false, "follow the copy until every destination has a result")
	fl.StringVar(&taskQueue, "task-queue", envOr(app.Env.Getenv, "REGIONCOPY_TASK_QUEUE", model.DefaultTaskQueue), "task queue of the regioncopy worker (env REGIONCOPY_TASK_QUEUE)")
	return cmd
}

// startedCopy is what `copy` prints once the workflow is running.
type startedCopy struct {
	WorkflowId string
	RunId      string
	UIURL      string
	// Existing is true when an earlier, completed run of the same request was found: the
	// copy is not started again.
	Existing bool `json:",omitempty"`
	Request  model.CopyRequest
}

// startCopy starts the request's workflow or joins the one already running for it. The
// ID conflict policy USE_EXISTING makes a repeated request follow the running workflow;
// the reuse policy ALLOW_DUPLICATE_FAILED_ONLY makes a request that already completed
// report that run instead of copying again, while a failed one may be retried.
func startCopy(ctx context.Context, c client.Client, req model.CopyRequest, taskQueue string) (startedCopy, error) {
	id := workflows.RequestWorkflowID(req)
	opts := client.StartWorkflowOptions{
		ID:                       id,
		TaskQueue:                taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		// Report a completed earlier run as such (Existing) rather than as a new start.
		WorkflowExecutionErrorWhenAlreadyStarted: true,
		StaticSummary:                            copySummary(req),
		StaticDetails:                            copyDetails(req),
		TypedSearchAttributes:                    copySearchAttributes(req),
		Memo:                                     copyMemo(req),
	}
	run, err := c.ExecuteWorkflow(ctx, opts, model.WorkflowCopyRecoveryPoint, req)
	var already *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &already) {
		return startedCopy{WorkflowId: id, RunId: already.RunId, Existing: true, Request: req}, nil
	}
	if err != nil {
		return startedCopy{}, fmt.Errorf("start workflow %s: %w", id, err)
	}
	return startedCopy{WorkflowId: run.GetID(), RunId: run.GetRunID(), Request: req}, nil
}

// copySummary is the StaticSummary shown on the workflow's page: one sentence.
func copySummary(req model.CopyRequest) string {
	dests := make([]string, 0, len(req.Destinations))
	for _, d := range req.Destinations {
		dests = append(dests, fmt.Sprintf("%s (vault %s)", model.RegionFromArn(d.BackupVaultArn), model.VaultNameFromArn(d.BackupVaultArn)))
	}
	return fmt.Sprintf("Copy recovery point %s from %s vault %s to %s", shortArn(req.RecoveryPointArn), req.SourceRegion, req.SourceBackupVaultName, strings.Join(dests, " and "))
}

// copyDetails is the StaticDetails (markdown) listing the request in full.
func copyDetails(req model.CopyRequest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**Recovery point:** `%s`  \n**Source:** %s, vault `%s`  \n**IAM role:** `%s`\n\n**Destinations:**\n",
		req.RecoveryPointArn, req.SourceRegion, req.SourceBackupVaultName, req.IamRoleArn)
	for _, d := range req.Destinations {
		fmt.Fprintf(&b, "- `%s`", d.BackupVaultArn)
		if !d.Lifecycle.IsZero() {
			fmt.Fprintf(&b, " (lifecycle: %s)", formatLifecycle(d.Lifecycle))
		}
		b.WriteString("\n")
	}
	if req.Coalesce {
		b.WriteString("\nBacklogs are coalesced to the newest recovery point.\n")
	}
	return b.String()
}

// copySearchAttributes sets what is known before the workflow runs, so the request is
// findable at once; the workflow adds the resource and keeps CopyState current.
func copySearchAttributes(req model.CopyRequest) temporal.SearchAttributes {
	updates := []temporal.SearchAttributeUpdate{
		model.SourceRegionKey.ValueSet(req.SourceRegion),
		model.CopyStateKey.ValueSet(model.RequestValidating),
	}
	regions, accounts := map[string]bool{}, map[string]bool{}
	for _, d := range req.Destinations {
		regions[model.RegionFromArn(d.BackupVaultArn)] = true
		accounts[model.AccountFromArn(d.BackupVaultArn)] = true
	}
	// DestinationRegion and DestinationAccount are single keywords: set each only when
	// it is unambiguous.
	if len(regions) == 1 {
		updates = append(updates, model.DestinationRegionKey.ValueSet(model.RegionFromArn(req.Destinations[0].BackupVaultArn)))
	}
	if len(accounts) == 1 {
		updates = append(updates, model.DestinationAccountKey.ValueSet(model.AccountFromArn(req.Destinations[0].BackupVaultArn)))
	}
	if len(req.Destinations) == 1 {
		updates = append(updates, model.DestinationVaultKey.ValueSet(model.VaultNameFromArn(req.Destinations[0].BackupVaultArn)))
	}
	if req.Plan != "" {
		updates = append(updates, model.PlanKey.ValueSet(req.Plan))
	}
	return temporal.NewSearchAttributes(updates...)
}

// memoDestinations is the memo field holding a request's destinations as
// "<Region>/<vault name>": the DestinationRegion search attribute is a single keyword,
// set only when it is unambiguous, so `list` reads every destination from the memo.
const memoDestinations = "Destinations"

// copyMemo is the request's memo, returned with every listed execution.
func copyMemo(req model.CopyRequest) map[string]any {
	return map[string]any{memoDestinations: destinationLabels(req)}
}

// destinationLabels names each destination as "<Region>/<vault name>".
func destinationLabels(req model.CopyRequest) []string {
	out := make([]string, 0, len(req.Destinations))
	for _, d := range req.Destinations {
		out = append(out, model.RegionFromArn(d.BackupVaultArn)+"/"+model.VaultNameFromArn(d.BackupVaultArn))
	}
	return out
}

func printStarted(app *App, s startedCopy) {
	w := app.Env.Stdout
	if s.Existing {
		fmt.Fprintf(w, "This copy was already requested and has completed: workflow %s\n", s.WorkflowId)
	} else {
		fmt.Fprintf(w, "Copy requested: workflow %s\n", s.WorkflowId)
	}
	fmt.Fprintf(w, "  run:     %s\n", s.RunId)
	fmt.Fprintf(w, "  summary: %s\n", copySummary(s.Request))
	fmt.Fprintf(w, "  UI:      %s\n", s.UIURL)
	fmt.Fprintf(w, "  follow:  %s\n", app.Rerun("status", quoteArg(s.WorkflowId)))
}

// shortArn keeps the identifying tail of an ARN for one-line summaries.
func shortArn(arn string) string {
	if i := strings.LastIndexAny(arn, "/:"); i >= 0 && i < len(arn)-1 {
		return arn[i+1:]
	}
	return arn
}

func formatLifecycle(l model.Lifecycle) string {
	var parts []string
	if l.MoveToColdStorageAfterDays > 0 {
		parts = append(parts, fmt.Sprintf("cold after %d days", l.MoveToColdStorageAfterDays))
	}
	if l.DeleteAfterDays > 0 {
		parts = append(parts, fmt.Sprintf("delete after %d days", l.DeleteAfterDays))
	}
	if len(parts) == 0 {
		return "keep"
	}
	return strings.Join(parts, ", ")
}

// quoteArg quotes a shell argument when it holds characters a shell would interpret.
func quoteArg(s string) string {
	if strings.ContainsAny(s, " '\"$`\\*?!&;|<>()") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

func envOr(getenv func(string) string, name, def string) string {
	if v := getenv(name); v != "" {
		return v
	}
	return def
}

// envFloat reads a number from the environment for a flag default; a malformed value is
// returned as an error naming the variable, reported if the flag is not given.
func envFloat(getenv func(string) string, name string, def float64) (float64, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return def, fmt.Errorf("%s=%q: must be a number (the emulator's time scale)", name, v)
	}
	return f, nil
}

// pollTimeout bounds one status query while following a copy.
const pollTimeout = 10 * time.Second
