package main

import "testing"

// TestReportScenarioOver500Resources runs the report scenario at 500 resources × 3
// destinations: a row per resource and destination, all OK, exit 0, each vault
// described once, within the time target.
func TestReportScenarioOver500Resources(t *testing.T) {
	res := runScaleScenario(t, ScenarioReport, func(o *Options) { o.ReportResources = 500 })
	r := res.Report
	if r == nil || r.Rows != 1500 || r.AWSCalls["ListRecoveryPointsByBackupVault"] != 3 || r.AWSCalls["GetResources"] != 5 {
		t.Fatalf("report: %+v; want 1500 rows from one page per vault and five pages of tagged resources", r)
	}
}
