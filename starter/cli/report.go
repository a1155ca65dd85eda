package cli

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/policy"
	"github.com/regioncopy/regioncopy/report"
)

// reportFlags are `report`'s flags.
type reportFlags struct {
	output, plan, resourceArn, destinationRegion, state, since, prices, records, now string
}

func newReportCommand(app *App) *cobra.Command {
	f := reportFlags{output: report.FormatTable, since: "30d", records: "suspect"}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Prove every protected resource's copies from AWS's own records: RPO state, evidence, cost",
		Long: `Report, for every resource a plan selects (its selection resolved against AWS now) and
every copy chain, and for each destination it must be copied to: the newest copy the
destination vault holds (ListRecoveryPointsByBackupVault), the copy job in flight and the
last failure (ListCopyJobs of the source Region over the period), and its RPO state:

  OK       the newest copy's source is younger than the RPO, with more than ` + pct(model.RpoAtRiskMargin) + ` of it left
  AT_RISK  within the RPO, with less than ` + pct(model.RpoAtRiskMargin) + ` of it left before the deadline
  BREACH   past the deadline (the newest copy's source creation time plus the RPO), or no copy at all
  NO_RPO   no RPO is set for this destination
  UNKNOWN  the destination vault could not be read (access denied, throttling past retries)

Each row is checked: a copy regioncopy recorded that the vault no longer holds, a copy
the vault holds that regioncopy never recorded, a copy encrypted with another key than
the vault's, a lifecycle shorter than the plan's. AWS is read once per vault and once per
source Region; regioncopy's records (the chains' copies queries, which need a worker) are
read only for the chains whose search attributes (LastCopyAt, CopyCount, NextExpiry)
disagree with their vault, or for every chain with --records all.

The transfer section sums the copy jobs completed in the period per Region pair, full
and incremental, priced from a table kept as data (--prices FILE overrides it).

Exit status: 0 when every row is OK, AT_RISK or NO_RPO; 4 when any row is BREACH or
UNKNOWN (an unreadable destination proves nothing); 2 for bad input (unknown plan,
malformed ARN, unknown Region, a destination vault that does not exist), with nothing
printed but the error.`,
		Example: `  regioncopy report
  regioncopy report --plan ledger --state BREACH
  regioncopy report --destination-region eu-west-1 --since 7d --output csv > copies.csv
  regioncopy report --output html > report.html`,
		Args: ArgsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, state, prices, err := f.parse(time.Now().UTC())
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			c, err := app.dial(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			loadAWS := activities.LoadAWSConfig
			if app.Env.AWSConfig != nil {
				loadAWS = app.Env.AWSConfig
			}
			cfg, err := loadAWS(ctx)
			if err != nil {
				return failure(err)
			}
			b := activities.NewBackup(cfg)
			defer b.Close()
			snap, read, err := report.Collect(ctx, report.AWSReader{Backup: b, Plans: activities.NewPlans(b)}, report.TemporalReader{Client: c}, opts)
			if ie, ok := errors.AsType[*report.InputError](err); ok {
				return usageError(ie)
			}
			if err != nil {
				return err
			}
			r := report.Build(snap, prices, report.Meta{Command: reportCommandLine(cmd), PriceFile: f.prices, RecordsRead: read}, state)
			if err := report.Write(app.Env.Stdout, f.output, r); err != nil {
				return err
			}
			if !r.Proven() {
				return &exitError{code: ExitNotProven, err: fmt.Errorf("not every copy is proven: %d rows BREACH, %d UNKNOWN",
					r.Summary[model.RpoBreach], r.Summary[report.StateUnknown])}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	// Shadows the root's --output, which knows only text and json.
	fl.StringVarP(&f.output, "output", "o", f.output, "output format: "+strings.Join(report.Formats, ", "))
	fl.StringVar(&f.plan, "plan", "", "only this plan's resources and chains")
	fl.StringVar(&f.resourceArn, "resource-arn", "", "only this resource")
	fl.StringVar(&f.destinationRegion, "destination-region", "", "only copies into this Region")
	fl.StringVar(&f.state, "state", "", "only rows in this state: "+strings.Join(report.States, ", "))
	fl.StringVar(&f.since, "since", f.since, "start of the period for copy jobs, failures and cost: days (30d), a duration (12h) or an RFC 3339 time")
	fl.StringVar(&f.prices, "prices", "", "transfer price table (JSON, the form of report/prices.json; default: the built-in one)")
	fl.StringVar(&f.now, "now", "", "the time RPO states are computed at, RFC 3339 (default: this machine's clock; for an AWS emulator whose clock runs fast)")
	fl.StringVar(&f.records, "records", f.records, "which chains' records to cross-check: suspect (those whose search attributes disagree with the vault) or all")
	return cmd
}

// parse checks the flags; every mistake is a usage error naming the flag.
func (f reportFlags) parse(now time.Time) (report.Options, string, report.Prices, error) {
	if f.now != "" {
		t, err := time.Parse(time.RFC3339, f.now)
		if err != nil {
			return report.Options{}, "", report.Prices{}, usageErrorf("--now: %q is not an RFC 3339 time", f.now)
		}
		now = t.UTC()
	}
	o := report.Options{Now: now, Plan: f.plan, ResourceArn: f.resourceArn, DestinationRegion: f.destinationRegion}
	if !slices.Contains(report.Formats, f.output) {
		return o, "", report.Prices{}, usageErrorf("--output: %q is not a report format (use %s)", f.output, strings.Join(report.Formats, ", "))
	}
	if f.resourceArn != "" {
		if _, err := policy.ResourceTypeFromARN(f.resourceArn, "--resource-arn"); err != nil {
			return o, "", report.Prices{}, usageError(err)
		}
	}
	if f.destinationRegion != "" {
		if err := policy.CheckRegion(f.destinationRegion, "--destination-region"); err != nil {
			return o, "", report.Prices{}, usageError(err)
		}
	}
	state := ""
	if f.state != "" {
		s, ok := report.ValidState(f.state)
		if !ok {
			return o, "", report.Prices{}, usageErrorf("--state: %q is not a report state (use %s)", f.state, strings.Join(report.States, ", "))
		}
		state = s
	}
	since, err := parseSince(f.since, now)
	if err != nil {
		return o, "", report.Prices{}, err
	}
	o.Since = since
	switch f.records {
	case "suspect":
	case "all":
		o.AllRecords = true
	default:
		return o, "", report.Prices{}, usageErrorf("--records: %q is not suspect or all", f.records)
	}
	prices := report.BuiltinPrices()
	if f.prices != "" {
		if prices, err = report.LoadPrices(f.prices); err != nil {
			return o, "", report.Prices{}, usageError(err)
		}
	}
	return o, state, prices, nil
}

// parseSince reads --since: whole days (30d), a Go duration (36h) or an RFC 3339 time.
func parseSince(s string, now time.Time) (time.Time, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			return now.AddDate(0, 0, -n), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil && t.Before(now) {
		return t.UTC(), nil
	}
	return time.Time{}, usageErrorf("--since: %q is not a number of days (30d), a positive duration (12h) or a past RFC 3339 time", s)
}

// reportCommandLine is the command that made a report, as the user could run it again.
func reportCommandLine(cmd *cobra.Command) string {
	parts := []string{commandLine(cmd)}
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		parts = append(parts, "--"+fl.Name, quoteArg(fl.Value.String()))
	})
	return strings.Join(parts, " ")
}

func pct(f float64) string { return strconv.Itoa(int(f*100)) + "%" }
