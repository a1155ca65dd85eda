// Package schedules runs a plan's rules on Temporal Schedules: one schedule per rule,
// created, updated in place or deleted so that the schedules match the plan file
// (Apply, with a dry run that lists the differences), plus pause, resume, trigger,
// backfill and delete for a whole plan or one rule.
//
// Each schedule starts the PlanRun workflow (model.WorkflowPlanRun) with the rule as a
// model.PlanRunInput. Its spec is the exact conversion of the rule's AWS schedule
// expression by package awscron.
//
// # Policies, chosen to behave as AWS Backup does
//
//   - Overlap: BUFFER_ONE. AWS starts a rule's jobs at each scheduled time whatever the
//     previous run is doing (jobs of one resource then wait for each other). A run that
//     comes due while the previous one is still running is therefore kept, not skipped:
//     it starts as soon as that one ends, and only one such run is kept, since two
//     waiting runs would back up the same resources twice in a row. PlanRun itself
//     skips backups whose start window has passed by then, as AWS expires a job that
//     could not start within StartWindowMinutes.
//   - CatchupWindow: the rule's StartWindowMinutes (AWS's default, 8 hours, when unset).
//     A run missed while Temporal was unavailable is still started if AWS would still
//     start it, and dropped otherwise.
//   - PauseOnFailure: off. One failed run must not stop a compliance schedule; PlanRun
//     reports failures per resource.
//   - A rate(...) expression counts from the Unix epoch (see awscron), so re-applying a
//     plan never moves its schedule.
//
// Apply never changes whether a schedule is paused: that is the operator's decision,
// made with Pause and Resume.
//
// Schedule ids are "plan/<BackupPlanName>/<RuleName>"; the workflows they start have ids
// "planrun/<BackupPlanName>/<RuleName>-<time>" (Temporal adds the time). Schedules and
// runs carry the Plan search attribute, which must be registered in the namespace (the
// worker registers it at start-up).
package schedules
