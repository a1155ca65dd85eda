package prodstack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
)

// PostgresBinDir holds the Debian postgresql-15 package's server binaries.
const PostgresBinDir = "/usr/lib/postgresql/15/bin"

// postgresUser is who PostgreSQL runs as. PostgreSQL refuses to run as root, so a root
// caller runs it as the Debian package's own postgres user (nobody where that is
// missing) through setpriv; anyone else runs it as themselves.
type postgresUser struct {
	name     string
	uid, gid int
	// viaSetpriv is set when the caller is root and must change user.
	viaSetpriv bool
}

func currentPostgresUser() (postgresUser, error) {
	if os.Geteuid() != 0 {
		return postgresUser{name: strconv.Itoa(os.Geteuid()), uid: os.Geteuid(), gid: os.Getegid()}, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return postgresUser{name: name, uid: uid, gid: gid, viaSetpriv: true}, nil
	}
	return postgresUser{}, fmt.Errorf("running as root, PostgreSQL needs another user to run as: neither postgres nor nobody exists")
}

// command runs bin with args as this user. Under setpriv the parent-death signal is set
// after the change of user (the kernel clears one set before it), so PostgreSQL still
// dies with the stack if the stack is killed.
func (u postgresUser) command(ctx context.Context, bin string, args ...string) *exec.Cmd {
	if !u.viaSetpriv {
		return exec.CommandContext(ctx, bin, args...)
	}
	pre := []string{"--reuid", strconv.Itoa(u.uid), "--regid", strconv.Itoa(u.gid), "--init-groups", "--pdeathsig", "KILL", "--", bin}
	return exec.CommandContext(ctx, "setpriv", append(pre, args...)...)
}

// own gives dir to this user (a no-op when it is the caller).
func (u postgresUser) own(dir string) error {
	if !u.viaSetpriv {
		return nil
	}
	return os.Chown(dir, u.uid, u.gid)
}

// checkReachable fails when this user cannot enter every directory above dir, as
// PostgreSQL must to open its data directory.
func (u postgresUser) checkReachable(dir string) error {
	if !u.viaSetpriv {
		return nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for d := filepath.Dir(abs); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("PostgreSQL runs as user %s, who cannot enter %s (mode %o): choose a state directory whose parents others may enter, such as %s",
				u.name, d, fi.Mode().Perm(), RootStateDir)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}
