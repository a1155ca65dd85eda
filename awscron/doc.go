// Package awscron reads the schedule expressions of AWS Backup plan rules and turns them
// into Temporal schedule specs that fire at exactly the same instants.
//
// # Expressions
//
// AWS Backup takes EventBridge's two forms:
//
//	cron(Minutes Hours Day-of-month Month Day-of-week Year)
//	rate(Value Unit)            Unit: minute|minutes|hour|hours|day|days
//
// Cron fields accept the values, names and wildcards of AWS's table:
//
//	Minutes       0-59              , - * /
//	Hours         0-23              , - * /
//	Day-of-month  1-31              , - * ? / L W
//	Month         1-12 or JAN-DEC   , - * /
//	Day-of-week   1-7 or SUN-SAT    , - * ? L #
//	Year          1970-2199         , - * /
//
// Exactly one of Day-of-month and Day-of-week is `?`. Day-of-week counts 1 = Sunday.
// `L` alone in Day-of-month is the last day of the month; `nW` is the weekday (Monday to
// Friday) nearest day n within the same month (a Saturday moves back to Friday unless that
// leaves the month, a Sunday moves on to Monday unless that leaves the month); a month
// shorter than n has no such day. In Day-of-week, `L` alone is Saturday (the last day of
// the week), `dL` is the last weekday d of the month and `d#k` is its k-th occurrence
// (k = 1..5). `L`, `W` and `#` stand alone in their field, as in AWS's examples. `a/n`
// counts from a in steps of n to the end of the field's range, `*/n` from its start.
// Ranges run from low to high; names are case-insensitive.
//
// # Time zone and daylight saving time
//
// A cron expression is read in the rule's ScheduleExpressionTimezone (an IANA name, UTC when
// empty). AWS documents two rules for zones with daylight saving time: a local time that
// does not exist (the hour skipped in spring) does not fire, and a local time that exists
// twice (the hour repeated in autumn) fires once. Next implements both, taking the first of
// the two instants. Temporal documents its calendars as matching the clock literally: they
// also skip the missing hour, but fire at both instants of a repeated time. No calendar
// can tell the two instants apart, so the action a schedule starts asks IsDSTRepeat and
// ends at once for such an extra run; schedule and check together are exact.
//
// Known Temporal limitation: the scheduler (server 1.29) finds a wall time with Go's
// time.Date, which in zones east of UTC (Europe, Africa, Asia, Oceania) returns the later
// of two repeated instants, so there it never fires the earlier one that AWS runs (and
// IsDSTRepeat drops the later). A cron time inside the hour repeated when DST ends (02:00-
// 02:59 in the EU) then loses its run on that one day a year. Zones west of UTC (the
// Americas) and zones without DST are exact; a test pins the server's behaviour.
//
// # Rate expressions
//
// AWS counts rate(N unit) from the moment the rule is created. A plan applied again must
// not move its schedule, so the count starts at a fixed anchor instead: the Unix epoch
// unless AnchoredAt sets another. rate(1 hour) fires on the hour, rate(1 day) at 00:00 UTC,
// rate(12 hours) at 00:00 and 12:00 UTC. A day is 24 hours whatever the time zone, as AWS
// says of rate expressions. The Temporal interval gets the same phase, so both agree.
//
// # Conversion
//
// Temporal's ScheduleCalendarSpec ANDs its fields (Day-of-month and Day-of-week included)
// and has no L, W or #. Each AWS day rule becomes one or more calendars, OR'ed by Temporal:
//
//   - L: one calendar per month length (31: JAN, MAR, ...; 30: APR, JUN, ...; 29: FEB in leap
//     years; 28: FEB in other years), each naming that last day.
//   - dL: the same month lengths, days length-6..length AND weekday d.
//   - d#k: days 7k-6..7k AND weekday d.
//   - nW: per month length, one calendar per position of day n in the week: day n on
//     Monday-Friday; day n-1 on Friday (day n is a Saturday); day 3 on Monday (day 1 is a
//     Saturday); day n+1 on Monday (day n is a Sunday); day n-2 on Friday (day n is a Sunday
//     and the last day of the month).
//
// Leap years are spelled out as Year lists. Temporal's calendars know the years 2000-2100
// only (its scheduler fires nothing later), so the conversion is exact through 2100 and
// AWS's years 2101-2199 are out of reach; an expression that could fire only outside
// 2000-2100 is refused.
package awscron
