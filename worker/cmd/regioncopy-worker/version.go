package main

import (
	"runtime/debug"
)

// version names the build: the module version `go install ...@vX.Y.Z` records (or
// "(devel)" for a build from a checkout), the commit and whether the tree had
// uncommitted changes, and the Go version, so an operator can tell which code a running
// worker has.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var revision, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if revision != "" {
		if len(revision) > 12 {
			revision = revision[:12]
		}
		if modified == "true" {
			revision += "+modified"
		}
		v += " " + revision
	}
	return v + " " + info.GoVersion
}
