package policy

import (
	"errors"
	"fmt"
)

// Violation is one broken rule: which field broke it, which rule (a stable identifier,
// one of the Rule* constants), and a sentence a user can act on.
type Violation struct {
	Field   string
	Rule    string
	Message string
}

// Error names the field and the rule, so a log line or CLI message is enough to fix it.
func (v *Violation) Error() string {
	field := v.Field
	if field == "" {
		field = "(input)"
	}
	return fmt.Sprintf("%s: %s (rule %s)", field, v.Message, v.Rule)
}

// Violations lists every *Violation inside err, in the order they were found, looking
// through errors.Join and %w wrapping. It returns nil for a nil error.
func Violations(err error) []*Violation {
	var out []*Violation
	collectViolations(err, &out)
	return out
}

func collectViolations(err error, out *[]*Violation) {
	if err == nil {
		return
	}
	if v, ok := err.(*Violation); ok {
		*out = append(*out, v)
		return
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			collectViolations(e, out)
		}
	case interface{ Unwrap() error }:
		collectViolations(u.Unwrap(), out)
	}
}

// violations accumulates findings in order; err joins them (nil when there are none).
type violations []error

func (vs *violations) add(field, rule, format string, args ...any) {
	*vs = append(*vs, &Violation{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
}

// addErr appends the violations of a nested check.
func (vs *violations) addErr(err error) {
	for _, v := range Violations(err) {
		*vs = append(*vs, v)
	}
}

func (vs violations) err() error {
	if len(vs) == 0 {
		return nil
	}
	return errors.Join(vs...)
}

// join builds a field path: join("Rules[0]", "Lifecycle") = "Rules[0].Lifecycle", and an
// empty prefix leaves the name bare.
func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	if name == "" {
		return prefix
	}
	return prefix + "." + name
}
