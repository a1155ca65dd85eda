package prodstack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient"
	"github.com/regioncopy/regioncopy/temporalclient/devserver"
)

// Namespace is the namespace the stack registers and its workers use.
const Namespace = client.DefaultNamespace

// NamespaceRetention keeps a closed workflow's history this long.
const NamespaceRetention = 7 * 24 * time.Hour

// TemporalServer is a running temporal-server process (every service in one process).
type TemporalServer struct {
	// Address is the frontend's host:port.
	Address string
	// ConfigFile is the generated configuration.
	ConfigFile string

	proc *process
}

// startServer writes the configuration into dir and starts the server, its frontend on
// port (0: a free one), logging to log, then waits for the frontend to answer. A server
// that exits before it answers (one of its internal ports taken meanwhile) is started
// again.
func startServer(ctx context.Context, bins Binaries, pg *Postgres, dir, log string, port int) (*TemporalServer, error) {
	var err error
	for range 3 {
		var s *TemporalServer
		if s, err = startServerOnce(ctx, bins, pg, dir, log, port); err == nil || !errors.Is(err, errExitedEarly) {
			return s, err
		}
	}
	return nil, err
}

func startServerOnce(ctx context.Context, bins Binaries, pg *Postgres, dir, log string, port int) (*TemporalServer, error) {
	ports, err := pickServerPorts(filepath.Join(dir, "ports.json"), port)
	if err != nil {
		return nil, err
	}
	if err := writeServerConfig(dir, pg, ports); err != nil {
		return nil, err
	}
	cmd := exec.Command(bins.Server, "--root", dir, "--config", "config", "--env", serverConfigEnv, "--allow-no-auth", "start")
	proc, err := startProcess("temporal-server", cmd, log)
	if err != nil {
		return nil, err
	}
	s := &TemporalServer{
		Address:    net.JoinHostPort("127.0.0.1", strconv.Itoa(ports.Frontend)),
		ConfigFile: filepath.Join(dir, "config", serverConfigEnv+".yaml"),
		proc:       proc,
	}
	if err := s.waitReady(ctx, 2*time.Minute); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

// waitReady polls the frontend until it answers a health check.
func (s *TemporalServer) waitReady(ctx context.Context, timeout time.Duration) error {
	err := devserver.WaitHealthy(ctx, s.Address, timeout, s.proc.Exited())
	if errors.Is(err, devserver.ErrExitedEarly) {
		return fmt.Errorf("temporal-server on %s %w: %v", s.Address, errExitedEarly, s.proc.exitedEarly())
	}
	if err != nil {
		return fmt.Errorf("temporal-server at %s %w; see %s", s.Address, err, s.proc.LogPath())
	}
	return nil
}

// Stop ends the server with SIGTERM, killing it after 30 seconds.
func (s *TemporalServer) Stop() error {
	if s == nil || s.proc == nil {
		return nil
	}
	return s.proc.stop(syscall.SIGTERM, 30*time.Second)
}

// Pid is the server's process id.
func (s *TemporalServer) Pid() int { return s.proc.Pid() }

// LogPath is the server's log file.
func (s *TemporalServer) LogPath() string { return s.proc.LogPath() }

// setUpNamespace registers Namespace (a production server starts with none), waits
// until the frontend serves it, and registers regioncopy's search attributes in it, as
// `regioncopy setup` does.
func setUpNamespace(ctx context.Context, address string) error {
	nc, err := client.NewNamespaceClient(client.Options{HostPort: address, Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
	if err != nil {
		return err
	}
	defer nc.Close()
	err = nc.Register(ctx, &workflowservice.RegisterNamespaceRequest{
		Namespace:                        Namespace,
		WorkflowExecutionRetentionPeriod: durationpb.New(NamespaceRetention),
	})
	var exists *serviceerror.NamespaceAlreadyExists
	if err != nil && !errors.As(err, &exists) {
		return fmt.Errorf("register namespace %s: %w", Namespace, err)
	}
	c, err := temporalclient.Dial(ctx, temporalclient.Options{Address: address, Namespace: Namespace})
	if err != nil {
		return err
	}
	defer c.Close()
	// The frontend learns of a new namespace at its next namespace cache refresh.
	deadline := time.Now().Add(time.Minute)
	for {
		_, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: Namespace})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("namespace %s not served a minute after it was registered: %w", Namespace, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	if err := waitHistory(ctx, c); err != nil {
		return err
	}
	if err := temporalclient.EnsureSearchAttributes(ctx, c, Namespace, model.SearchAttributes); err != nil {
		return err
	}
	return waitSchedules(ctx, c)
}

// waitHistory waits until the history service answers for a workflow, which the
// frontend's health check does not cover: a server restarted on a kept database takes
// its shards over from the previous run's membership some seconds after its frontend
// answers. Every shard is asked (one workflow id per shard is likely after a few ids).
func waitHistory(ctx context.Context, c client.Client) error {
	deadline := time.Now().Add(2 * time.Minute)
	for i := 0; i < 8*HistoryShards; {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err := c.WorkflowService().DescribeWorkflowExecution(rctx, &workflowservice.DescribeWorkflowExecutionRequest{
			Namespace: Namespace,
			Execution: &commonpb.WorkflowExecution{WorkflowId: fmt.Sprintf("regioncopy-stack-readiness-%d", i)},
		})
		cancel()
		var notFound *serviceerror.NotFound
		if err == nil || errors.As(err, &notFound) {
			i++
			continue
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the Temporal server's history service did not answer within two minutes: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return nil
}
