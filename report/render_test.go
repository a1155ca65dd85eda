package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// sample is a report with a BREACH, an OK and a NO_RPO row and one priced pair.
func sample(t *testing.T) Report {
	t.Helper()
	ok := requirement(dailyRPO)
	breach := requirement(dailyRPO)
	breach.ResourceArn = "arn:aws:ec2:us-east-1:123456789012:volume/vol-9"
	none := requirement(0)
	none.ResourceArn = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0"
	p := copyPoint("a", time.Hour)
	s := snapshot(ok, p)
	s.Requirements = []Requirement{ok, none, breach}
	s.Jobs["us-east-1"] = JobsRead{Jobs: []model.CopyJob{{CopyJobId: "j", State: model.JobCompleted, ResourceArn: volume,
		DestinationBackupVaultArn: vaultArn, DestinationRecoveryPointArn: p.RecoveryPointArn, BackupSizeInBytes: 1 << 30,
		CreationDate: p.CompletionDate.Add(-time.Minute), CompletionDate: p.CompletionDate}}}
	return Build(s, BuiltinPrices(), Meta{Command: "regioncopy report --output html"}, "")
}

func render(t *testing.T, format string, r Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, format, r); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestHTMLIsSelfContainedAndFailingFirst(t *testing.T) {
	r := sample(t)
	out := render(t, FormatHTML, r)
	for _, forbidden := range []string{"http:", "https:", "<script", "<link", "src=", "@import", "url("} {
		if strings.Contains(strings.ToLower(out), forbidden) {
			t.Errorf("the HTML report contains %q", forbidden)
		}
	}
	for _, want := range []string{"<style>", r.Command, fmtTime(r.GeneratedAt), "AT_RISK: within the RPO, with less than 25%", "us-east-1", "0.0200"} {
		if !strings.Contains(out, want) {
			t.Errorf("the HTML report lacks %q", want)
		}
	}
	rowStates := regexp.MustCompile(`<tr class="([a-z_]+)`).FindAllStringSubmatch(out, -1)
	var got []string
	for _, m := range rowStates {
		got = append(got, m[1])
	}
	if !slices.Equal(got, []string{"breach", "ok", "no_rpo"}) {
		t.Errorf("HTML rows in order %v, want breach, ok, no_rpo", got)
	}
}

func TestCSVHasHeaderRowsAndCosts(t *testing.T) {
	out := render(t, FormatCSV, sample(t))
	cr := csv.NewReader(strings.NewReader(out))
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], RowsHeader) {
		t.Errorf("header %v", recs[0])
	}
	if len(recs) != 1+3+1+1 || recs[1][0] != model.RpoBreach || !slices.Equal(recs[4], CostsHeader) || recs[5][0] != "us-east-1" {
		t.Errorf("records %v, want header, 3 rows BREACH first, cost header, one pair", recs)
	}
	for _, rec := range recs[1:4] {
		if len(rec) != len(RowsHeader) {
			t.Errorf("row of %d fields, header has %d", len(rec), len(RowsHeader))
		}
	}
}

func TestJSONUsesTheMemberNames(t *testing.T) {
	out := render(t, FormatJSON, sample(t))
	var doc struct {
		Summary map[string]int
		Rows    []map[string]any
		Costs   []map[string]any
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary[model.RpoBreach] != 1 || doc.Summary[model.RpoOK] != 1 || doc.Summary[model.RpoNone] != 1 {
		t.Errorf("summary %v", doc.Summary)
	}
	ok := doc.Rows[1]
	for _, k := range []string{"ResourceArn", "ResourceType", "SourceRegion", "DestinationRegion", "DestinationAccount",
		"DestinationVault", "Plan", "RpoMinutes", "NewestCopy", "Age", "InFlight", "State", "Findings"} {
		if _, found := ok[k]; !found {
			t.Errorf("JSON row lacks %s: %v", k, ok)
		}
	}
	nc, _ := ok["NewestCopy"].(map[string]any)
	for _, k := range []string{"DestinationRecoveryPointArn", "SourceCreatedAt", "LandedAt", "CopyJobId", "Kind", "BackupSizeBytes", "EncryptionKeyArn", "DeleteAt"} {
		if _, found := nc[k]; !found {
			t.Errorf("NewestCopy lacks %s: %v", k, nc)
		}
	}
	if len(doc.Costs) != 1 || doc.Costs[0]["FullCostUSD"] == nil {
		t.Errorf("costs %v", doc.Costs)
	}
}

func TestTableNamesEveryRowAndTheRule(t *testing.T) {
	out := render(t, FormatTable, sample(t))
	for _, want := range []string{"BREACH 1, UNKNOWN 0, AT_RISK 0, OK 1, NO_RPO 1", "vol-9", "no copy of this resource", "FULL USD", "AT_RISK: within the RPO"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Index(out, "vol-9") > strings.Index(out, "vol-0") {
		t.Error("the BREACH row is not first")
	}
}

func TestStateFilterAndProven(t *testing.T) {
	r := sample(t)
	if r.Proven() {
		t.Error("a report with a BREACH row is proven")
	}
	s := snapshot(requirement(dailyRPO), copyPoint("a", time.Hour))
	only := Build(s, BuiltinPrices(), Meta{}, model.RpoOK)
	if len(only.Rows) != 1 || !only.Proven() {
		t.Errorf("rows %+v", only.Rows)
	}
	if none := Build(s, BuiltinPrices(), Meta{}, model.RpoBreach); len(none.Rows) != 0 || none.Summary[model.RpoOK] != 0 {
		t.Errorf("filtered report %+v", none)
	}
}
