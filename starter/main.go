// Command regioncopy is the command-line interface of regioncopy: it starts and follows
// cross-Region copies of AWS Backup recovery points, lists copy chains, registers search
// attributes and runs a local development stack. The commands live in package cli so that
// tests can run them in-process; package program wires them into a process. The same
// program is ./starter/cmd/regioncopy, the path go install names regioncopy.
package main

import "github.com/regioncopy/regioncopy/starter/program"

func main() { program.Main() }
