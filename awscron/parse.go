package awscron

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Parse reads cron(Minutes Hours Day-of-month Month Day-of-week Year) or rate(Value Unit)
// with AWS's rules; the error names the field and the rule broken.
func Parse(expr string) (Expression, error) {
	text := strings.TrimSpace(expr)
	fail := func(field, format string, args ...any) (Expression, error) {
		return Expression{}, &Error{Expression: text, Field: field, Rule: fmt.Sprintf(format, args...)}
	}
	switch {
	case strings.HasPrefix(text, "cron(") && strings.HasSuffix(text, ")"):
		c, err := parseCron(text, strings.TrimSuffix(strings.TrimPrefix(text, "cron("), ")"))
		if err != nil {
			return Expression{}, err
		}
		return Expression{text: text, cron: c}, nil
	case strings.HasPrefix(text, "rate(") && strings.HasSuffix(text, ")"):
		d, err := parseRate(text, strings.TrimSuffix(strings.TrimPrefix(text, "rate("), ")"))
		if err != nil {
			return Expression{}, err
		}
		return Expression{text: text, rate: d}, nil
	default:
		return fail(FieldExpression, "must be cron(Minutes Hours Day-of-month Month Day-of-week Year) or rate(Value Unit)")
	}
}

// maxRate keeps rate periods within what a Temporal interval and time.Duration hold.
const maxRate = 100 * 365 * 24 * time.Hour

func parseRate(text, body string) (time.Duration, error) {
	fail := func(field, format string, args ...any) (time.Duration, error) {
		return 0, &Error{Expression: text, Field: field, Rule: fmt.Sprintf(format, args...)}
	}
	parts := strings.Fields(body)
	if len(parts) != 2 {
		return fail(FieldExpression, "rate takes two parts, Value and Unit, as in rate(12 hours); got %d", len(parts))
	}
	n, err := parseNumber(parts[0])
	if err != nil || n < 1 {
		return fail(FieldRateValue, "must be a whole number of at least 1, got %q", parts[0])
	}
	var unit time.Duration
	switch strings.TrimSuffix(parts[1], "s") {
	case "minute":
		unit = time.Minute
	case "hour":
		unit = time.Hour
	case "day":
		unit = 24 * time.Hour
	default:
		return fail(FieldRateUnit, "must be minute(s), hour(s) or day(s), got %q", parts[1])
	}
	plural := strings.HasSuffix(parts[1], "s")
	if n == 1 && plural {
		return fail(FieldRateUnit, "is singular when Value is 1 (rate(1 %s), not rate(1 %s))", strings.TrimSuffix(parts[1], "s"), parts[1])
	}
	if n > 1 && !plural {
		return fail(FieldRateUnit, "is plural when Value is more than 1 (rate(%d %ss), not rate(%d %s))", n, parts[1], n, parts[1])
	}
	if n > int(maxRate/unit) {
		return fail(FieldRateValue, "%d %s is longer than 100 years", n, parts[1])
	}
	return time.Duration(n) * unit, nil
}

// fieldDef describes one cron field: its valid values, names and wildcards.
type fieldDef struct {
	name     string
	min, max int
	names    []string // names[i] stands for min+i
	step     bool     // whether / is allowed
}

var (
	minutesDef = fieldDef{name: FieldMinutes, min: 0, max: 59, step: true}
	hoursDef   = fieldDef{name: FieldHours, min: 0, max: 23, step: true}
	domDef     = fieldDef{name: FieldDayOfMonth, min: 1, max: 31, step: true}
	monthDef   = fieldDef{name: FieldMonth, min: 1, max: 12, step: true,
		names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}}
	dowDef = fieldDef{name: FieldDayOfWeek, min: 1, max: 7, step: false,
		names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}}
	yearDef = fieldDef{name: FieldYear, min: firstYear, max: lastYear, step: true}
)

func parseCron(text, body string) (cronFields, error) {
	fail := func(field, format string, args ...any) (cronFields, error) {
		return cronFields{}, &Error{Expression: text, Field: field, Rule: fmt.Sprintf(format, args...)}
	}
	f := strings.Fields(body)
	if len(f) != 6 {
		return fail(FieldExpression, "cron takes six fields (Minutes Hours Day-of-month Month Day-of-week Year), got %d", len(f))
	}
	var c cronFields
	var err error
	collect := func(def fieldDef, s string, add func(int)) {
		if err == nil {
			err = parseList(text, def, s, add)
		}
	}
	collect(minutesDef, f[0], c.minutes.add)
	collect(hoursDef, f[1], c.hours.add)
	collect(monthDef, f[3], c.months.add)
	collect(yearDef, f[5], c.years.add)
	if err != nil {
		return cronFields{}, err
	}

	dom, dow := f[2], f[4]
	switch {
	case dom == "?" && dow == "?":
		return fail(FieldDayOfMonth, "only one of Day-of-month and Day-of-week may be ?; the other says which days run")
	case dom != "?" && dow != "?":
		return fail(FieldDayOfMonth, "one of Day-of-month and Day-of-week must be ? (AWS does not combine them); got %q and %q", dom, dow)
	case dow == "?":
		c.day, err = parseDayOfMonth(text, dom)
	default:
		c.day, err = parseDayOfWeek(text, dow)
	}
	return c, err
}

func parseDayOfMonth(text, s string) (dayRule, error) {
	fail := func(format string, args ...any) (dayRule, error) {
		return dayRule{}, &Error{Expression: text, Field: FieldDayOfMonth, Rule: fmt.Sprintf(format, args...)}
	}
	switch {
	case s == "L":
		return dayRule{kind: lastDayOfMonth}, nil
	case strings.Contains(s, "L"):
		return fail("L stands alone (the last day of the month), not in lists, ranges, L-n or LW; got %q", s)
	case strings.HasSuffix(s, "W"):
		n, err := parseNumber(strings.TrimSuffix(s, "W"))
		if err != nil || n < 1 || n > 31 {
			return fail("W follows one day 1-31, as in 15W (the weekday nearest the 15th); got %q", s)
		}
		return dayRule{kind: nearestWeekday, day: n}, nil
	case strings.Contains(s, "W"):
		return fail("W stands alone after one day (nW such as 15W), not in lists or ranges; got %q", s)
	case strings.Contains(s, "#"):
		return fail("# belongs to Day-of-week (as in 2#1), got %q", s)
	}
	r := dayRule{kind: daysOfMonth}
	if err := parseList(text, domDef, s, r.days.add); err != nil {
		return dayRule{}, err
	}
	return r, nil
}

func parseDayOfWeek(text, s string) (dayRule, error) {
	fail := func(format string, args ...any) (dayRule, error) {
		return dayRule{}, &Error{Expression: text, Field: FieldDayOfWeek, Rule: fmt.Sprintf(format, args...)}
	}
	if s == "L" {
		// L alone is the last day of the week: every Saturday.
		return dayRule{kind: daysOfWeek, days: 1 << time.Saturday}, nil
	}
	if d, ok := strings.CutSuffix(s, "L"); ok {
		wd, err := parseValue(dowDef, d)
		if err != nil {
			return fail("L follows one weekday 1-7 or SUN-SAT, as in 6L (the last Friday); got %q", s)
		}
		return dayRule{kind: lastWeekdayOfMonth, weekday: wd - 1}, nil
	}
	if d, k, ok := strings.Cut(s, "#"); ok {
		wd, err := parseValue(dowDef, d)
		if err != nil {
			return fail("# follows one weekday 1-7 or SUN-SAT, as in 2#1 (the first Monday); got %q", s)
		}
		n, err := parseNumber(k)
		if err != nil || n < 1 || n > 5 {
			return fail("# is followed by the occurrence 1-5 in the month, as in 2#1; got %q", s)
		}
		return dayRule{kind: nthWeekdayOfMonth, weekday: wd - 1, nth: n}, nil
	}
	if strings.ContainsAny(s, "LW") && !isNameList(s) {
		return fail("L stands alone (L, or dL such as 6L) and W belongs to Day-of-month; got %q", s)
	}
	r := dayRule{kind: daysOfWeek}
	// AWS counts 1 = Sunday; Go and Temporal count 0 = Sunday.
	if err := parseList(text, dowDef, s, func(v int) { r.days.add(v - 1) }); err != nil {
		return dayRule{}, err
	}
	return r, nil
}

// isNameList reports whether every letter in s belongs to a weekday name, so that the L
// or W in a name (there is none today, but lists like WED-SAT contain a W) is not taken
// for a wildcard.
func isNameList(s string) bool {
	for item := range strings.SplitSeq(s, ",") {
		for bound := range strings.SplitSeq(item, "-") {
			if _, err := parseNumber(bound); err == nil || bound == "" || bound == "*" {
				continue
			}
			if _, err := parseValue(dowDef, bound); err != nil {
				return false
			}
		}
	}
	return true
}

// parseList reads a comma-separated list of *, */n, a, a-b, a/n, a-b/n and calls add for
// every value it covers.
func parseList(text string, def fieldDef, s string, add func(int)) error {
	fail := func(format string, args ...any) error {
		return &Error{Expression: text, Field: def.name, Rule: fmt.Sprintf(format, args...)}
	}
	if s == "?" {
		return fail("? is only for Day-of-month or Day-of-week")
	}
	for item := range strings.SplitSeq(s, ",") {
		if item == "" {
			return fail("empty item in list %q", s)
		}
		rangePart, stepPart, hasStep := strings.Cut(item, "/")
		step := 1
		if hasStep {
			if !def.step {
				return fail("/ is not allowed here (AWS allows , - * ? L # in Day-of-week); got %q", item)
			}
			n, err := parseNumber(stepPart)
			if err != nil || n < 1 || n > def.max-def.min+1 {
				return fail("step after / must be a whole number 1-%d, got %q", def.max-def.min+1, item)
			}
			step = n
		}
		lo, hi := def.min, def.max
		switch {
		case rangePart == "*":
		case strings.Contains(rangePart, "-"):
			a, b, _ := strings.Cut(rangePart, "-")
			var err error
			if lo, err = parseValue(def, a); err != nil {
				return fail("%v in %q", err, item)
			}
			if hi, err = parseValue(def, b); err != nil {
				return fail("%v in %q", err, item)
			}
			if lo > hi {
				return fail("range %q runs backwards; write it from low to high", rangePart)
			}
		default:
			v, err := parseValue(def, rangePart)
			if err != nil {
				return fail("%v in %q", err, item)
			}
			lo = v
			if !hasStep {
				hi = v // a/n runs to the end of the field; a alone is just a
			}
		}
		for v := lo; v <= hi; v += step {
			add(v)
		}
	}
	return nil
}

// parseValue reads one number or name of a field and checks its range.
func parseValue(def fieldDef, s string) (int, error) {
	for i, name := range def.names {
		if strings.EqualFold(s, name) {
			return def.min + i, nil
		}
	}
	v, err := parseNumber(s)
	if err != nil {
		if len(def.names) > 0 {
			return 0, fmt.Errorf("%q is not a number %d-%d or a name %s-%s", s, def.min, def.max, def.names[0], def.names[len(def.names)-1])
		}
		return 0, fmt.Errorf("%q is not a number %d-%d", s, def.min, def.max)
	}
	if v < def.min || v > def.max {
		return 0, fmt.Errorf("%d is outside %d-%d", v, def.min, def.max)
	}
	return v, nil
}

// parseNumber accepts plain decimal digits only: no sign, no spaces, no base prefixes.
func parseNumber(s string) (int, error) {
	if s == "" || len(s) > 9 {
		return 0, fmt.Errorf("not a number: %q", s)
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("not a number: %q", s)
		}
	}
	return strconv.Atoi(s)
}
