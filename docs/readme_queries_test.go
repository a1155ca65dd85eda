// Package docs holds the project's documents; its test checks that the README's Temporal
// UI links are queries the Temporal server accepts.
package docs

import (
	"context"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient/temporaltest"
)

const (
	readmeFile       = "../README.md"
	dashboardHeading = "## The Temporal UI as the dashboard"
	// uiListPrefix is the workflow list of `make dev`'s Temporal UI.
	uiListPrefix = "http://localhost:8233/namespaces/default/workflows?"
)

// uiLink is one list link of the README's dashboard section and the query shown beside it.
type uiLink struct {
	text, rawURL, shown string
}

var (
	// A list item: [text](url), then the query in backticks on the item's last line.
	linkPattern  = regexp.MustCompile(`(?m)^- \[([^\]]+)\]\(([^)\s]+)\)[^` + "`" + `]*` + "`([^`]+)`")
	equalPattern = regexp.MustCompile(`(\w+) = "([^"]*)"`)
	inPattern    = regexp.MustCompile(`(\w+) IN \(([^)]*)\)`)
)

// statesOf lists the CopyState values each workflow type sets.
var statesOf = map[string][]string{
	model.WorkflowCopyChain: {model.ChainIdle, model.ChainCopying, model.ChainFailed},
	model.WorkflowCopyRecoveryPoint: {model.RequestValidating, model.RequestRejected, model.RequestCopying,
		model.RequestCompleted, model.RequestFailed, model.RequestCanceled},
	model.WorkflowPlanRun: {model.PlanRunRunning, model.PlanRunCompleted, model.PlanRunPartial, model.PlanRunSkipped},
	model.WorkflowPlanResource: {model.PlanResourceBackingUp, model.PlanResourceWaiting, model.PlanResourceHandingOff,
		model.PlanRunCompleted, model.PlanResourceMissed, model.PlanResourceFailed},
}

var rpoStates = []string{model.RpoOK, model.RpoAtRisk, model.RpoBreach, model.RpoNone}

// dashboardLinks returns the links of the README's dashboard section.
func dashboardLinks(t *testing.T) []uiLink {
	t.Helper()
	b, err := os.ReadFile(readmeFile)
	if err != nil {
		t.Fatal(err)
	}
	_, section, found := strings.Cut(string(b), "\n"+dashboardHeading+"\n")
	if !found {
		t.Fatalf("%s has no section %q", readmeFile, dashboardHeading)
	}
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	var links []uiLink
	for _, m := range linkPattern.FindAllStringSubmatch(section, -1) {
		links = append(links, uiLink{text: m[1], rawURL: m[2], shown: m[3]})
	}
	if n := strings.Count(section, "]("+uiListPrefix); n != len(links) || n == 0 {
		t.Fatalf("the dashboard section has %d UI links, %d of them as `- [text](link): `query`` items", n, len(links))
	}
	return links
}

// linkQuery returns the list filter a link opens, checking that the link is the UI's
// workflow list and that the query is percent-encoded as a URL's query must be.
func linkQuery(l uiLink) (string, []string) {
	var problems []string
	if !strings.HasPrefix(l.rawURL, uiListPrefix) {
		problems = append(problems, "does not open "+uiListPrefix)
	}
	u, err := url.Parse(l.rawURL)
	if err != nil {
		return "", append(problems, err.Error())
	}
	values, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", append(problems, err.Error())
	}
	q := values.Get("query")
	if len(values) != 1 || q == "" {
		problems = append(problems, "wants one parameter, query; has "+u.RawQuery)
	}
	// Spaces as %20 rather than +: the form the UI itself writes, read the same by every parser.
	if want := "query=" + strings.ReplaceAll(url.QueryEscape(q), "+", "%20"); u.RawQuery != want {
		problems = append(problems, "query is not percent-encoded: want "+want)
	}
	if q != l.shown {
		problems = append(problems, "opens "+q+", but the README shows "+l.shown)
	}
	return q, problems
}

// valueProblems checks the values the query compares WorkflowType, CopyState and
// RpoState with against those the workflows set: the server accepts any string.
func valueProblems(q string) []string {
	values := map[string][]string{}
	for _, m := range equalPattern.FindAllStringSubmatch(q, -1) {
		values[m[1]] = append(values[m[1]], m[2])
	}
	for _, m := range inPattern.FindAllStringSubmatch(q, -1) {
		for _, v := range strings.Split(m[2], ",") {
			values[m[1]] = append(values[m[1]], strings.Trim(strings.TrimSpace(v), `"`))
		}
	}
	var problems []string
	types := values["WorkflowType"]
	if len(types) != 1 {
		return append(problems, "names no single WorkflowType")
	}
	states, ok := statesOf[types[0]]
	if !ok {
		return append(problems, "WorkflowType "+types[0]+" is none of regioncopy's")
	}
	for _, s := range values["CopyState"] {
		if !slices.Contains(states, s) {
			problems = append(problems, types[0]+" sets no CopyState "+s)
		}
	}
	for _, s := range values["RpoState"] {
		if types[0] != model.WorkflowCopyChain || !slices.Contains(rpoStates, s) {
			problems = append(problems, types[0]+" sets no RpoState "+s)
		}
	}
	return problems
}

// TestReadmeDashboardLinksAreValidQueries runs every link of the README's dashboard
// section through the visibility API of a dev server with regioncopy's search attributes,
// so a malformed query, a renamed attribute or a value no workflow sets fails.
func TestReadmeDashboardLinksAreValidQueries(t *testing.T) {
	links := dashboardLinks(t)
	for _, l := range links {
		q, problems := linkQuery(l)
		if q != "" {
			problems = append(problems, valueProblems(q)...)
		}
		for _, p := range problems {
			t.Errorf("README link %q: %s", l.text, p)
		}
	}
	if testing.Short() {
		return
	}
	srv := temporaltest.Start(t, model.SearchAttributes...)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	count := func(q string) error {
		_, err := srv.Client.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: srv.Namespace, Query: q})
		return err
	}
	// The server must refuse what it does not know, or the checks below prove nothing.
	if err := count(`WorkflowType = "CopyChain" AND NoSuchAttribute = "x"`); err == nil {
		t.Fatal("the server accepted a query on an unregistered search attribute")
	}
	for _, l := range links {
		u, err := url.Parse(l.rawURL)
		if err != nil {
			continue // reported above
		}
		if err := count(u.Query().Get("query")); err != nil {
			t.Errorf("README link %q: the visibility API refuses its query: %v", l.text, err)
		}
	}
}
