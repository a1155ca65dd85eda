package report

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Output formats.
const (
	FormatTable = "table"
	FormatJSON  = "json"
	FormatCSV   = "csv"
	FormatHTML  = "html"
)

// Formats lists the output formats.
var Formats = []string{FormatTable, FormatJSON, FormatCSV, FormatHTML}

// Write renders r in format.
func Write(w io.Writer, format string, r Report) error {
	switch format {
	case FormatTable:
		return writeTable(w, r)
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	case FormatCSV:
		return writeCSV(w, r)
	case FormatHTML:
		return writeHTML(w, r)
	}
	return fmt.Errorf("%q is not an output format (use %s)", format, strings.Join(Formats, ", "))
}

// atRiskRule is the AT_RISK rule in words, printed with every report.
func atRiskRule(r Report) string {
	return fmt.Sprintf("AT_RISK: within the RPO, with less than %.0f%% of it left before the deadline (the newest copy's source creation time plus the RPO); BREACH: past the deadline, or no copy at all; UNKNOWN: the destination vault could not be read.",
		r.AtRiskMargin*100)
}

// summaryLine is "BREACH 1, UNKNOWN 0, AT_RISK 0, OK 3, NO_RPO 2".
func summaryLine(r Report) string {
	parts := make([]string, 0, len(States))
	for _, st := range States {
		parts = append(parts, fmt.Sprintf("%s %d", st, r.Summary[st]))
	}
	return strings.Join(parts, ", ")
}

func findingCodes(r Row) string {
	var codes []string
	for _, f := range r.Findings {
		codes = append(codes, f.Code)
	}
	slices.Sort(codes)
	return strings.Join(slices.Compact(codes), ",")
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func rpoText(minutes int64) string {
	if minutes == 0 {
		return "-"
	}
	return (time.Duration(minutes) * time.Minute).String()
}
