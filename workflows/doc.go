// Package workflows holds regioncopy's Temporal workflows: deterministic orchestration
// only. It calls AWS through activities named by the model.Act* constants, so it imports
// neither package activities nor any AWS package, and it applies the cross-Region rules
// of package policy.
//
//   - CopyRecoveryPoint (request.go, request_checks.go): one on-demand request, `regioncopy
//     copy`. Checks everything before anything starts, hands one order per destination to
//     that destination's chain and waits for every chain's answer.
//   - CopyChain (chain*.go): the entity workflow of one (resource, source Region,
//     destination vault), model.ChainKey. Serializes copies so only the first is full; records every copy;
//     runs each live copy's lifecycle on durable timers; never lets its newest copy expire
//     before a newer one has landed; continues as new between copies. A run started
//     without carried state (first run, or after termination or lost history) first adopts
//     the copies from its source Region already in its vault (chain_adopt.go), so they
//     keep their timers and guard, the next copy stays incremental and is recorded so,
//     and an order for an adopted copy's recovery point starts no job.
//
// The walk of one copy: request → EnqueueCopy (signal-with-start) → chain → StartCopyJob
// with a token derived from the chain's identity → PollCopyJob (one activity whose attempts
// wait in the worker for its Region watcher to list the job as ended) → DescribeRecoveryPoint of the new copy → copy-result signal back to
// the request. Each workflow keeps its state in one struct and publishes it (search
// attributes, current details) from one method, updateStatus.
package workflows
