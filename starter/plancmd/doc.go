// Package plancmd adds `regioncopy plan` to the regioncopy CLI: plan files applied as
// Temporal Schedules (one per rule, by package schedules), and the operations on them
// (list, describe, delete, pause, resume, trigger, backfill).
//
// It registers itself with cli.RegisterCommand from an init function; package main
// imports it for that effect only. Flags, --output json, error messages and exit codes
// are those of the rest of the CLI: 0 ok, 1 the operation failed, 2 usage or an invalid
// plan file (nothing applied), 3 Temporal could not be reached.
package plancmd
