package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/regioncopy/regioncopy/buildinfo"
)

// versionLine is what `regioncopy version` and `regioncopy --version` print.
func versionLine() string { return buildinfo.Get().Line("regioncopy") }

func newVersionCommand(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print regioncopy's version, commit and Go version",
		Long: `Print the version (git describe --tags of the source it was built from, or the
module version for go install ...@version), the commit and the Go version of this build.
It needs no Temporal connection.`,
		Args: ArgsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			if app.JSON() {
				return printJSON(app.Env.Stdout, buildinfo.Get())
			}
			_, err := fmt.Fprintln(app.Env.Stdout, versionLine())
			return err
		},
	}
}
