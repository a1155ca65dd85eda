package prodstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// PostgresDBUser is the database superuser initdb creates; the Temporal server and
// temporal-sql-tool connect as it, with the password kept in the state directory.
const PostgresDBUser = "temporal"

// Postgres is a running PostgreSQL server on a loopback port.
type Postgres struct {
	Port     int
	Password string
	DataDir  string
	// Fresh is set when this start created the cluster (initdb), so it has no schema.
	Fresh bool
	User  string

	schemaMarker string
	user         postgresUser
	proc         *process
}

// Pid is the postmaster's process id; the backends serving connections are its children.
func (pg *Postgres) Pid() int { return pg.proc.Pid() }

// markSchemaApplied records that the cluster holds Temporal's schema.
func (pg *Postgres) markSchemaApplied() error {
	return os.WriteFile(pg.schemaMarker, []byte("temporal and temporal_visibility created by temporal-sql-tool\n"), 0o644)
}

// startPostgres starts PostgreSQL on the cluster in dir (dir/data), creating it first
// when it does not exist, on a free loopback port; logs go to logDir/postgres.log.
func startPostgres(ctx context.Context, dir, logDir string) (*Postgres, error) {
	u, err := currentPostgresUser()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := u.checkReachable(dir); err != nil {
		return nil, err
	}
	if err := u.own(dir); err != nil {
		return nil, err
	}
	pg := &Postgres{DataDir: filepath.Join(dir, "data"), User: u.name, user: u, schemaMarker: filepath.Join(filepath.Dir(dir), "postgres-schema-applied")}
	passFile := filepath.Join(filepath.Dir(dir), "postgres-password")
	// A cluster without Temporal's schema (a start stopped between initdb and the
	// schema) is made again rather than patched.
	if _, err := os.Stat(pg.schemaMarker); errors.Is(err, os.ErrNotExist) {
		if err := os.RemoveAll(pg.DataDir); err != nil {
			return nil, err
		}
		if pg.Password, err = initdb(ctx, u, dir, pg.DataDir, logDir); err != nil {
			return nil, err
		}
		if err := os.WriteFile(passFile, []byte(pg.Password), 0o600); err != nil {
			return nil, err
		}
		pg.Fresh = true
	} else {
		data, err := os.ReadFile(passFile)
		if err != nil {
			return nil, fmt.Errorf("the cluster in %s has no password file: %w (start with --fresh)", pg.DataDir, err)
		}
		pg.Password = string(data)
	}
	const attempts = 3
	for range attempts {
		if err = pg.run(ctx, logPath(logDir, "postgres", 1), 0); err == nil || !errors.Is(err, errExitedEarly) {
			return pg, err
		}
	}
	return nil, err
}

// errExitedEarly marks a server that ended before it answered (its port taken, most
// often): it is started again on fresh ports.
var errExitedEarly = errors.New("exited before it was ready")

// initdb creates the cluster with a random password for PostgresDBUser and password
// authentication on TCP only.
func initdb(ctx context.Context, u postgresUser, dir, dataDir, logDir string) (string, error) {
	secret := make([]byte, 16)
	if _, err := rand.Read(secret); err != nil {
		return "", err
	}
	password := hex.EncodeToString(secret)
	// initdb reads the password from a file its user can read; it is removed at once.
	pwfile := filepath.Join(dir, "initdb-password")
	if err := os.WriteFile(pwfile, []byte(password+"\n"), 0o600); err != nil {
		return "", err
	}
	defer os.Remove(pwfile)
	if err := u.own(pwfile); err != nil {
		return "", err
	}
	cmd := u.command(ctx, filepath.Join(PostgresBinDir, "initdb"), "-D", dataDir, "-U", PostgresDBUser, "--pwfile", pwfile,
		"--auth", "scram-sha-256", "--encoding", "UTF8", "--no-locale")
	out, err := cmd.CombinedOutput()
	_ = os.WriteFile(filepath.Join(logDir, "initdb.log"), out, 0o644)
	if err != nil {
		return "", fmt.Errorf("initdb %s: %v\n%s", dataDir, err, out)
	}
	return password, nil
}

// run starts the postgres server process on port (0: a free one), logging to log, and
// waits until it accepts connections.
func (pg *Postgres) run(ctx context.Context, log string, port int) error {
	if port == 0 {
		ports, err := freePorts(1)
		if err != nil {
			return err
		}
		port = ports[0]
	}
	pg.Port = port
	var err error
	// TCP on loopback only: no Unix socket, whose default directory (/var/run/postgresql)
	// belongs to the system's own cluster.
	// Not tied to ctx: the server outlives the start, and Stop ends it.
	cmd := pg.user.command(context.Background(), filepath.Join(PostgresBinDir, "postgres"), "-D", pg.DataDir, "-p", strconv.Itoa(pg.Port),
		"-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=200")
	if pg.proc, err = startProcess("postgres", cmd, log); err != nil {
		return err
	}
	deadline := time.Now().Add(time.Minute)
	for {
		ready := exec.CommandContext(ctx, filepath.Join(PostgresBinDir, "pg_isready"), "-q", "-h", "127.0.0.1", "-p", strconv.Itoa(pg.Port))
		if ready.Run() == nil {
			return nil
		}
		select {
		case <-pg.proc.Exited():
			return fmt.Errorf("postgres on port %d %w: %v", pg.Port, errExitedEarly, pg.proc.exitedEarly())
		case <-ctx.Done():
			_ = pg.Stop()
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = pg.Stop()
			return fmt.Errorf("postgres on port %d not ready after a minute; see %s", pg.Port, pg.proc.LogPath())
		}
	}
}

// Stop shuts PostgreSQL down with a fast shutdown (SIGINT: sessions are ended, the
// cluster is left consistent), killing it after 30 seconds.
func (pg *Postgres) Stop() error {
	if pg == nil || pg.proc == nil {
		return nil
	}
	return pg.proc.stop(syscall.SIGINT, 30*time.Second)
}
