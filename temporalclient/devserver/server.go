package devserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
)

// Options configure the Temporal dev server.
type Options struct {
	// Binary is the Temporal CLI (the one tools/go.mod pins); required.
	Binary string
	// IP the server binds; "" means 127.0.0.1.
	IP string
	// Port is the frontend gRPC port, UIPort the web UI's; 0 picks a free port.
	Port, UIPort int
	// Headless disables the web UI (tests).
	Headless bool
	// DBFile keeps the server's state in a SQLite file so that a restart keeps every
	// workflow's history; "" keeps it in memory.
	DBFile string
	// SearchAttributes are registered at start, so nothing is configured by hand.
	SearchAttributes []temporal.SearchAttributeKey
	// Log receives the server's output; nil discards it.
	Log io.Writer
	// StartTimeout bounds the wait for the server to answer; 0 means one minute.
	StartTimeout time.Duration
}

// Server is a running dev server process.
type Server struct {
	// Address is the frontend's host:port for client.Options.HostPort.
	Address string
	// UIURL is the web UI's address ("" when headless).
	UIURL string

	cmd      *exec.Cmd
	tail     *tailBuffer
	exited   chan struct{}
	waitErr  error
	stopOnce sync.Once
	stopErr  error
}

// Start runs `temporal server start-dev` directly (not through `go tool`, whose
// child process would outlive a signal to the parent) in its own process group, and
// returns once the frontend answers a health check.
//
// Ports left at 0 are picked free just before the server starts, and the server picks
// its internal ones the same way, so another process on a busy machine can take one in
// between. A server that exits before it is ready is therefore started again, on fresh
// ports, up to startAttempts times in all, when at least one port was ours to pick; a
// server given fixed ports fails at once and says why.
func Start(ctx context.Context, o Options) (*Server, error) {
	bin := o.Binary
	if bin == "" {
		return nil, errors.New("temporal dev server: no Temporal CLI binary given")
	}
	attempts := 1
	if o.Port == 0 || (!o.Headless && o.UIPort == 0) {
		attempts = startAttempts
	}
	var err error
	for range attempts {
		var s *Server
		if s, err = startOnce(ctx, bin, o); err == nil || !errors.Is(err, ErrExitedEarly) {
			return s, err
		}
	}
	return nil, err
}

// dynamicConfig is the dev server's dynamic configuration. One partition per task queue:
// the server's default of four is for spreading a queue's load over matching hosts, and
// the dev server is one process. With four, a burst of tasks outruns the few pollers one
// worker keeps, tasks are written to the backlogs of partitions that no poll is waiting
// on, and wait there for seconds while the worker idles: in a burst of 500 copies the last
// chains waited up to 20 s for their first workflow task with the CPUs mostly idle.
//
// The search attribute cache is kept, as on a production server: the Temporal CLI turns
// it off (system.forceSearchAttributesCacheRefreshOnRead), which rereads the namespace from
// the database, under one lock, at every use of a custom attribute, a few times per copy.
// Attributes created while the server runs are usable once every service has reread the
// namespace, which temporalclient.EnsureSearchAttributes waits for.
var dynamicConfig = []string{
	"matching.numTaskqueueReadPartitions=1",
	"matching.numTaskqueueWritePartitions=1",
	"system.forceSearchAttributesCacheRefreshOnRead=false",
}

// startAttempts bounds the starts of a server whose ports are picked free.
const startAttempts = 3

// ErrExitedEarly marks a server process that ended before it answered.
var ErrExitedEarly = errors.New("exited before it was ready")

// startOnce starts one server process and waits until it answers.
func startOnce(ctx context.Context, bin string, o Options) (*Server, error) {
	ip := o.IP
	if ip == "" {
		ip = "127.0.0.1"
	}
	port, err := portOrFree(ip, o.Port)
	if err != nil {
		return nil, err
	}
	args := []string{"server", "start-dev", "--ip", ip, "--port", strconv.Itoa(port), "--log-level", "warn"}
	for _, v := range dynamicConfig {
		args = append(args, "--dynamic-config-value", v)
	}
	uiURL := ""
	if o.Headless {
		args = append(args, "--headless")
	} else {
		uiPort, err := portOrFree(ip, o.UIPort)
		if err != nil {
			return nil, err
		}
		args = append(args, "--ui-port", strconv.Itoa(uiPort))
		uiURL = fmt.Sprintf("http://localhost:%d", uiPort)
	}
	if o.DBFile != "" {
		if err := os.MkdirAll(filepath.Dir(o.DBFile), 0o755); err != nil {
			return nil, fmt.Errorf("temporal dev server: %w", err)
		}
		args = append(args, "--db-filename", o.DBFile)
	}
	for _, k := range o.SearchAttributes {
		t, err := searchAttributeTypeName(k.GetValueType())
		if err != nil {
			return nil, fmt.Errorf("search attribute %s: %w", k.GetName(), err)
		}
		args = append(args, "--search-attribute", k.GetName()+"="+t)
	}
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = ChildProcAttr()
	// The output's tail explains a server that fails to start (a port in use, a locked
	// database file) in the error, even when o.Log discards it.
	tail := &tailBuffer{max: 4096}
	var log io.Writer = tail
	if o.Log != nil {
		log = io.MultiWriter(o.Log, tail)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &Server{Address: net.JoinHostPort(ip, strconv.Itoa(port)), UIURL: uiURL, cmd: cmd, exited: make(chan struct{}), tail: tail}
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	timeout := o.StartTimeout
	if timeout == 0 {
		timeout = time.Minute
	}
	if err := s.waitReady(ctx, timeout); err != nil {
		_ = s.Stop()
		return nil, err
	}
	return s, nil
}

// waitReady polls the frontend until it answers a health check.
func (s *Server) waitReady(ctx context.Context, timeout time.Duration) error {
	err := WaitHealthy(ctx, s.Address, timeout, s.exited)
	if errors.Is(err, ErrExitedEarly) {
		return fmt.Errorf("temporal dev server on %s %w (%v): %s", s.Address, ErrExitedEarly, s.waitErr, strings.TrimSpace(s.tail.String()))
	}
	if err != nil {
		return fmt.Errorf("temporal dev server at %s %w", s.Address, err)
	}
	return nil
}

// WaitHealthy polls the Temporal frontend at address until it answers a health check,
// for at most timeout. It fails wrapping ErrExitedEarly as soon as exited is closed (the
// server's process ended), and with the last dial or check error at the timeout.
func WaitHealthy(ctx context.Context, address string, timeout time.Duration, exited <-chan struct{}) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return ErrExitedEarly
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		dctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		c, err := client.DialContext(dctx, client.Options{HostPort: address, Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
		if err == nil {
			_, err = c.CheckHealth(dctx, &client.CheckHealthRequest{})
			c.Close()
		}
		cancel()
		if err == nil {
			return nil
		}
		last = err
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("not ready after %s: %v", timeout, last)
}

// Stop ends the server: SIGTERM to its process group, SIGKILL if it has not exited
// within 15 seconds. It is safe to call more than once.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() {
		pgid := s.cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(15 * time.Second):
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-s.exited
			s.stopErr = errors.New("temporal dev server did not stop within 15s of SIGTERM; killed")
		}
	})
	return s.stopErr
}

// Exited is closed when the server process has ended.
func (s *Server) Exited() <-chan struct{} { return s.exited }

// Pid is the server process's id, 0 for a server this package did not start.
func (s *Server) Pid() int {
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}

func searchAttributeTypeName(t enumspb.IndexedValueType) (string, error) {
	switch t {
	case enumspb.INDEXED_VALUE_TYPE_KEYWORD:
		return "Keyword", nil
	case enumspb.INDEXED_VALUE_TYPE_TEXT:
		return "Text", nil
	case enumspb.INDEXED_VALUE_TYPE_INT:
		return "Int", nil
	case enumspb.INDEXED_VALUE_TYPE_DOUBLE:
		return "Double", nil
	case enumspb.INDEXED_VALUE_TYPE_BOOL:
		return "Bool", nil
	case enumspb.INDEXED_VALUE_TYPE_DATETIME:
		return "Datetime", nil
	case enumspb.INDEXED_VALUE_TYPE_KEYWORD_LIST:
		return "KeywordList", nil
	}
	return "", fmt.Errorf("unsupported search attribute type %v", t)
}

// portOrFree returns port, or a free port on ip when port is 0.
func portOrFree(ip string, port int) (int, error) {
	if port != 0 {
		return port, nil
	}
	l, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// tailBuffer keeps the first and the last max/2 bytes written to it: the start of a
// failing server's output names the problem (a Go panic's first line), its end says
// where it stopped.
type tailBuffer struct {
	mu      sync.Mutex
	max     int
	head    []byte
	buf     []byte
	dropped bool
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if room := t.max/2 - len(t.head); room > 0 {
		k := min(room, len(p))
		t.head = append(t.head, p[:k]...)
		p = p[k:]
	}
	t.buf = append(t.buf, p...)
	if keep := t.max - t.max/2; len(t.buf) > keep {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-keep:]...)
		t.dropped = true
	}
	return n, nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.dropped {
		return string(t.head) + "\n[...]\n" + string(t.buf)
	}
	return string(t.head) + string(t.buf)
}
