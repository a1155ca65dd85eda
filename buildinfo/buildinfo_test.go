package buildinfo

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	vcs := func(revision, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: revision}, {Key: "vcs.modified", Value: modified}}
	}
	for _, tc := range []struct {
		name            string
		version, commit string
		bi              *debug.BuildInfo
		want            Info
	}{{
		name:    "stamped by make build or the Dockerfile",
		version: "v0.1.0-2-gabc1234", commit: "abc1234def",
		bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs("ffff", "true")},
		want: Info{Version: "v0.1.0-2-gabc1234", Commit: "abc1234def", GoVersion: "go1.26.8"},
	}, {
		name: "go install ...@v0.1.0",
		bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.1.0"}},
		want: Info{Version: "v0.1.0", Commit: "unknown", GoVersion: "go1.26.8"},
	}, {
		name: "go build in a clone with local changes",
		bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs("0123abcd", "true")},
		want: Info{Version: "devel", Commit: "0123abcd-dirty", GoVersion: "go1.26.8"},
	}, {
		name: "go build in a clean clone",
		bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.1.1-0.20261204101010-0123abcd"}, Settings: vcs("0123abcd", "false")},
		want: Info{Version: "v0.1.1-0.20261204101010-0123abcd", Commit: "0123abcd", GoVersion: "go1.26.8"},
	}, {
		name: "no build information",
		want: Info{Version: "devel", Commit: "unknown", GoVersion: runtime.Version()},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolve(tc.version, tc.commit, tc.bi); got != tc.want {
				t.Errorf("resolve = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestLine(t *testing.T) {
	got := Info{Version: "v0.1.0", Commit: "abc", GoVersion: "go1.26.8"}.Line("regioncopy-worker")
	if want := "regioncopy-worker v0.1.0 (commit abc, go1.26.8)"; got != want {
		t.Errorf("Line = %q, want %q", got, want)
	}
}
