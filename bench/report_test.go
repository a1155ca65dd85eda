package main

import "testing"

// TestReportScenarioOver500Resources runs the report scenario at 500 resources × 3
// destinations: a row per resource and destination, all OK, exit 0, each vault
// described once, within the time target; and over 20 chains, no record read by the
// cheap check, every chain's with --records all.
func TestReportScenarioOver500Resources(t *testing.T) {
	res := runScaleScenario(t, ScenarioReport, func(o *Options) { o.ReportResources, o.ReportChains = 500, 20 })
	r := res.Report
	if r == nil || r.Rows != 1500 || r.AWSCalls["ListRecoveryPointsByBackupVault"] != 3 || r.AWSCalls["GetResources"] != 5 {
		t.Fatalf("report: %+v; want 1500 rows from one page per vault and five pages of tagged resources", r)
	}
	if r.Chains != 20 || r.AllRecordsRead != 20 || r.SuspectRecordsRead != 0 {
		t.Errorf("chains %d, records read %d with --records all and %d by the cheap check; want 20, 20, 0", r.Chains, r.AllRecordsRead, r.SuspectRecordsRead)
	}
}
