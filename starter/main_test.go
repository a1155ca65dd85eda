package main

import (
	"testing"

	"github.com/regioncopy/regioncopy/starter/cli"
)

// The binary carries every command, including those registered by command packages.
func TestBinaryHasEveryCommand(t *testing.T) {
	root := cli.NewRootCommand(&cli.App{Env: cli.DefaultEnv()})
	for _, name := range []string{"copy", "status", "list", "copies", "setup", "dev", "plan"} {
		if cmd, _, err := root.Find([]string{name}); err != nil || cmd.Name() != name {
			t.Errorf("regioncopy %s: not found (%v)", name, err)
		}
	}
}
