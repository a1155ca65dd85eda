package prodstack

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// A cluster whose schema was never marked applied (a start stopped between initdb and
// temporal-sql-tool) is made again; once marked, a restart keeps it and its password.
func TestPostgresRemakesAClusterWithoutSchema(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: starts PostgreSQL")
	}
	if _, err := os.Stat(filepath.Join(PostgresBinDir, "postgres")); err != nil {
		t.Fatalf("PostgreSQL 15 is not installed (apt-get install postgresql): %v", err)
	}
	state, err := os.MkdirTemp("", "regioncopy-postgres-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(state) })
	if err := os.Chmod(state, 0o755); err != nil {
		t.Fatal(err)
	}
	dir, logs := filepath.Join(state, "postgres"), filepath.Join(state, "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	start := func() *Postgres {
		t.Helper()
		pg, err := startPostgres(ctx, dir, logs)
		if err != nil {
			t.Fatal(err)
		}
		if err := pg.Stop(); err != nil {
			t.Fatal(err)
		}
		return pg
	}

	first := start()
	if !first.Fresh {
		t.Fatal("the first start did not make a cluster")
	}
	second := start()
	if !second.Fresh || second.Password == first.Password {
		t.Errorf("a cluster without schema was kept (fresh %v, same password %v), want it made again", second.Fresh, second.Password == first.Password)
	}
	if err := second.markSchemaApplied(); err != nil {
		t.Fatal(err)
	}
	third := start()
	if third.Fresh || third.Password != second.Password {
		t.Errorf("a cluster with its schema was made again (fresh %v, same password %v), want it kept", third.Fresh, third.Password == second.Password)
	}
}
