package plan

import (
	"fmt"
	"os"
	"reflect"
	"time"

	"github.com/regioncopy/regioncopy/policy"
)

// Options tunes validation.
type Options struct {
	// Rules are the cross-Region rules to apply; nil means policy.Default().
	Rules *policy.Rules
	// DefaultRegion is the source Region when the file's RegionCopy.SourceRegion is
	// empty: the Region the CLI runs against (--region, AWS_REGION, profile).
	DefaultRegion string
	// Now is the instant a schedule must still run after (a cron whose years have all
	// passed is refused); nil means time.Now.
	Now func() time.Time
}

// Load reads and parses the plan file at path (see Parse).
func Load(path string, opts Options) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read plan file: %w", err)
	}
	return Parse(path, data, opts)
}

// Parse decodes a plan file strictly and validates it. It returns the plan, or nil and an
// error holding every problem found (errors.Join of *Problem, listed by Problems; each is
// also a *policy.Violation). name is only used in messages.
func Parse(name string, data []byte, opts Options) (*File, error) {
	f, r := decode(name, data)
	if f == nil {
		return nil, r.err()
	}
	r.validate(f, opts)
	if err := r.err(); err != nil {
		return nil, err
	}
	return f, nil
}

// Decode only decodes: it reports JSON syntax, unknown and duplicate members and wrong
// types, but checks no rule. Use it to read a plan that was validated before.
func Decode(name string, data []byte) (*File, error) {
	f, r := decode(name, data)
	if err := r.err(); err != nil {
		return nil, err
	}
	return f, nil
}

// decode returns the file (nil after a syntax error, when nothing could be read) and the
// report holding the problems found so far.
func decode(name string, data []byte) (*File, *report) {
	r := &report{file: name, data: data, pos: map[string]int64{}}
	root, err := parseTree(data)
	if err != nil {
		se := err.(*syntaxError)
		r.addAt(se.off, "", RuleJSONSyntax, "%s", se.msg)
		return nil, r
	}
	if root.kind != kindObject {
		r.addAt(root.off, "", RuleJSONType, "a plan file is a JSON object with BackupPlan, BackupSelection and RegionCopy, got %s", root.kind)
		return nil, r
	}
	f := &File{}
	r.decodeValue(root, reflect.ValueOf(f).Elem(), "")
	return f, r
}
