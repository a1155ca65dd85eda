package awscron_test

import (
	"fmt"
	"time"

	"github.com/regioncopy/regioncopy/awscron"
)

// The last Friday of every month at 23:00 in Paris becomes four Temporal calendars, one
// per month length (February's split by leap year); Next says when AWS runs it.
func ExampleExpression_ScheduleSpec() {
	e, err := awscron.Parse("cron(0 23 ? * 6L *)")
	if err != nil {
		panic(err)
	}
	spec, err := e.ScheduleSpec("Europe/Paris")
	if err != nil {
		panic(err)
	}
	for _, c := range spec.Calendars {
		fmt.Println(c.Comment)
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	next := e.Next(time.Date(2028, 2, 1, 0, 0, 0, 0, time.UTC), paris)
	fmt.Println(next.In(paris).Format("Mon 2006-01-02 15:04 MST"))
	// Output:
	// cron(0 23 ? * 6L *) (last Friday, 31-day months)
	// cron(0 23 ? * 6L *) (last Friday, 30-day months)
	// cron(0 23 ? * 6L *) (last Friday, 29-day months)
	// cron(0 23 ? * 6L *) (last Friday, 28-day months)
	// Fri 2028-02-25 23:00 CET
}

func ExampleParse_error() {
	_, err := awscron.Parse("cron(0 10 * * MON *)")
	fmt.Println(err)
	// Output:
	// schedule expression "cron(0 10 * * MON *)": Day-of-month: one of Day-of-month and Day-of-week must be ? (AWS does not combine them); got "*" and "MON"
}
