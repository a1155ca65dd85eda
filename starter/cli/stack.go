package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/regioncopy/regioncopy/prodstack"
)

// stackInfo is `stack --output json`'s document, printed once the stack is ready.
type stackInfo struct {
	devInfo
	PostgresPort int
	Workers      []stackWorker
	LogDir       string
}

type stackWorker struct {
	Name       string
	Pid        int
	MetricsURL string
	Log        string
}

func newStackCommand(app *App) *cobra.Command {
	var (
		o     prodstack.Options
		fresh bool
	)
	cmd := &cobra.Command{
		Use:   "stack",
		Short: "Run the production topology locally: PostgreSQL, Temporal server and UI, emulator, two workers",
		Long: `Run on this machine, without containers, the topology an operator runs: PostgreSQL 15
(the Debian postgresql package, a cluster of its own in --state-dir, on a free loopback
port; as root it runs as the postgres user, or nobody), the Temporal server and
temporal-sql-tool built from tools/go.mod (the postgres12 schema applied, the default
namespace registered, regioncopy's search attributes added as 'regioncopy setup' does),
the Temporal UI, the AWS Backup emulator with the sample of 'regioncopy dev', and
--workers regioncopy-worker processes on one task queue. It must run from the regioncopy
checkout: it builds what is missing into bin/ (make stack builds it first).

It prints the addresses, each process's log and the same copy and plan commands as
'regioncopy dev', then runs until Ctrl-C, when it stops the workers, the UI, the
emulator, the server and PostgreSQL, in that order. State is kept in --state-dir;
--fresh starts from nothing.`,
		Args: ArgsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.TimeScale < 1 {
				return usageErrorf("--time-scale: must be at least 1, got %g", o.TimeScale)
			}
			if o.Workers < 1 {
				return usageErrorf("--workers: must be at least 1, got %d", o.Workers)
			}
			if fresh {
				if err := os.RemoveAll(o.StateDir); err != nil {
					return err
				}
			}
			o.Progress = func(s string) {
				if !app.JSON() {
					fmt.Fprintln(app.Env.Stderr, s)
				}
			}
			ctx := cmd.Context()
			st, err := prodstack.Start(ctx, o)
			if err != nil {
				return err
			}
			info := stackInfo{
				devInfo: devInfo{
					TemporalAddress: st.Server.Address,
					EmulatorURL:     st.Dev.Emulator.URL,
					DataDir:         o.StateDir,
					TimeScale:       st.Dev.TimeScale,
					Sample:          st.Dev.Sample,
					SamplePlan:      st.Dev.SamplePlan,
					CopyCommand:     append([]string{app.Program()}, copyArgs(st.Dev, "")...),
					WorkerEnv:       st.Dev.WorkerEnv(),
				},
				PostgresPort: st.Postgres.Port,
				LogDir:       st.LogDir,
			}
			if st.UI != nil {
				info.UIURL = st.UI.URL
			}
			for _, w := range st.Workers {
				info.Workers = append(info.Workers, stackWorker{Name: w.Name, Pid: w.Pid(), MetricsURL: w.MetricsURL, Log: w.LogPath()})
			}
			if app.JSON() {
				err = printJSON(app.Env.Stdout, info)
			} else {
				fmt.Fprintln(app.Env.Stdout, "\nThe production topology is running:")
				for _, l := range st.Describe() {
					fmt.Fprintln(app.Env.Stdout, "  "+l)
				}
				printDevInfo(app, st.Dev, info.devInfo, "")
			}
			if err == nil {
				<-ctx.Done()
			}
			if !app.JSON() {
				fmt.Fprintln(app.Env.Stderr, "\nStopping the workers, the UI, the emulator, the Temporal server and PostgreSQL...")
			}
			if stopErr := st.Stop(); stopErr != nil {
				return stopErr
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.StateDir, "state-dir", prodstack.DefaultStateDir(), "where the PostgreSQL cluster, the emulator's state, generated configuration and logs are kept")
	fl.BoolVar(&fresh, "fresh", false, "delete --state-dir first")
	fl.IntVar(&o.Port, "port", 7233, "Temporal frontend port")
	fl.IntVar(&o.UIPort, "ui-port", 8233, "Temporal UI port")
	fl.BoolVar(&o.NoUI, "no-ui", false, "do not start the Temporal UI")
	fl.IntVar(&o.Workers, "workers", 2, "regioncopy-worker processes on the task queue")
	fl.StringVar(&o.EmulatorListen, "emulator-listen", "127.0.0.1:4566", "the emulator's address")
	fl.Float64Var(&o.TimeScale, "time-scale", 1, "emulator clock speed: 60 makes an emulated hour pass in a minute")
	return cmd
}
