// Package program is the regioncopy program as a process: the CLI with every command
// package registered, Ctrl-C handling and the exit code. Both package main of the CLI
// (./starter/cmd/regioncopy, which go install names regioncopy, and ./starter) call
// Main, so they are the same program.
package program

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/regioncopy/regioncopy/starter/cli"
	_ "github.com/regioncopy/regioncopy/starter/plancmd"
)

// Main runs the command line of the process and exits with its code.
func Main() {
	// Ctrl-C cancels the context: `copy --wait` stops following (the copy goes on in
	// Temporal) and `dev` shuts its stack down cleanly.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], cli.DefaultEnv())
	stop()
	os.Exit(code)
}
