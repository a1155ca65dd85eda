package activities

import (
	"slices"
	"strings"

	"github.com/regioncopy/regioncopy/model"
)

// conditionKeyPrefix is how a backup selection's Conditions name a tag
// (aws:ResourceTag/Department); ListOfTags names it bare (Department).
const conditionKeyPrefix = "aws:ResourceTag/"

// selector evaluates a backup selection the way AWS Backup assigns resources:
//
//	(Resources match OR any ListOfTags condition matches)
//	AND every Conditions entry matches
//	AND no NotResources entry matches
//
// A selection with neither Resources nor ListOfTags starts from every resource, so
// Conditions alone can select. Resource patterns are ARNs where "*" matches any run of
// characters ("*" alone matches everything).
type selector struct {
	sel model.PlanSelection
}

// needsInventory reports whether the selection can only be resolved by listing the
// Region's resources and their tags: any tag condition or any wildcard pattern. A
// selection of plain ARNs (NotResources may hold patterns) needs no listing at all.
func (s selector) needsInventory() bool {
	c := s.sel.Conditions
	if len(s.sel.ListOfTags) > 0 || len(c.StringEquals)+len(c.StringNotEquals)+len(c.StringLike)+len(c.StringNotLike) > 0 {
		return true
	}
	if len(s.sel.Resources) == 0 {
		return true
	}
	return slices.ContainsFunc(s.sel.Resources, func(r string) bool { return strings.Contains(r, "*") })
}

// explicitArns returns the wildcard-free ARNs of Resources, sorted and without repeats.
func (s selector) explicitArns() []string {
	var out []string
	for _, r := range s.sel.Resources {
		if r != "" && !strings.Contains(r, "*") {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// matches reports whether the selection covers the resource arn with the given tags
// (nil when the resource has none or they are unknown).
func (s selector) matches(arn string, tags map[string]string) bool {
	base := len(s.sel.Resources) == 0 && len(s.sel.ListOfTags) == 0
	for _, p := range s.sel.Resources {
		if globMatch(p, arn) {
			base = true
			break
		}
	}
	if !base {
		for _, c := range s.sel.ListOfTags {
			if v, ok := tags[tagKey(c.ConditionKey)]; ok && v == c.ConditionValue {
				base = true
				break
			}
		}
	}
	if !base || !s.conditionsHold(tags) {
		return false
	}
	for _, p := range s.sel.NotResources {
		if globMatch(p, arn) {
			return false
		}
	}
	return true
}

// conditionsHold applies Conditions with IAM's string operators: the positive ones need
// the tag present; the negated ones also hold when the tag is absent.
func (s selector) conditionsHold(tags map[string]string) bool {
	c := s.sel.Conditions
	for _, e := range c.StringEquals {
		if v, ok := tags[tagKey(e.ConditionKey)]; !ok || v != e.ConditionValue {
			return false
		}
	}
	for _, e := range c.StringNotEquals {
		if v, ok := tags[tagKey(e.ConditionKey)]; ok && v == e.ConditionValue {
			return false
		}
	}
	for _, e := range c.StringLike {
		if v, ok := tags[tagKey(e.ConditionKey)]; !ok || !globMatch(e.ConditionValue, v) {
			return false
		}
	}
	for _, e := range c.StringNotLike {
		if v, ok := tags[tagKey(e.ConditionKey)]; ok && globMatch(e.ConditionValue, v) {
			return false
		}
	}
	return true
}

func tagKey(k string) string { return strings.TrimPrefix(k, conditionKeyPrefix) }

// globMatch matches s against pattern, where "*" stands for any run of characters and
// "?" for one character (IAM's StringLike). Unlike path.Match, "/" and ":" are ordinary
// characters, as they are inside ARNs.
func globMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			// Let the last star swallow one more character and retry from there.
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
