package workflows

// Change ids of workflow.GetVersion. Every change of a released workflow's commands is
// gated by one, so that the histories of runs started by an earlier release replay on
// this code (replay_test.go keeps histories of each release).
const (
	// changeLocalCalls (version 1, after v0.1.0): a request runs its checks and hands its
	// orders over as local activities and publishes its search attributes once, after the
	// checks; a chain answers its requesters through the local activity AnswerRequester
	// instead of signalling them as a command, and publishes its state after taking the
	// orders that are already delivered. A copy to one destination then costs five
	// workflow tasks and two activity tasks instead of eight and six
	// (bench/results/latest.md, throughput). StartCopyJob stays an activity: it is
	// scheduled durably before AWS is called, so a workflow task lost after a local start
	// could not send the same token with another recovery point on its retry.
	//
	// Version 2: a chain run starts from the search attributes it already holds (set at
	// its start by EnqueueCopy, or carried over by continue-as-new) and upserts only
	// those that differ, so a new chain's first copy and a continued run need one
	// UpsertWorkflowSearchAttributes event, and visibility write, fewer. Requests stay on
	// version 1.
	changeLocalCalls = "local-calls"
)
