// Command regioncopy is the command-line interface of regioncopy: it starts and follows
// cross-Region copies of AWS Backup recovery points, lists copy chains, registers search
// attributes and runs a local development stack. The commands live in package cli so that
// tests can run them in-process; this file only maps their outcome to an exit code.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/regioncopy/regioncopy/starter/cli"
	_ "github.com/regioncopy/regioncopy/starter/plancmd"
)

func main() {
	// Ctrl-C cancels the context: `copy --wait` stops following (the copy goes on in
	// Temporal) and `dev` shuts its stack down cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.DefaultEnv())
	stop()
	os.Exit(code)
}
