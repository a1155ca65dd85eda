// Package devserver runs the Temporal dev server (`temporal server start-dev` of the
// pinned Temporal CLI) as a child process: in its own process group, killed with this
// process, started again on fresh ports when it dies before answering, and stopped in
// order. The local stack (package devstack) and the tests' servers
// (temporalclient/temporaltest) both start it here.
package devserver
