package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient"
)

// setupResult is `setup`'s document.
type setupResult struct {
	Namespace string
	// SearchAttributes maps each custom search attribute to its type.
	SearchAttributes map[string]string
}

func newSetupCommand(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "setup",
		Short: "Register regioncopy's search attributes in the Temporal namespace",
		Long: `Register the custom search attributes regioncopy's workflows set (ResourceArn,
ResourceType, SourceRegion, DestinationRegion, DestinationAccount, DestinationVault,
CopyState, Plan, LastCopyAt, NextExpiry, CopyCount), so the Temporal UI and 'regioncopy list' can filter
on them. It is idempotent: attributes that exist with the right type are left alone; one
that exists with another type is an error naming it. The dev server started by
'regioncopy dev' registers them at start. On Temporal Cloud, create them with tcld or
the web UI instead.`,
		Args: ArgsUsage(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := app.dial(ctx)
			if err != nil {
				return err
			}
			defer c.Close()
			ns := app.connection().Namespace
			if err := temporalclient.EnsureSearchAttributes(ctx, c, ns, model.SearchAttributes); err != nil {
				return err
			}
			res := setupResult{Namespace: ns, SearchAttributes: map[string]string{}}
			for _, k := range model.SearchAttributes {
				res.SearchAttributes[k.GetName()] = k.GetValueType().String()
			}
			if app.JSON() {
				return printJSON(app.Env.Stdout, res)
			}
			fmt.Fprintf(app.Env.Stdout, "Search attributes registered in namespace %s:\n", ns)
			for _, k := range model.SearchAttributes {
				fmt.Fprintf(app.Env.Stdout, "  %-18s %s\n", k.GetName(), k.GetValueType())
			}
			return nil
		},
	}
}
