package report

import (
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

func record(p model.RecoveryPoint) model.CopyRecord {
	return model.CopyRecord{DestinationRecoveryPointArn: p.RecoveryPointArn, State: model.JobCompleted, Kind: model.CopyFull,
		CopyJobId: "job-" + p.RecoveryPointArn[len(copyArn):], RequestedAt: p.CreationDate, CompletedAt: p.CompletionDate,
		DeleteAt: p.CalculatedLifecycle.DeleteAt}
}

func withRecords(s Snapshot, recs ...model.CopyRecord) Snapshot {
	s.Requirements[0].Chain = planChain
	s.Records = map[string]RecordsRead{chainID: {Records: recs}}
	return s
}

func TestRecordedCopyTheVaultNoLongerHolds(t *testing.T) {
	a, gone := copyPoint("a", 30*time.Hour), copyPoint("gone", 2*time.Hour)
	row := oneRow(t, withRecords(snapshot(requirement(dailyRPO), a), record(a), record(gone)))
	if codes(row) != FindingRecordedCopyMissing || !strings.Contains(row.Findings[0].Text, gone.RecoveryPointArn) {
		t.Errorf("findings %+v, want %s missing", row.Findings, gone.RecoveryPointArn)
	}
}

func TestDeletedOrExpiredRecordsAreNotMissing(t *testing.T) {
	a, deleted, due := copyPoint("a", 2*time.Hour), copyPoint("deleted", 30*time.Hour), copyPoint("due", 40*24*time.Hour)
	rd := record(deleted)
	rd.State, rd.DeletedAt = model.RecordDeleted, now.Add(-time.Hour)
	rExpired := record(due) // its DeleteAt is past: AWS's lifecycle took it
	failed := model.CopyRecord{State: "FAILED", RequestedAt: now.Add(-3 * time.Hour)}
	row := oneRow(t, withRecords(snapshot(requirement(dailyRPO), a), record(a), rd, rExpired, failed))
	if len(row.Findings) != 0 {
		t.Errorf("findings %+v, want none", row.Findings)
	}
}

func TestCopyRegioncopyNeverRecorded(t *testing.T) {
	a, behind := copyPoint("a", 30*time.Hour), copyPoint("behind", time.Hour)
	older := copyPoint("older", 90*time.Hour) // before every record read: not flagged
	row := oneRow(t, withRecords(snapshot(requirement(dailyRPO), a, behind, older), record(a)))
	if codes(row) != FindingUnrecordedCopy || len(row.Findings) != 1 || !strings.Contains(row.Findings[0].Text, behind.RecoveryPointArn) {
		t.Errorf("findings %+v, want only %s unrecorded", row.Findings, behind.RecoveryPointArn)
	}
}

// A copy AWS has just finished, which the chain's record knows only by its copy job (the
// worker sees the job end at its next sweep), is not unrecorded.
func TestCopyLandingUnderARecordedJobIsRecorded(t *testing.T) {
	a, landing := copyPoint("a", 30*time.Hour), copyPoint("landing", time.Minute)
	inFlight := model.CopyRecord{State: "RUNNING", Kind: model.CopyIncremental, CopyJobId: "job-landing", RequestedAt: now.Add(-10 * time.Minute)}
	s := withRecords(snapshot(requirement(dailyRPO), a, landing), record(a), inFlight)
	s.Jobs["us-east-1"] = JobsRead{Jobs: []model.CopyJob{{CopyJobId: "job-landing", State: model.JobCompleted, ResourceArn: volume,
		DestinationBackupVaultArn: vaultArn, DestinationRecoveryPointArn: landing.RecoveryPointArn,
		CreationDate: now.Add(-10 * time.Minute), CompletionDate: landing.CompletionDate}}}
	if row := oneRow(t, s); len(row.Findings) != 0 {
		t.Errorf("findings %+v, want none", row.Findings)
	}
}

func TestCopiesWithoutAnyChainAreUnrecorded(t *testing.T) {
	row := oneRow(t, snapshot(requirement(dailyRPO), copyPoint("a", time.Hour)))
	if codes(row) != FindingUnrecordedCopy {
		t.Errorf("findings %+v", row.Findings)
	}
}

func TestRecordsNotReadMeanNoRecordFindings(t *testing.T) {
	s := snapshot(requirement(dailyRPO), copyPoint("a", time.Hour))
	s.Requirements[0].Chain = planChain
	if row := oneRow(t, s); len(row.Findings) != 0 {
		t.Errorf("findings %+v, want none: the cheap check found nothing to read", row.Findings)
	}
}

func TestRecordsUnreadable(t *testing.T) {
	s := withRecords(snapshot(requirement(dailyRPO), copyPoint("a", time.Hour)))
	s.Records[chainID] = RecordsRead{Unreadable: "query copies: no worker"}
	if row := oneRow(t, s); codes(row) != FindingRecordsUnreadable {
		t.Errorf("findings %+v", row.Findings)
	}
}

func TestWrongKey(t *testing.T) {
	p := copyPoint("a", time.Hour)
	p.EncryptionKeyArn = "arn:aws:kms:eu-west-1:123456789012:key/other"
	row := oneRow(t, withRecords(snapshot(requirement(dailyRPO), p), record(p)))
	if codes(row) != FindingWrongKey || !strings.Contains(row.Findings[0].Text, vaultKey) {
		t.Errorf("findings %+v", row.Findings)
	}
}

func TestShortLifecycle(t *testing.T) {
	p := copyPoint("a", time.Hour)
	p.Lifecycle.DeleteAfterDays = 7
	req := requirement(dailyRPO)
	row := oneRow(t, withRecords(snapshot(req, p), record(p)))
	if codes(row) != FindingShortLifecycle || !strings.Contains(row.Findings[0].Text, "kept 7 days, the plan asks 35") {
		t.Errorf("findings %+v", row.Findings)
	}
	longer := p
	longer.Lifecycle.DeleteAfterDays = 90
	if row := oneRow(t, withRecords(snapshot(req, longer), record(longer))); len(row.Findings) != 0 {
		t.Errorf("a longer lifecycle is flagged: %+v", row.Findings)
	}
}

func TestFindingsPerCodeAreBounded(t *testing.T) {
	var points []model.RecoveryPoint
	for i := range 8 {
		points = append(points, copyPoint(string(rune('a'+i)), time.Duration(i+1)*time.Hour))
	}
	row := oneRow(t, snapshot(requirement(dailyRPO), points...))
	if len(row.Findings) != maxFindingsPerCode+1 || !strings.Contains(row.Findings[maxFindingsPerCode].Text, "and 3 more") {
		t.Errorf("%d findings: %+v", len(row.Findings), row.Findings)
	}
}

func TestNeedsRecords(t *testing.T) {
	a, b := copyPoint("a", 30*time.Hour), copyPoint("b", 2*time.Hour)
	agree := Chain{LastCopyAt: b.CompletionDate.Add(30 * time.Second), CopyCount: 2, NextExpiry: a.CalculatedLifecycle.DeleteAt}
	for _, tc := range []struct {
		name   string
		chain  Chain
		copies []model.RecoveryPoint
		want   bool
	}{
		{"vault agrees with the chain", agree, []model.RecoveryPoint{a, b}, false},
		{"the newest copy was deleted", agree, []model.RecoveryPoint{a}, true},
		{"the copy due first was deleted", agree, []model.RecoveryPoint{b}, true},
		{"every copy was deleted", agree, nil, true},
		{"a copy landed behind the chain's back", Chain{LastCopyAt: a.CompletionDate, CopyCount: 2, NextExpiry: a.CalculatedLifecycle.DeleteAt}, []model.RecoveryPoint{a, b}, true},
		{"more copies than the chain made", Chain{LastCopyAt: b.CompletionDate, CopyCount: 1, NextExpiry: a.CalculatedLifecycle.DeleteAt}, []model.RecoveryPoint{a, b}, true},
		{"copies but the chain never copied", Chain{CopyCount: 5}, []model.RecoveryPoint{a}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got, why := NeedsRecords(tc.chain, tc.copies); got != tc.want {
				t.Errorf("NeedsRecords = %v (%s), want %v", got, why, tc.want)
			}
		})
	}
}
