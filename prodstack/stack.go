package prodstack

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"go.uber.org/zap"

	"github.com/regioncopy/regioncopy/devstack"
	"github.com/regioncopy/regioncopy/emulator"
)

// RootStateDir is the default state directory when running as root: PostgreSQL then
// runs as another user, who must be able to enter every directory above its cluster,
// which root's home does not allow.
const RootStateDir = "/var/lib/regioncopy/stack"

// DefaultStateDir is where `regioncopy stack` keeps its state unless told otherwise.
func DefaultStateDir() string {
	if os.Geteuid() == 0 {
		return RootStateDir
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "regioncopy", "stack")
	}
	return ".regioncopy-stack"
}

// Options configure a Stack.
type Options struct {
	// StateDir keeps the PostgreSQL cluster, the emulator's state, the generated
	// configuration and the logs; required.
	StateDir string
	// Binaries are the programs to run; zero means FindBinaries.
	Binaries Binaries
	// Port is the Temporal frontend's port, UIPort the web UI's; 0 picks a free one.
	Port, UIPort int
	// NoUI leaves the web UI out.
	NoUI bool
	// Workers is the number of regioncopy-worker processes; 0 means 2.
	Workers int
	// NoWorkers starts no worker process: the caller runs the workers itself, as the
	// benchmark runs one in its own process (Dev.StartWorker).
	NoWorkers bool
	// EmulatorListen is the emulator's address; "" means a free loopback port.
	EmulatorListen string
	// TimeScale is the emulator's clock speed, as for devstack; 0 means 1.
	TimeScale float64
	// Emulator is the rest of the emulator's configuration.
	Emulator emulator.Config
	// EmulatorInMemory keeps the emulator's state in memory only, not in the state
	// directory: a save writes the whole state, which with thousands of jobs costs more
	// than the calls that changed it (the benchmark measures regioncopy and Temporal).
	EmulatorInMemory bool
	// NoSamplePlan leaves out the sample plan's hourly schedule.
	NoSamplePlan bool
	// NoSample leaves out the sample's vaults and backups, and so the sample plan.
	NoSample bool
	// TaskQueue is the workers' task queue; "" means model.DefaultTaskQueue.
	TaskQueue string
	// Progress is told what is starting; nil means silence.
	Progress func(string)
}

// Stack is the running topology.
type Stack struct {
	Postgres *Postgres
	Server   *TemporalServer
	// UI is nil with NoUI.
	UI *UIServer
	// Dev holds the emulator, a client of the server, the seeded sample and the sample
	// plan, as `regioncopy dev` has them; its Temporal is the server above.
	Dev     *devstack.Stack
	Workers []*WorkerProcess
	// LogDir holds every process's log.
	LogDir string

	opts      Options        // as started, Binaries found
	workerEnv []string       // the workers' Temporal, AWS and task queue settings
	started   []*process     // every process started, restarts included
	starts    map[string]int // incarnations started, by process name
}

// Start starts PostgreSQL, applies Temporal's schema, starts the Temporal server,
// registers the namespace and regioncopy's search attributes, starts the web UI, the
// emulator with the sample, and the workers. On error everything already started is
// stopped.
func Start(ctx context.Context, o Options) (st *Stack, err error) {
	if o.StateDir == "" {
		return nil, errors.New("prodstack: no state directory")
	}
	say := o.Progress
	if say == nil {
		say = func(string) {}
	}
	if o.Binaries.Server == "" {
		if o.Binaries, err = FindBinaries(ctx, say); err != nil {
			return nil, err
		}
	}
	s := &Stack{LogDir: filepath.Join(o.StateDir, "logs"), opts: o, starts: map[string]int{}}
	defer func() {
		if err != nil {
			_ = s.Stop()
		}
	}()
	if err := os.MkdirAll(s.LogDir, 0o755); err != nil {
		return nil, err
	}
	say("Starting PostgreSQL...")
	if s.Postgres, err = startPostgres(ctx, filepath.Join(o.StateDir, "postgres"), s.LogDir); err != nil {
		return nil, err
	}
	s.track("postgres", s.Postgres.proc)
	if err := applySchema(ctx, o.Binaries, s.Postgres, s.LogDir); err != nil {
		return nil, err
	}
	if err := s.Postgres.markSchemaApplied(); err != nil {
		return nil, err
	}
	say("Starting the Temporal server...")
	if s.Server, err = startServer(ctx, o.Binaries, s.Postgres, filepath.Join(o.StateDir, "temporal"), logPath(s.LogDir, "temporal-server", 1), o.Port); err != nil {
		return nil, err
	}
	s.track("temporal-server", s.Server.proc)
	say("Registering the namespace and regioncopy's search attributes...")
	if err := setUpNamespace(ctx, s.Server.Address); err != nil {
		return nil, err
	}
	if !o.NoUI {
		say("Starting the Temporal UI...")
		if s.UI, err = startUI(ctx, o.Binaries, s.Server.Address, filepath.Join(o.StateDir, "temporal"), s.LogDir, o.UIPort); err != nil {
			return nil, err
		}
		s.track("temporal-ui-server", s.UI.proc)
	}
	say("Starting the AWS Backup emulator and the workers...")
	emulatorDir := filepath.Join(o.StateDir, "emulator")
	if o.EmulatorInMemory {
		emulatorDir = ""
	}
	if s.Dev, err = devstack.Start(ctx, devstack.Options{
		DataDir:         emulatorDir,
		TemporalAddress: s.Server.Address,
		EmulatorListen:  o.EmulatorListen,
		TimeScale:       o.TimeScale,
		Emulator:        o.Emulator,
		NoWorker:        true,
		NoSample:        o.NoSample,
		NoSamplePlan:    o.NoSamplePlan,
		TaskQueue:       o.TaskQueue,
		Logger:          zap.NewNop(),
	}); err != nil {
		return nil, err
	}
	n := o.Workers
	if n == 0 {
		n = 2
	}
	if o.NoWorkers {
		n = 0
	}
	s.workerEnv = s.Dev.WorkerEnv()
	for i := 1; i <= n; i++ {
		w, err := startWorker(ctx, o.Binaries, i, 1, s.workerEnv, s.LogDir)
		if err != nil {
			return nil, err
		}
		s.Workers = append(s.Workers, w)
		s.track(w.Name, w.proc)
	}
	return s, nil
}

// Stop stops, in order, the workers, the UI, the emulator (saving its state), the
// Temporal server and PostgreSQL. It is safe to call more than once.
func (s *Stack) Stop() error {
	var errs []error
	for _, w := range s.Workers {
		errs = append(errs, w.Stop())
	}
	errs = append(errs, s.UI.Stop())
	if s.Dev != nil {
		errs = append(errs, s.Dev.Stop())
	}
	errs = append(errs, s.Server.Stop(), s.Postgres.Stop())
	return errors.Join(errs...)
}

// Describe lists the running processes for a person: what, where, pid and log.
func (s *Stack) Describe() []string {
	lines := []string{
		fmt.Sprintf("PostgreSQL 15       127.0.0.1:%d (user %s, cluster %s)", s.Postgres.Port, s.Postgres.User, s.Postgres.DataDir),
		fmt.Sprintf("Temporal server     %s (%d history shards, config %s)", s.Server.Address, HistoryShards, s.Server.ConfigFile),
	}
	if s.UI != nil {
		lines = append(lines, "Temporal UI         "+s.UI.URL)
	}
	lines = append(lines, "AWS Backup emulator "+s.Dev.Emulator.URL)
	for _, w := range s.Workers {
		lines = append(lines, fmt.Sprintf("%-19s pid %s, task queue %s, metrics %s", w.Name, strconv.Itoa(w.Pid()), s.Dev.TaskQueue, w.MetricsURL))
	}
	lines = append(lines, "Logs                "+s.LogDir)
	return lines
}
