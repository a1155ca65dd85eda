package devstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"go.temporal.io/sdk/client"
	"go.uber.org/zap"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient"
	"github.com/regioncopy/regioncopy/worker"
)

// Options configure a Stack. The zero value starts everything on free ports, in memory.
type Options struct {
	// DataDir keeps the Temporal database and the emulator's state, so a restarted stack
	// has lost nothing; "" keeps both in memory.
	DataDir string
	// Temporal configures the dev server; its SearchAttributes are always regioncopy's.
	Temporal TemporalOptions
	// TemporalAddress, when set, is a Temporal server already running, whose default
	// namespace has regioncopy's search attributes: no dev server is started and Stop
	// leaves that server alone (package prodstack runs the production server so).
	TemporalAddress string
	// EmulatorListen is the emulator's address; "" means 127.0.0.1:0 (a free port).
	EmulatorListen string
	// TimeScale makes the emulator clock run that many times faster than the wall clock
	// (the worker and `regioncopy copy --time-scale` are told the same); 0 means 1.
	TimeScale float64
	// Emulator is the rest of the emulator's configuration (faults, bandwidth, ...).
	Emulator emulator.Config
	// NoWorker leaves the worker out (tests that run it as a separate process).
	NoWorker bool
	// NoSample skips seeding the sample vaults and backup, and so the sample plan.
	NoSample bool
	// NoSamplePlan leaves out the sample plan's hourly schedule (tests whose runs must
	// not meet a scheduled run).
	NoSamplePlan bool
	// TaskQueue is the worker's task queue; "" means model.DefaultTaskQueue.
	TaskQueue string
	// Logger receives the worker's logs; nil discards them.
	Logger *zap.Logger
	// ServerLog receives the dev server's output; nil discards it.
	ServerLog io.Writer
}

// Stack is a running regioncopy system.
type Stack struct {
	Temporal *TemporalServer
	Emulator *EmulatorServer
	// Client is connected to the dev server's default namespace.
	Client client.Client
	Sample Sample
	// SamplePlan is the applied sample plan; zero with NoSample or NoSamplePlan.
	SamplePlan SamplePlan
	TimeScale  float64
	TaskQueue  string

	opts     Options
	workerMu sync.Mutex
	worker   *runningWorker
	stopOnce sync.Once
	stopErr  error
}

// Start starts the dev server, the emulator, the worker, seeds the sample and applies
// the sample plan. On error everything already started is stopped.
func Start(ctx context.Context, o Options) (st *Stack, err error) {
	s := &Stack{opts: o, TimeScale: o.TimeScale, TaskQueue: o.TaskQueue}
	if s.TimeScale == 0 {
		s.TimeScale = 1
	}
	if s.TaskQueue == "" {
		s.TaskQueue = model.DefaultTaskQueue
	}
	defer func() {
		if err != nil {
			_ = s.Stop()
		}
	}()

	to := o.Temporal
	to.SearchAttributes = model.SearchAttributes
	if o.ServerLog != nil {
		to.Log = o.ServerLog
	}
	ecfg := o.Emulator
	ecfg.TimeScale = s.TimeScale
	if o.DataDir != "" {
		if err := os.MkdirAll(o.DataDir, 0o755); err != nil {
			return nil, err
		}
		to.DBFile = filepath.Join(o.DataDir, "temporal.db")
		ecfg.StateFile = filepath.Join(o.DataDir, "emulator.json")
	}
	if o.TemporalAddress != "" {
		s.Temporal = &TemporalServer{Address: o.TemporalAddress}
	} else if s.Temporal, err = StartTemporal(ctx, to); err != nil {
		return nil, err
	}
	listen := o.EmulatorListen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	if !o.NoSample {
		ecfg.Resources = append(ecfg.Resources, DefaultSample().SampleResource())
	}
	if s.Emulator, err = StartEmulator(ecfg, listen); err != nil {
		return nil, err
	}
	if s.Client, err = temporalclient.Dial(ctx, temporalclient.Options{Address: s.Temporal.Address, Namespace: client.DefaultNamespace, Logger: o.Logger}); err != nil {
		return nil, err
	}
	if !o.NoSample {
		if s.Sample, err = seedSample(ctx, s.Emulator, DefaultSample()); err != nil {
			return nil, err
		}
		if !o.NoSamplePlan {
			if s.SamplePlan, err = applySamplePlan(ctx, s.Client, s.TaskQueue, s.Sample); err != nil {
				return nil, err
			}
		}
	}
	if !o.NoWorker {
		if err := s.StartWorker(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// Stop stops the worker, closes the client, and stops the emulator (saving its state)
// and the dev server it started. It is safe to call more than once.
func (s *Stack) Stop() error {
	s.stopOnce.Do(func() {
		var errs []error
		errs = append(errs, s.StopWorker())
		if s.Client != nil {
			s.Client.Close()
		}
		if s.Emulator != nil {
			errs = append(errs, s.Emulator.Stop())
		}
		if s.Temporal != nil && s.opts.TemporalAddress == "" {
			errs = append(errs, s.Temporal.Stop())
		}
		s.stopErr = errors.Join(errs...)
	})
	return s.stopErr
}

// WorkerEnv is the environment a worker process (regioncopy-worker) needs to join this
// stack: Temporal address, AWS endpoint and credentials for the emulator, time scale and
// task queue. Each entry is KEY=value.
func (s *Stack) WorkerEnv() []string {
	return []string{
		"TEMPORAL_ADDRESS=" + s.Temporal.Address,
		"TEMPORAL_NAMESPACE=" + client.DefaultNamespace,
		"AWS_ENDPOINT_URL_BACKUP=" + s.Emulator.URL,
		"AWS_ACCESS_KEY_ID=" + AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + SecretAccessKey,
		"AWS_REGION=" + DefaultSample().SourceRegion,
		"REGIONCOPY_TIME_SCALE=" + strconv.FormatFloat(s.TimeScale, 'f', -1, 64),
		"REGIONCOPY_TASK_QUEUE=" + s.TaskQueue,
		"REGIONCOPY_METRICS_LISTEN=" + worker.MetricsOff,
	}
}

// CopyArgs are the `regioncopy copy` arguments that copy the sample's newest recovery
// point to both destination Regions.
func (s *Stack) CopyArgs() []string {
	sm := s.Sample
	args := []string{"copy",
		"--address", s.Temporal.Address,
		"--region", sm.SourceRegion,
		"--recovery-point-arn", sm.RecoveryPointArns[len(sm.RecoveryPointArns)-1],
		"--source-backup-vault-name", sm.VaultName,
	}
	for _, v := range sm.DestinationVaultArns {
		args = append(args, "--destination-backup-vault-arn", v)
	}
	args = append(args, "--iam-role-arn", sm.IamRoleArn, "--lifecycle", "DeleteAfterDays=35")
	if s.TimeScale != 1 {
		args = append(args, "--time-scale", strconv.FormatFloat(s.TimeScale, 'f', -1, 64))
	}
	if s.TaskQueue != model.DefaultTaskQueue {
		args = append(args, "--task-queue", s.TaskQueue)
	}
	return args
}

// ShellCommand joins args into a command line that can be pasted into a shell, one flag
// per line.
func ShellCommand(program string, args []string) string {
	var b strings.Builder
	b.WriteString(program)
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "--") && i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
			fmt.Fprintf(&b, " \\\n    %s %s", a, shellQuote(args[i+1]))
			i++
			continue
		}
		b.WriteString(" " + shellQuote(a))
	}
	return b.String()
}

func shellQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " '\"$`\\*?!&;|<>(){}[]#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
