// Package cli implements the regioncopy command line. Each command parses and validates
// its flags, then hands the work to Temporal (workflows started by name from package
// model) or to package devstack; no copy logic lives here.
//
// The command tree is built with cobra: it is what most Go CLIs (kubectl, gh, the
// Temporal CLI itself) use, so `--help` on every command, flag errors and shell
// completion behave as users expect, and pflag gives the GNU flag syntax and repeatable
// flags (--destination-backup-vault-arn twice) that the standard flag package lacks.
package cli

import (
	"context"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"
	"go.temporal.io/sdk/client"
)

// Env is what a command may touch outside its arguments. Tests supply their own writers,
// environment and Temporal dialer; DefaultEnv uses the process's.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable (AWS_REGION, TEMPORAL_ADDRESS, ...).
	Getenv func(string) string
	// Dial connects to Temporal. Nil means temporalclient.Dial with the app's
	// --address, --namespace and --profile over the standard configuration.
	Dial func(ctx context.Context, app *App) (client.Client, error)
	// AWSConfig loads the AWS configuration of commands that read AWS (report). Nil
	// means activities.LoadAWSConfig: the environment, profiles and endpoints.
	AWSConfig func(ctx context.Context) (aws.Config, error)
	// Program is how the user started this program (bin/regioncopy, go run ./starter),
	// the start of every command the CLI prints for them to run next. Empty means
	// derived from the process's argv[0].
	Program string
}

// DefaultEnv is the environment of the running process.
func DefaultEnv() *Env {
	return &Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// App is the state shared by the commands of one invocation.
type App struct {
	Env *Env
	// Output is the --output format, "text" or "json".
	Output string
	// Address, Namespace and Profile override the standard Temporal configuration.
	Address, Namespace, Profile string
}

// CommandBuilder builds a subcommand of the root command. Packages that add commands
// (for example `regioncopy plan ...`) register one with RegisterCommand from an init
// function and are imported by package main.
type CommandBuilder func(app *App) *cobra.Command

var (
	extraMu       sync.Mutex
	extraCommands []CommandBuilder
)

// RegisterCommand adds a subcommand to every root command built afterwards. Errors its
// RunE returns are classified like those of the built-in commands (see ExitCode); use
// UsageError for invalid input so that scripts see exit code 2.
func RegisterCommand(b CommandBuilder) {
	extraMu.Lock()
	defer extraMu.Unlock()
	extraCommands = append(extraCommands, b)
}

// Run executes one command line and returns its exit code. Errors are printed to
// env.Stderr as "regioncopy: <message>".
func Run(ctx context.Context, args []string, env *Env) int {
	app := &App{Env: env}
	root := NewRootCommand(app)
	root.SetArgs(args)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.ExecuteContext(ctx)
	if err != nil {
		printError(env.Stderr, err)
	}
	return ExitCode(err)
}

// NewRootCommand builds the whole command tree for app.
func NewRootCommand(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "regioncopy",
		Short: "Durable, provable cross-Region copies of AWS Backup recovery points",
		Long: `regioncopy copies AWS Backup recovery points across Regions as Temporal workflows:
the first copy of a resource into a destination vault is full and every later one
incremental, copy jobs are followed to their end, and every copy's expiry is a durable
timer.

Temporal is reached with the standard client configuration: TEMPORAL_ADDRESS,
TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS_* and profiles in temporal.toml
(TEMPORAL_PROFILE), as for the Temporal CLI.

Exit codes:
  0  success
  1  the operation failed (a copy failed, 'copy --wait' saw the request canceled, a
     workflow was not found, ...)
  2  usage or validation error naming the flag and the rule; nothing was started
     ('copy --wait' also exits 2 when the workflow rejects the request before any
     copy job: missing vault, resource type that cannot be copied)
  3  Temporal could not be reached
  4  'report': some resource is in BREACH of its RPO, or UNKNOWN (a destination
     vault could not be read); the report is printed`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Annotations:   map[string]string{annotationProgram: app.Program()},
		// --version prints the same line as the version command.
		Version: versionLine(),
		// Without this, an unknown subcommand would print help and exit 0.
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() },
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			return validateOutput(app.Output)
		},
	}
	pf := root.PersistentFlags()
	pf.StringVarP(&app.Output, "output", "o", outputText, "output format: text or json")
	pf.StringVar(&app.Address, "address", "", "Temporal frontend host:port (default: TEMPORAL_ADDRESS, the profile, or localhost:7233)")
	pf.StringVarP(&app.Namespace, "namespace", "n", "", "Temporal namespace (default: TEMPORAL_NAMESPACE, the profile, or default)")
	pf.StringVar(&app.Profile, "profile", "", "temporal.toml profile (default: TEMPORAL_PROFILE or default)")
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageErrorf("%v (see '%s --help')", err, commandLine(cmd))
	})

	root.AddCommand(
		newCopyCommand(app),
		newStatusCommand(app),
		newListCommand(app),
		newCopiesCommand(app),
		newSetupCommand(app),
		newDevCommand(app),
		newStackCommand(app),
		newVersionCommand(app),
		newReportCommand(app),
	)
	extraMu.Lock()
	for _, b := range extraCommands {
		root.AddCommand(b(app))
	}
	extraMu.Unlock()
	classifyCommandErrors(root)
	return root
}

// annotationProgram is the root command's annotation holding App.Program, for printed
// commands built where only the cobra command is at hand.
const annotationProgram = "regioncopy/program"

// commandLine is cmd's command path as the user starts it: App.Program in place of the
// root command's name (bin/regioncopy copy, go run ./starter plan list).
func commandLine(cmd *cobra.Command) string {
	root := cmd.Root()
	if prog := root.Annotations[annotationProgram]; prog != "" {
		return prog + strings.TrimPrefix(cmd.CommandPath(), root.Name())
	}
	return cmd.CommandPath()
}

// classifyCommandErrors wraps every RunE in the tree so that errors from inside a command
// carry an exit code; only cobra's own parsing errors stay unclassified (usage).
func classifyCommandErrors(cmd *cobra.Command) {
	if run := cmd.RunE; run != nil {
		cmd.RunE = func(c *cobra.Command, args []string) error {
			return classifyRunError(run(c, args))
		}
	}
	if pre := cmd.PersistentPreRunE; pre != nil {
		cmd.PersistentPreRunE = func(c *cobra.Command, args []string) error {
			return classifyRunError(pre(c, args))
		}
	}
	for _, sub := range cmd.Commands() {
		classifyCommandErrors(sub)
	}
}

// UsageError marks err as a usage error (exit code 2), for commands registered from
// other packages.
func UsageError(err error) error { return usageError(err) }

// Dial connects to Temporal as every command does (--address, --namespace, --profile over
// the standard configuration); its error already carries ExitUnavailable.
func (a *App) Dial(ctx context.Context) (client.Client, error) { return a.dial(ctx) }

// ResolvedNamespace is the namespace commands use.
func (a *App) ResolvedNamespace() string { return a.connection().Namespace }

// WorkflowURL links to a workflow run in the Temporal UI.
func (a *App) WorkflowURL(workflowID, runID string) string { return a.workflowURL(workflowID, runID) }

// Program is how the user started this program, the start of every command the CLI
// prints for them to run next ("bin/regioncopy", "go run ./starter", ...).
func (a *App) Program() string {
	if a.Env != nil && a.Env.Program != "" {
		return a.Env.Program
	}
	return programName()
}

// Rerun is a command the user can paste to go on: App.Program, words (already quoted
// for the shell), and the connection flags this invocation was given, so the next
// command reaches the same Temporal (bin/regioncopy status <id> --address 127.0.0.1:7299).
func (a *App) Rerun(words ...string) string {
	parts := append([]string{a.Program()}, words...)
	for _, f := range []struct{ name, value string }{{"--address", a.Address}, {"--namespace", a.Namespace}, {"--profile", a.Profile}} {
		if f.value != "" {
			parts = append(parts, f.name, quoteArg(f.value))
		}
	}
	return strings.Join(parts, " ")
}

// PrintJSON writes v to stdout as the --output json document.
func (a *App) PrintJSON(v any) error { return printJSON(a.Env.Stdout, v) }

// ArgsUsage makes cobra's positional-argument checks usage errors (exit 2), for
// commands registered from other packages too.
func ArgsUsage(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageErrorf("%v (see '%s --help')", err, commandLine(cmd))
		}
		return nil
	}
}
