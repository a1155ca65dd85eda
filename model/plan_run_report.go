package model

// A PlanResource child reports to its PlanRun by signal, not through its result: the
// run bounds the backups in flight, not the copies still landing, and continues as new
// while children wait for their copies, so a child must reach whichever run of the
// PlanRun is current. A signal to the workflow id (no run id) does.

// SignalPlanResourceReport carries a PlanResourceReport from a child to its PlanRun.
const SignalPlanResourceReport = "plan-resource-report"

// What a PlanResourceReport says.
const (
	// PlanReportHandedOver: the backup is done and the recovery point handed to its
	// chains; the child now waits for its copies to land and sends PlanReportFinished
	// when they have (or the completion window has passed).
	PlanReportHandedOver = "HANDED_OVER"
	// PlanReportFinished: the child's work is over; Result is its final result.
	PlanReportFinished = "FINISHED"
)

// PlanResourceReport is one report of a child. A child sends PlanReportHandedOver
// only when it has copies to wait for, and always one PlanReportFinished, last.
type PlanResourceReport struct {
	WorkflowId string
	Stage      string // PlanReportHandedOver or PlanReportFinished
	// HandedOver, on a PlanReportFinished report, says a PlanReportHandedOver report
	// came first, so the run has already counted the backup and the hand-over.
	HandedOver bool `json:",omitempty"`
	// Result is the child's result so far (after the hand-over: without landings).
	Result PlanResourceResult
}
