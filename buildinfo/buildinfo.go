// Package buildinfo says which build of regioncopy is running: the version and commit
// stamped at link time, or what the Go toolchain recorded when nothing was stamped.
//
// make build and the Dockerfile stamp both variables:
//
//	go build -ldflags "-X github.com/regioncopy/regioncopy/buildinfo.version=v0.1.0 -X github.com/regioncopy/regioncopy/buildinfo.commit=<sha>" ...
//
// A binary built with `go install github.com/regioncopy/regioncopy/...@v0.1.0` carries
// the module version instead, and one built by `go build` in a clone the VCS revision.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set with -ldflags -X; empty when the build did not stamp them.
var (
	version string
	commit  string
)

// unknown stands for a value the build recorded nowhere.
const unknown = "unknown"

// Info is what a binary prints for --version.
type Info struct {
	// Version is the release (git describe --tags: v0.1.0, v0.1.0-3-gabc1234-dirty), the
	// module version, or "devel" for a build that recorded none.
	Version string
	// Commit is the full VCS revision, with "-dirty" when the tree had local changes,
	// or "unknown".
	Commit string
	// GoVersion is the Go toolchain that built the binary.
	GoVersion string
}

// Get is this binary's build information.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return resolve(version, commit, bi)
}

// resolve prefers the stamped values and fills what is missing from the toolchain's
// record of the build (nil when the binary has none).
func resolve(stampedVersion, stampedCommit string, bi *debug.BuildInfo) Info {
	info := Info{Version: stampedVersion, Commit: stampedCommit, GoVersion: runtime.Version()}
	if bi == nil {
		return withDefaults(info)
	}
	if bi.GoVersion != "" {
		info.GoVersion = bi.GoVersion
	}
	if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		info.Version = bi.Main.Version
	}
	if info.Commit == "" {
		var revision, modified string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value
			}
		}
		if revision != "" {
			info.Commit = revision
			if modified == "true" {
				info.Commit += "-dirty"
			}
		}
	}
	return withDefaults(info)
}

func withDefaults(info Info) Info {
	if info.Version == "" {
		info.Version = "devel"
	}
	if info.Commit == "" {
		info.Commit = unknown
	}
	return info
}

// Line is the --version line: "<program> <version> (commit <commit>, <go version>)".
func (i Info) Line(program string) string {
	return fmt.Sprintf("%s %s (commit %s, %s)", program, i.Version, i.Commit, i.GoVersion)
}
