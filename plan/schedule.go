package plan

// DefaultScheduleCheck validates ScheduleExpression when Options.CheckSchedule is nil.
var DefaultScheduleCheck func(expr string) error
