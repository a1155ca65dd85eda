// Command regioncopy is the command-line interface of regioncopy (see package cli). It is
// the same program as ./starter, at a path whose last element gives the binary its
// name: go install github.com/regioncopy/regioncopy/starter/cmd/regioncopy@latest
// installs regioncopy.
package main

import "github.com/regioncopy/regioncopy/starter/program"

func main() { program.Main() }
