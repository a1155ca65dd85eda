package main

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Options size a chaos run. The zero value is not valid; DefaultOptions is the go test run.
type Options struct {
	// Seed drives every random choice of the run: kill moments, pauses before restarts,
	// the order of deliberate kills, the pauses between backups and the emulator's fault
	// draws. It is printed first, so a failed run can be repeated.
	Seed int64
	// Resources is the number of EBS volumes; each is copied to both destination Regions.
	Resources int
	// Points is the number of successive recovery points taken of each volume.
	Points int
	// ShortLifecycle is the number of volumes whose copies live one (emulated) day, so
	// that expiry deletions and the newest-copy guard happen while the worker is killed.
	ShortLifecycle int
	// LateShort lets the short-lifecycle volumes take points during the kills too. A
	// killed activity is retried after its one-minute StartToClose timeout, which at
	// 3600× is 2.5 emulated days: longer than the one-day lifecycle, so such copies can
	// land already expired. Off by default: the short-lifecycle points are taken before
	// the first kill.
	LateShort bool
	// RandomKills is the number of SIGKILLs at random moments; four deliberate kills
	// (StartCopyJob in flight, StartCopyJob just answered, a poll, a delete) come on top.
	RandomKills int
	// Soak, when set, keeps killing at random, after the scheduled kills, until that long
	// after the first kill, while the workload keeps taking backups and asking for copies.
	Soak time.Duration
	// TimeScale is the emulator clock's speed: 3600 makes a one-day lifecycle 24s.
	TimeScale float64
	// Faults are the AWS faults injected from the first kill until every request has finished (AWSFaults{}: none).
	Faults AWSFaults
	// Topology is what runs the workflows: TopologyDev (the embedded dev server and one
	// worker process) or TopologyStack (the production topology of package prodstack:
	// PostgreSQL, the Temporal server and Workers worker processes).
	Topology string
	// Workers is the number of worker processes on the stack topology (the dev
	// topology has one).
	Workers int
	// ServerKills and PostgresRestarts are, on the stack topology, how often the
	// Temporal server is SIGKILLed and started again, and PostgreSQL stopped (fast
	// shutdown) and started again, at seeded places among the worker kills.
	ServerKills, PostgresRestarts int
	// Log receives progress lines (kills, restarts, phases); nil discards them.
	Log io.Writer
}

// Topologies a run can use.
const (
	TopologyDev   = "dev"
	TopologyStack = "stack"
)

// DefaultOptions is the run `go test ./chaos` makes: about a minute on two cores.
func DefaultOptions() Options {
	return Options{Resources: 6, Points: 3, ShortLifecycle: 2, RandomKills: 6, TimeScale: 3600, Faults: DefaultAWSFaults(),
		Topology: TopologyDev, Workers: 3, ServerKills: 1, PostgresRestarts: 1}
}

func (o Options) validate() error {
	var errs []error
	if o.Resources < 1 || o.Resources > 50 {
		errs = append(errs, fmt.Errorf("resources %d must be between 1 and 50", o.Resources))
	}
	if o.Points < 1 || o.Points > 40 {
		errs = append(errs, fmt.Errorf("points %d must be between 1 and 40 (a chain keeps 50 finished records)", o.Points))
	}
	if o.ShortLifecycle < 0 || o.ShortLifecycle > o.Resources {
		errs = append(errs, fmt.Errorf("short-lifecycle %d must be between 0 and resources (%d)", o.ShortLifecycle, o.Resources))
	}
	if !o.LateShort && o.ShortLifecycle == o.Resources {
		errs = append(errs, fmt.Errorf("short-lifecycle %d must be less than resources (%d): without -late-short those volumes are copied before the kills, and the kills need copies to start", o.ShortLifecycle, o.Resources))
	}
	if o.RandomKills < 0 {
		errs = append(errs, fmt.Errorf("kills %d must not be negative", o.RandomKills))
	}
	if o.Soak < 0 {
		errs = append(errs, fmt.Errorf("soak %s must not be negative", o.Soak))
	}
	if o.TimeScale < 600 || o.TimeScale > 86400 {
		errs = append(errs, fmt.Errorf("time-scale %v must be between 600 and 86400 (copies of a few seconds, a day of lifecycle within the run)", o.TimeScale))
	}
	switch o.Topology {
	case TopologyDev, "":
	case TopologyStack:
		if o.Workers < 1 || o.Workers > 8 {
			errs = append(errs, fmt.Errorf("workers %d must be between 1 and 8", o.Workers))
		}
		if o.ServerKills < 0 || o.PostgresRestarts < 0 {
			errs = append(errs, fmt.Errorf("server-kills %d and postgres-restarts %d must not be negative", o.ServerKills, o.PostgresRestarts))
		}
	default:
		errs = append(errs, fmt.Errorf("topology %q must be %s or %s", o.Topology, TopologyDev, TopologyStack))
	}
	if err := o.Faults.validate(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
