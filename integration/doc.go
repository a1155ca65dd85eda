// Package integration holds regioncopy's end-to-end tests: the real Temporal dev server
// (the pinned CLI), the AWS Backup emulator on a fast clock, the real worker and the
// `regioncopy` command path, all started by package devstack. They prove the promises
// users rely on by the emulator's own counters: copies land, the second copy of a
// resource is incremental, asking twice starts one copy job, invalid requests start
// nothing, copies are deleted at expiry, a worker killed mid-copy loses nothing, and a
// worker stopped past a plan's RPO leaves the resource AT_RISK then BREACH in the report,
// then in the search attribute, the metrics and the webhook once it is back, until a new
// copy lands.
package integration
