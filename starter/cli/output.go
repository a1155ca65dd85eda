package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

const (
	outputText = "text"
	outputJSON = "json"
)

func validateOutput(format string) error {
	switch format {
	case outputText, outputJSON:
		return nil
	}
	return usageErrorf("--output: %q is not an output format (use text or json)", format)
}

// JSON reports whether the user asked for --output json.
func (a *App) JSON() bool { return a.Output == outputJSON }

// printJSON writes v as indented JSON, the --output json form of every command.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// printError writes err to w; an error joining several (every violation of a
// validation) is written one per line, however deeply the joins nest.
func printError(w io.Writer, err error) {
	var e *exitError
	inner := err
	if errors.As(err, &e) {
		inner = e.err
	}
	leaves := flattenJoined(inner)
	if len(leaves) <= 1 {
		fmt.Fprintf(w, "regioncopy: %v\n", err)
		return
	}
	lines := make([]string, len(leaves))
	for i, l := range leaves {
		lines[i] = "  " + l.Error()
	}
	fmt.Fprintf(w, "regioncopy: %d problems:\n%s\n", len(lines), strings.Join(lines, "\n"))
}

// flattenJoined lists the errors inside errors.Join values, recursively; any other
// error is a leaf.
func flattenJoined(err error) []error {
	if err == nil {
		return nil
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return []error{err}
	}
	var out []error
	for _, e := range joined.Unwrap() {
		out = append(out, flattenJoined(e)...)
	}
	return out
}

// newTable returns a writer that aligns tab-separated columns; call Flush when done.
func newTable(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
}

// formatTime prints a time for text output, "-" when unset.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

// orDash prints "-" for an empty string in text tables.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
