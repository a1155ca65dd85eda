// Package prodstack starts on one machine, without containers, the topology an operator
// runs in production: PostgreSQL (the Debian package's binaries, a data directory of its
// own), the Temporal server and its web UI built from the modules pinned in tools/go.mod
// with the postgres12 schema applied by temporal-sql-tool, the AWS Backup emulator in
// place of AWS, and several regioncopy-worker processes on one task queue. It backs
// `regioncopy stack` (make stack), the end-to-end test of that topology and the chaos run
// on it (chaos -topology stack), which SIGKILLs and restarts the workers and the server
// and restarts PostgreSQL through a Stack's methods.
//
// Every process it starts runs in its own process group and is stopped, in order, by
// Stack.Stop; state (the database cluster, the emulator's file, generated configuration
// and logs) stays in the state directory between runs.
package prodstack
