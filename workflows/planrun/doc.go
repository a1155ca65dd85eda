// Package planrun holds the workflows of a scheduled plan run: PlanRun, which a plan
// rule's Temporal Schedule starts at every nominal time, and PlanResource, its child for
// one resource (or, in a copy-only plan, one recovery point).
//
// A run reads its nominal time from the TemporalScheduledStartTime search attribute,
// ends at once when the schedule fired only because daylight saving time repeated an
// hour, and then takes up the selected resources page by page in ARN order. Each
// resource gets a PlanResource child that starts a backup job in the rule's vault within
// the start window, waits for it, and hands the recovery point to the destination chain
// of every copy action through the EnqueueCopy activity. The chains (package workflows)
// serialize the copies, so the first copy of a resource into a vault is full and the
// rest incremental.
//
// What a run bounds is backups in flight: at most maxBackupsInFlight children that have
// not yet handed their point over. A child reports to the run by signal
// (model.PlanResourceReport) when it has handed over copies to wait for, which frees its
// slot, and again at its end with its result; copies of hours therefore never hold back
// the backups of later resources, which all start within their start window as AWS
// starts them. The children count what the run knows of them (model.PlanRunProgress:
// AwaitingHandOver, AwaitingLandings), not the Temporal futures of one execution.
//
// A run proves its copies rather than trusting the hand-over. Each order names the
// child as its requester (model.CopyOrder.RequesterWorkflowId), and the child waits for
// the chain's model.SignalCopyResult, one per destination, for at most the rule's
// completion window (scaled by the time scale). Each copy is then LANDED (the chain's
// record: copy job, destination recovery point, FULL or INCREMENTAL, size, completion
// time), FAILED (AWS's reason), SUPERSEDED (a coalescing chain copied a newer point) or
// NOT_LANDED_IN_TIME; in the last case the chain keeps the order and may still land the
// copy, and its records will show it, but this run does not wait longer. The run counts
// the copies by outcome (model.PlanRunLandingTally), lists them (the first
// model.MaxPlanRunCopies) and is COMPLETED only when every copy it handed over landed
// or was superseded (a coalescing chain copied a newer point of the resource instead,
// whose own run proves it), PARTIAL otherwise.
//
// History stays bounded however many resources a rule covers: after resourcesPerRun
// resources (or when Temporal suggests it) the run continues as new without waiting for
// its children, carrying the cursor (the last ARN taken up), the tallies, a bounded list
// of failures and copies, and the counts of children still owing a report. Children are
// started with ParentClosePolicy ABANDON and report to the workflow id, so their reports
// reach the current run; one execution has at most resourcesPerRun children pending,
// far below Temporal's 2,000. The last run, every resource taken up, waits for every
// report, at most until ReportsDueBy (the longest a child can take: start window and
// completion windows, from its start or its hand-over); a child still silent then was
// terminated and is counted as failed. A resource that fails is recorded and reported
// (result, CopyState search attribute, current details) and never stops the others. A
// resource left with nothing to copy (its backup failed, was missed or expired) hands each
// destination with an RPO an RPO expectation instead (expectation.go), so its chain turns
// BREACH when the RPO passes without a copy, as the report shows it.
//
// The code is deterministic: it imports model, policy, awscron and the Temporal SDK,
// never package activities or AWS.
package planrun
