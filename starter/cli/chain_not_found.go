package cli

import "github.com/regioncopy/regioncopy/model"

// chainNotFound is the failure for a chain id that names no workflow. An id of another
// form than model.ChainWorkflowID's is told the form; a well-formed one is told which
// chain it names, and how to list the resource's chains that do exist (from another
// Region, into another vault).
func chainNotFound(app *App, id string) error {
	ns, prog := app.connection().Namespace, app.Program()
	c, ok := model.ParseChainWorkflowID(id)
	if !ok {
		return failuref("no workflow with id %q in namespace %s: a chain's id reads %s; '%s list --type chain' lists the chains",
			id, ns, model.ChainWorkflowIDForm, prog)
	}
	list := prog + " list --type chain"
	if !c.ResourceShortened() {
		list += " --resource-arn " + c.Resource
	}
	return failuref("no workflow with id %q in namespace %s: no chain has copied %s from %s into vault %s of account %s in %s; '%s' lists the chains there are",
		id, ns, c.Resource, c.SourceRegion, c.VaultName, c.DestinationAccount, c.DestinationRegion, list)
}
