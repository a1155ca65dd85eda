package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/regioncopy/regioncopy/devstack"
)

// devInfo is `dev --output json`'s document, printed once the stack is ready.
type devInfo struct {
	TemporalAddress string
	UIURL           string
	EmulatorURL     string
	DataDir         string
	TimeScale       float64
	Sample          devstack.Sample
	SamplePlan      devstack.SamplePlan
	CopyCommand     []string
	WorkerEnv       []string
}

func newDevCommand(app *App) *cobra.Command {
	var (
		o      devstack.Options
		port   int
		uiPort int
		fresh  bool
		rules  string
	)
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Run the whole system locally: Temporal dev server, AWS Backup emulator, worker, sample data",
		Long: `Run regioncopy on this machine with nothing to configure: the Temporal dev server
(the pinned Temporal CLI: REGIONCOPY_TEMPORAL_BIN, or bin/temporal built from
tools/go.mod), the AWS Backup emulator, the regioncopy worker pointed at the emulator,
and a sample: vaults named regioncopy-sample in us-east-1, eu-west-1 and us-west-2, an
EBS volume in us-east-1 with a completed backup, and the plan regioncopy-sample, whose
Temporal Schedule backs the volume up at the top of every hour and copies each backup to
both Regions. It prints the Temporal UI's address, a 'regioncopy copy' command that
copies the sample to both Regions and the commands that trigger or pause the plan, then
runs until Ctrl-C, when it stops everything.

State (Temporal's database and the emulator's) is kept in --data-dir, so a restart
keeps every workflow and recovery point; --fresh starts from nothing.

With --rules (or REGIONCOPY_RULES) the emulator enforces that rules document's
cross-Region, cold-storage and lifecycle rules instead of the built-in ones, as AWS does
once it relaxes them; the printed copy command passes the same file.`,
		Args: ArgsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.TimeScale < 1 {
				return usageErrorf("--time-scale: must be at least 1, got %g", o.TimeScale)
			}
			loaded, err := LoadRules(rules)
			if err != nil {
				return err
			}
			if loaded != nil {
				o.Emulator.FollowRules(loaded)
			}
			if fresh && o.DataDir != "" {
				if err := os.RemoveAll(o.DataDir); err != nil {
					return err
				}
			}
			o.Temporal.Port, o.Temporal.UIPort = port, uiPort
			logger := zap.NewNop()
			if devstack.TemporalBinaryNeedsBuild() {
				fmt.Fprintln(app.Env.Stderr, "Building the pinned Temporal CLI into bin/temporal (first run only; a minute or more)...")
			}
			if !app.JSON() {
				fmt.Fprintln(app.Env.Stderr, "Starting the Temporal dev server, the AWS Backup emulator and the worker...")
			}
			o.Logger = logger
			ctx := cmd.Context()
			st, err := devstack.Start(ctx, o)
			if err != nil {
				return err
			}
			info := devInfo{
				TemporalAddress: st.Temporal.Address,
				UIURL:           st.Temporal.UIURL,
				EmulatorURL:     st.Emulator.URL,
				DataDir:         o.DataDir,
				TimeScale:       st.TimeScale,
				Sample:          st.Sample,
				SamplePlan:      st.SamplePlan,
				CopyCommand:     append([]string{app.Program()}, copyArgs(st, rules)...),
				WorkerEnv:       st.WorkerEnv(),
			}
			if app.JSON() {
				err = printJSON(app.Env.Stdout, info)
			} else {
				printDevInfo(app, st, info, rules)
			}
			if err == nil {
				<-ctx.Done()
			}
			if !app.JSON() {
				fmt.Fprintln(app.Env.Stderr, "\nStopping...")
			}
			if stopErr := st.Stop(); stopErr != nil {
				return stopErr
			}
			return err
		},
	}
	defaultDir := ".regioncopy-dev"
	if d, err := os.UserCacheDir(); err == nil {
		defaultDir = filepath.Join(d, "regioncopy", "dev")
	}
	fl := cmd.Flags()
	fl.StringVar(&o.DataDir, "data-dir", defaultDir, "where Temporal's and the emulator's state are kept")
	fl.BoolVar(&fresh, "fresh", false, "delete --data-dir first")
	fl.IntVar(&port, "port", 7233, "Temporal frontend port")
	fl.IntVar(&uiPort, "ui-port", 8233, "Temporal UI port")
	fl.StringVar(&o.EmulatorListen, "emulator-listen", "127.0.0.1:4566", "the emulator's address")
	fl.Float64Var(&o.TimeScale, "time-scale", 1, "emulator clock speed: 60 makes an emulated hour pass in a minute")
	AddRulesFlag(fl, app.Env.Getenv, &rules)
	return cmd
}

// copyArgs is the sample's copy command, with the rules file the stack follows.
func copyArgs(st *devstack.Stack, rules string) []string {
	args := st.CopyArgs()
	if rules != "" {
		args = append(args, "--rules", rules)
	}
	return args
}

func printDevInfo(app *App, st *devstack.Stack, info devInfo, rules string) {
	w := app.Env.Stdout
	prog, addr := app.Program(), info.TemporalAddress
	fmt.Fprintf(w, `
regioncopy is running.

  Temporal UI:       %s
  Temporal address:  %s
  AWS Backup emulator: %s (clock speed %gx)
  State:             %s

Sample: EBS volume %s
  backed up in %s vault %s: %s

Copy it to %s and %s, following progress:

%s --wait

Then look at the chains:

  %s list --address %s
  %s status <workflow id> --address %s
`, info.UIURL, addr, info.EmulatorURL, info.TimeScale, orDash(info.DataDir),
		info.Sample.VolumeArn, info.Sample.SourceRegion, info.Sample.VaultName, info.Sample.RecoveryPointArns[len(info.Sample.RecoveryPointArns)-1],
		info.Sample.DestinationRegions[0], info.Sample.DestinationRegions[1],
		devstack.ShellCommand(prog, copyArgs(st, rules)),
		prog, addr, prog, addr)
	if p := info.SamplePlan; p.Name != "" {
		fmt.Fprintf(w, `
Plan %s is applied: schedule %s backs the volume up at the top of every
hour (UTC) and copies each backup to both Regions (Schedules page of the UI). Run it now,
see it, or stop it:

  %s plan trigger %s --address %s
  %s plan describe %s --address %s
  %s plan pause %s --address %s
`, p.Name, strings.Join(p.ScheduleIDs, ", "),
			prog, p.Name, addr, prog, p.Name, addr, prog, p.Name, addr)
	}
	if rules != "" {
		fmt.Fprintf(w, `
The emulator follows the rules in %s; give regioncopy the same file
(--rules %s, or export %s=%s) so its checks agree.
`, rules, rules, rulesEnv, rules)
	}
	fmt.Fprintf(w, `
Point the AWS CLI at the emulator to see the copies:

  AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s aws backup list-recovery-points-by-backup-vault \
    --endpoint-url %s --region eu-west-1 --backup-vault-name %s

and regioncopy report, which reads AWS itself, the same way:

  AWS_ENDPOINT_URL=%s AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s %s report --address %s

Press Ctrl-C to stop everything.
`, devstack.AccessKeyID, devstack.SecretAccessKey, info.EmulatorURL, info.Sample.VaultName,
		info.EmulatorURL, devstack.AccessKeyID, devstack.SecretAccessKey, prog, addr)
}

// programName is how the user can run this program again from the same shell.
func programName() string { return programNameFor(os.Args[0]) }

// programNameFor maps the program's argv[0] to a command to paste: the path as typed for
// a built binary (bin/regioncopy, as `make dev` runs it and the README writes it; a bare
// name was found on PATH), "go run ./starter" for go run's temporary binary, and
// "regioncopy" for a test binary.
func programNameFor(arg0 string) string {
	switch {
	case strings.HasSuffix(filepath.Base(arg0), ".test"), arg0 == "":
		// go test builds its binary in go-build too.
		return "regioncopy"
	case strings.Contains(filepath.ToSlash(arg0), "/go-build"):
		return "go run ./starter"
	}
	return arg0
}
