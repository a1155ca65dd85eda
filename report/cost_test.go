package report

import (
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

func TestCostsSplitFullAndIncrementalByPair(t *testing.T) {
	const gib = int64(1 << 30)
	first, second := copyPoint("a", 48*time.Hour), copyPoint("b", 2*time.Hour)
	job := func(id string, p model.RecoveryPoint, state string) model.CopyJob {
		return model.CopyJob{CopyJobId: id, State: state, ResourceArn: volume, DestinationBackupVaultArn: vaultArn,
			DestinationRecoveryPointArn: p.RecoveryPointArn, BackupSizeInBytes: 10 * gib,
			CreationDate: p.CompletionDate.Add(-30 * time.Minute), CompletionDate: p.CompletionDate}
	}
	s := snapshot(requirement(dailyRPO), first, second)
	old := job("old", copyPoint("old", 40*24*time.Hour), model.JobCompleted) // before the period
	s.Jobs["us-east-1"] = JobsRead{Jobs: []model.CopyJob{job("b", second, model.JobCompleted), job("a", first, model.JobCompleted), job("f", second, "FAILED"), old}}
	prices := BuiltinPrices()
	costs := Costs(s, prices)
	if len(costs) != 1 {
		t.Fatalf("costs %+v, want one pair", costs)
	}
	c := costs[0]
	if c.SourceRegion != "us-east-1" || c.DestinationRegion != "eu-west-1" || c.FullCopies != 1 || c.IncrementalCopies != 1 ||
		c.FullBytes != 10*gib || c.IncrementalBytesAtMost != 10*gib {
		t.Errorf("cost %+v, want 1 full and 1 incremental copy of 10 GiB us-east-1>eu-west-1", c)
	}
	if c.USDPerGB != 0.02 || math.Abs(c.FullCostUSD-0.2) > 1e-9 || math.Abs(c.CostUSDAtMost-0.4) > 1e-9 {
		t.Errorf("price %g, full %g, at most %g; want 0.02, 0.20, 0.40", c.USDPerGB, c.FullCostUSD, c.CostUSDAtMost)
	}
}

func TestPrices(t *testing.T) {
	p := BuiltinPrices()
	if p.Source == "" || p.AsOf == "" {
		t.Fatal("the built-in table does not say its source and date")
	}
	if p.USDPerGB("us-east-1", "us-east-2") != 0.01 || p.USDPerGB("us-east-1", "eu-west-1") != 0.02 ||
		p.USDPerGB("eu-west-1", "eu-west-1") != 0 || p.USDPerGB("xx-none-1", "eu-west-1") != p.DefaultUSDPerGB {
		t.Error("price lookups do not follow the table")
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "p.json")
	os.WriteFile(good, []byte(`{"Source":"contract","AsOf":"2026-11","Currency":"USD","DefaultUSDPerGB":0.5}`), 0o600)
	if q, err := LoadPrices(good); err != nil || q.USDPerGB("us-east-1", "eu-west-1") != 0.5 {
		t.Errorf("LoadPrices = %+v, %v", q, err)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"DefaultUSDPerGB":0.5}`), 0o600)
	if _, err := LoadPrices(bad); err == nil {
		t.Error("a table without its source is accepted")
	}
}
