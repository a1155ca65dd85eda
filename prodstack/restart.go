package prodstack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
)

// The methods below take processes of a running stack down and bring them back, the way
// they fail in production: a worker or the Temporal server SIGKILLed (no grace, nothing
// flushed), PostgreSQL stopped with a fast shutdown. Each restart runs on the same
// address as before (the server on its kept ports, PostgreSQL on its port and data
// directory), so every client reconnects by itself, and logs to a file of its own
// (name.N.log). They are not safe for concurrent use.

// track records a process started as the given incarnation of name.
func (s *Stack) track(name string, p *process) {
	s.started = append(s.started, p)
	s.starts[name]++
}

// KillWorker SIGKILLs worker i (from 0, as in Workers) and waits until it is gone.
func (s *Stack) KillWorker(i int) error {
	if i < 0 || i >= len(s.Workers) {
		return fmt.Errorf("prodstack: no worker %d", i)
	}
	return s.Workers[i].proc.kill()
}

// RestartWorker starts worker i again, after KillWorker, with the same settings and its
// metrics on a new free port, and waits until they answer; Workers[i] is the new process.
func (s *Stack) RestartWorker(ctx context.Context, i int) error {
	if i < 0 || i >= len(s.Workers) {
		return fmt.Errorf("prodstack: no worker %d", i)
	}
	old := s.Workers[i]
	select {
	case <-old.proc.Exited():
	default:
		return fmt.Errorf("prodstack: %s (pid %d) is still running", old.Name, old.Pid())
	}
	w, err := startWorker(ctx, s.opts.Binaries, i+1, s.starts[old.Name]+1, s.workerEnv, s.LogDir)
	if err != nil {
		return err
	}
	s.Workers[i] = w
	s.track(w.Name, w.proc)
	return nil
}

// KillServer SIGKILLs the Temporal server and waits until it is gone.
func (s *Stack) KillServer() error {
	return s.Server.proc.kill()
}

// RestartServer starts the Temporal server again, after KillServer, on the same ports,
// and waits until it serves the namespace: its frontend answers, every history shard has
// an owner and the search attributes are in place.
func (s *Stack) RestartServer(ctx context.Context) error {
	select {
	case <-s.Server.proc.Exited():
	default:
		return fmt.Errorf("prodstack: temporal-server (pid %d) is still running", s.Server.proc.Pid())
	}
	_, p, err := net.SplitHostPort(s.Server.Address)
	if err != nil {
		return err
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return err
	}
	srv, err := startServer(ctx, s.opts.Binaries, s.Postgres, filepath.Join(s.opts.StateDir, "temporal"),
		logPath(s.LogDir, "temporal-server", s.starts["temporal-server"]+1), port)
	if err != nil {
		return err
	}
	s.Server = srv
	s.track("temporal-server", srv.proc)
	return setUpNamespace(ctx, srv.Address)
}

// StopPostgres shuts PostgreSQL down with a fast shutdown (sessions ended, the cluster
// left consistent), as Stop does.
func (s *Stack) StopPostgres() error {
	return s.Postgres.Stop()
}

// RestartPostgres starts PostgreSQL again, after StopPostgres, on the same data directory
// and port, and waits until it accepts connections.
func (s *Stack) RestartPostgres(ctx context.Context) error {
	select {
	case <-s.Postgres.proc.Exited():
	default:
		return errors.New("prodstack: postgres is still running")
	}
	if err := s.Postgres.run(ctx, logPath(s.LogDir, "postgres", s.starts["postgres"]+1), s.Postgres.Port); err != nil {
		return err
	}
	s.track("postgres", s.Postgres.proc)
	return nil
}

// EndedOnTheirOwn lists the processes of the stack, restarted ones included, that ended
// without being stopped or killed through the Stack: none while the stack is sound.
func (s *Stack) EndedOnTheirOwn() []string {
	var out []string
	for _, p := range s.started {
		if why := p.endedOnItsOwn(); why != "" {
			out = append(out, why)
		}
	}
	return out
}
