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
//   - Overlap: ALLOW_ALL. AWS starts a rule's jobs at each scheduled time whatever the
//     previous run is doing (jobs of one resource then wait for each other). A run lasts
//     until its copies have landed, which may be hours after its backups, so every run
//     starts at its own time rather than waiting for the previous one: a run that
//     waited (BUFFER_ONE) would take its backups late, and further runs coming due
//     meanwhile would be dropped. Concurrent runs are safe: their children, backup
//     tokens and chain orders are keyed by nominal time, and each chain serializes the
//     copies of one resource. PlanRun skips backups whose start window has passed, as
//     AWS expires a job that could not start within StartWindowMinutes.
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
