package report

import (
	"slices"
	"strings"

	"github.com/regioncopy/regioncopy/model"
)

// States are the row states, in the order the summary lists them.
var States = []string{model.RpoBreach, StateUnknown, model.RpoAtRisk, model.RpoOK, model.RpoNone}

// ValidState returns the state named by s in any case.
func ValidState(s string) (string, bool) {
	u := strings.ToUpper(s)
	return u, slices.Contains(States, u)
}

// Meta is what a report says of itself.
type Meta struct {
	Command     string
	PriceFile   string
	RecordsRead int
}

// Build joins a snapshot into a report; state, when set, keeps only the rows in it (the
// summary counts the rows kept).
func Build(s Snapshot, prices Prices, meta Meta, state string) Report {
	rows := Join(s)
	if state != "" {
		rows = slices.DeleteFunc(rows, func(r Row) bool { return r.State != state })
	}
	if rows == nil {
		rows = []Row{}
	}
	summary := map[string]int{}
	for _, st := range States {
		summary[st] = 0
	}
	for _, r := range rows {
		summary[r.State]++
	}
	return Report{
		GeneratedAt:  s.Now,
		Command:      meta.Command,
		Since:        s.Since,
		AtRiskMargin: model.RpoAtRiskMargin,
		Summary:      summary,
		Rows:         rows,
		Costs:        Costs(s, prices),
		Prices:       PriceSource{File: meta.PriceFile, Source: prices.Source, AsOf: prices.AsOf},
		RecordsRead:  meta.RecordsRead,
	}
}

// Proven reports whether every row is OK, AT_RISK or NO_RPO: no BREACH and no UNKNOWN.
func (r Report) Proven() bool { return !slices.ContainsFunc(r.Rows, Failing) }

// StateCount is one state's count of rows.
type StateCount struct {
	State string
	Rows  int
}

// Counts lists the summary in the order of States.
func (r Report) Counts() []StateCount {
	out := make([]StateCount, 0, len(States))
	for _, st := range States {
		out = append(out, StateCount{st, r.Summary[st]})
	}
	return out
}
