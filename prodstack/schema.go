package prodstack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Temporal's two databases on PostgreSQL and their schema directories inside the
// go.temporal.io/server module.
var temporalDatabases = []struct{ name, schema string }{
	{"temporal", "schema/postgresql/v12/temporal/versioned"},
	{"temporal_visibility", "schema/postgresql/v12/visibility/versioned"},
}

// applySchema creates Temporal's databases on a fresh cluster and brings both schemas
// to the version of the server module (update-schema does nothing when they are
// already there, and upgrades a cluster an older pin created), as an operator does
// with temporal-sql-tool. Its output goes to logDir/temporal-sql-tool.log.
func applySchema(ctx context.Context, bins Binaries, pg *Postgres, logDir string) error {
	var log strings.Builder
	defer func() { _ = os.WriteFile(filepath.Join(logDir, "temporal-sql-tool.log"), []byte(log.String()), 0o644) }()
	for _, db := range temporalDatabases {
		var steps [][]string
		if pg.Fresh {
			steps = append(steps, []string{"create-database"}, []string{"setup-schema", "-v", "0.0"})
		}
		steps = append(steps, []string{"update-schema", "-d", filepath.Join(bins.ServerModuleDir, db.schema)})
		for _, step := range steps {
			args := append([]string{"--plugin", "postgres12", "--ep", "127.0.0.1", "-p", strconv.Itoa(pg.Port),
				"-u", PostgresDBUser, "--db", db.name}, step...)
			cmd := exec.CommandContext(ctx, bins.SQLTool, args...)
			// The password goes by the environment, not the command line others can read.
			cmd.Env = append(os.Environ(), "SQL_PASSWORD="+pg.Password)
			out, err := cmd.CombinedOutput()
			fmt.Fprintf(&log, "$ temporal-sql-tool %s\n%s\n", strings.Join(args, " "), out)
			if err != nil {
				return fmt.Errorf("temporal-sql-tool %s on %s: %v\n%s", step[0], db.name, err, out)
			}
		}
	}
	return nil
}
