package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/regioncopy/regioncopy/policy"
)

// Rule identifiers of plan-file problems, in addition to the policy.Rule* ones.
const (
	RuleJSONSyntax        = "json-syntax"
	RuleUnknownMember     = "unknown-member"
	RuleDuplicateMember   = "duplicate-member"
	RuleJSONType          = "json-type"
	RuleNameSyntax        = "name-syntax"
	RuleDuplicateName     = "duplicate-name"
	RuleScheduleSyntax    = "schedule-syntax"
	RuleScheduleTemporal  = "schedule-not-temporal"
	RuleTimezone          = "timezone"
	RuleUnsupported       = policy.RuleUnsupported
	RuleNotValidAsInput   = "not-valid-as-input"
	RuleUnknownDest       = "destination-without-copy-action"
	RuleSelectionLimit    = "max-selection-resources"
	RuleConditionType     = "condition-type"
	RuleConditionKey      = "condition-key"
	RuleRPO               = "rpo-minutes"
	RuleResourceNotRegion = "resource-outside-source-region"
)

// Problem is one thing wrong with a plan file: the policy.Violation (Field is the JSON
// path, e.g. BackupPlan.Rules[1].CopyActions[0].Lifecycle.DeleteAfterDays) and where it
// is in the file. Line and Column are 1-based; they point at the offending value, or at
// the nearest enclosing value that exists when the member is missing.
type Problem struct {
	policy.Violation
	File   string
	Line   int
	Column int
}

// Error reads like a compiler message: file:line:column: path: message (rule r).
func (p *Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		b.WriteString(":")
	}
	if p.Line > 0 {
		fmt.Fprintf(&b, "%d:%d:", p.Line, p.Column)
	}
	if b.Len() > 0 {
		b.WriteString(" ")
	}
	if p.Field == "" {
		// Problems of the file as a whole (syntax) have no path to name.
		fmt.Fprintf(&b, "%s (rule %s)", p.Message, p.Rule)
	} else {
		b.WriteString(p.Violation.Error())
	}
	return b.String()
}

// Unwrap exposes the violation, so policy.Violations lists plan problems too.
func (p *Problem) Unwrap() error { return &p.Violation }

// Problems lists every *Problem in err, in file order.
func Problems(err error) []*Problem {
	var out []*Problem
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if p, ok := err.(*Problem); ok {
			out = append(out, p)
			return
		}
		if u, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range u.Unwrap() {
				walk(e)
			}
		} else if u, ok := err.(interface{ Unwrap() error }); ok {
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// report gathers problems while a file is decoded and validated.
type report struct {
	file string
	data []byte
	// pos maps a JSON path to the offset of its value; it is only looked up, never
	// iterated, so the output does not depend on map order.
	pos      map[string]int64
	problems []*Problem
}

func (r *report) addAt(off int64, path, rule, format string, args ...any) {
	line, col := r.lineCol(off)
	r.problems = append(r.problems, &Problem{
		Violation: policy.Violation{Field: path, Rule: rule, Message: fmt.Sprintf(format, args...)},
		File:      r.file, Line: line, Column: col,
	})
}

// add places a problem by its path: the value at that path, or the nearest ancestor
// present in the file.
func (r *report) add(path, rule, format string, args ...any) {
	r.addAt(r.offsetOf(path), path, rule, format, args...)
}

// addErr places every violation of a policy check by its field path.
func (r *report) addErr(err error) {
	for _, v := range policy.Violations(err) {
		r.addAt(r.offsetOf(v.Field), v.Field, v.Rule, "%s", v.Message)
	}
}

func (r *report) offsetOf(path string) int64 {
	for p := path; ; p = parentPath(p) {
		if off, ok := r.pos[p]; ok {
			return off
		}
		if p == "" {
			return -1
		}
	}
}

// parentPath drops the last segment: a.b[2].c -> a.b[2] -> a.b -> a -> "".
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

func (r *report) lineCol(off int64) (int, int) {
	if off < 0 || r.data == nil {
		return 0, 0
	}
	if off > int64(len(r.data)) {
		off = int64(len(r.data))
	}
	before := r.data[:off]
	line := 1 + strings.Count(string(before), "\n")
	lineStart := strings.LastIndexByte(string(before), '\n') + 1
	return line, 1 + utf8.RuneCount(before[lineStart:])
}

// err returns the problems in file order (then in the order found), each once.
func (r *report) err() error {
	if len(r.problems) == 0 {
		return nil
	}
	ps := slices.Clone(r.problems)
	slices.SortStableFunc(ps, func(a, b *Problem) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
	var errs []error
	for i, p := range ps {
		dup := false
		for _, q := range ps[:i] {
			if q.Field == p.Field && q.Rule == p.Rule && q.Message == p.Message {
				dup = true
				break
			}
		}
		if !dup {
			errs = append(errs, p)
		}
	}
	return errors.Join(errs...)
}
