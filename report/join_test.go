package report

import (
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

var (
	now       = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	vaultArn  = "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr"
	vaultKey  = "arn:aws:kms:eu-west-1:123456789012:key/vault"
	volume    = "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
	srcVault  = "arn:aws:backup:us-east-1:123456789012:backup-vault:src"
	otherSrc  = "arn:aws:backup:us-west-2:123456789012:backup-vault:src"
	dailyRPO  = int64(24 * 60)
	copyArn   = "arn:aws:ec2:eu-west-1::snapshot/snap-"
	chainID   = "chain/" + volume + "/from/us-east-1/to/123456789012/eu-west-1/dr"
	planChain = &Chain{WorkflowId: chainID, ResourceArn: volume, SourceRegion: "us-east-1", DestinationVaultArn: vaultArn}
)

// copyPoint is a copy in the destination vault whose source was created sourceAge ago
// and which landed an hour later, kept 35 days.
func copyPoint(id string, sourceAge time.Duration) model.RecoveryPoint {
	created := now.Add(-sourceAge)
	return model.RecoveryPoint{
		Region: "eu-west-1", BackupVaultArn: vaultArn, RecoveryPointArn: copyArn + id, ResourceArn: volume,
		ResourceType: "EBS", Status: model.JobCompleted, EncryptionKeyArn: vaultKey, CreationDate: created,
		CompletionDate: created.Add(time.Hour), SourceBackupVaultArn: srcVault, BackupSizeInBytes: 8 << 30,
		Lifecycle:           model.Lifecycle{DeleteAfterDays: 35},
		CalculatedLifecycle: model.CalculatedLifecycle{DeleteAt: created.Add(35 * 24 * time.Hour)},
	}
}

func requirement(rpo int64) Requirement {
	return Requirement{ResourceArn: volume, ResourceType: "EBS", SourceRegion: "us-east-1", DestinationVaultArn: vaultArn,
		Plan: "prod", RpoMinutes: rpo, DeleteAfterDays: 35}
}

func snapshot(req Requirement, points ...model.RecoveryPoint) Snapshot {
	return Snapshot{
		Now: now, Since: now.Add(-30 * 24 * time.Hour), Requirements: []Requirement{req},
		Vaults: map[string]VaultRead{vaultArn: {Vault: model.BackupVault{BackupVaultArn: vaultArn, EncryptionKeyArn: vaultKey}, Points: points}},
		Jobs:   map[string]JobsRead{"us-east-1": {}},
	}
}

func oneRow(t *testing.T, s Snapshot) Row {
	t.Helper()
	rows := Join(s)
	if len(rows) != 1 {
		t.Fatalf("%d rows, want 1: %+v", len(rows), rows)
	}
	return rows[0]
}

func codes(r Row) string { return findingCodes(r) }

func TestStates(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rpo    int64
		points []model.RecoveryPoint
		want   string
	}{
		{"fresh copy within the RPO", dailyRPO, []model.RecoveryPoint{copyPoint("a", 2*time.Hour)}, model.RpoOK},
		{"less than a quarter of the RPO left", dailyRPO, []model.RecoveryPoint{copyPoint("a", 19*time.Hour)}, model.RpoAtRisk},
		{"newest copy older than the RPO", dailyRPO, []model.RecoveryPoint{copyPoint("a", 25*time.Hour)}, model.RpoBreach},
		{"never copied", dailyRPO, nil, model.RpoBreach},
		{"no RPO", 0, []model.RecoveryPoint{copyPoint("a", 400*time.Hour)}, model.RpoNone},
		{"newest of several counts", dailyRPO, []model.RecoveryPoint{copyPoint("old", 50*time.Hour), copyPoint("new", time.Hour)}, model.RpoOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := requirement(tc.rpo)
			req.Chain = nil
			row := oneRow(t, snapshot(req, tc.points...))
			if row.State != tc.want {
				t.Errorf("state %s (%s), want %s", row.State, row.StateReason, tc.want)
			}
			if row.State == model.RpoBreach && row.StateReason == "" {
				t.Error("a BREACH row says no reason")
			}
			if tc.points == nil && !row.Deadline.IsZero() {
				t.Errorf("a resource never copied has the deadline %v", row.Deadline)
			}
			if tc.want == model.RpoOK && !row.Deadline.Equal(row.NewestCopy.SourceCreatedAt.Add(24*time.Hour)) {
				t.Errorf("deadline %v, want the newest source's creation plus the RPO", row.Deadline)
			}
		})
	}
}

func TestCopiesFromAnotherSourceRegionOrBeingDeletedDoNotCount(t *testing.T) {
	other := copyPoint("other", time.Hour)
	other.SourceBackupVaultArn = otherSrc
	deleting := copyPoint("deleting", time.Hour)
	deleting.Status = "DELETING"
	row := oneRow(t, snapshot(requirement(dailyRPO), other, deleting))
	if row.State != model.RpoBreach || row.NewestCopy != nil {
		t.Errorf("state %s, newest %+v; want BREACH with no copy", row.State, row.NewestCopy)
	}
}

func TestUnreadableVaultIsUnknownNeverOK(t *testing.T) {
	s := snapshot(requirement(dailyRPO), copyPoint("a", time.Hour))
	s.Vaults[vaultArn] = VaultRead{Unreadable: "ListRecoveryPointsByBackupVault in eu-west-1: AccessDeniedException: no"}
	row := oneRow(t, s)
	if row.State != StateUnknown || !strings.Contains(row.StateReason, "AccessDeniedException") {
		t.Errorf("state %s (%s), want UNKNOWN naming the error", row.State, row.StateReason)
	}
	if !Failing(row) {
		t.Error("an UNKNOWN row does not count as failing")
	}
}

func TestNewestCopyDetailsAndJobs(t *testing.T) {
	a, b := copyPoint("a", 30*time.Hour), copyPoint("b", 2*time.Hour)
	s := snapshot(requirement(dailyRPO), a, b)
	s.Jobs["us-east-1"] = JobsRead{Jobs: []model.CopyJob{
		{CopyJobId: "job-b", State: model.JobCompleted, ResourceArn: volume, DestinationBackupVaultArn: vaultArn,
			DestinationRecoveryPointArn: b.RecoveryPointArn, CreationDate: b.CompletionDate.Add(-10 * time.Minute), CompletionDate: b.CompletionDate},
		{CopyJobId: "job-failed", State: "FAILED", StatusMessage: "KMS grant missing", ResourceArn: volume, DestinationBackupVaultArn: vaultArn,
			CreationDate: now.Add(-3 * time.Hour), CompletionDate: now.Add(-150 * time.Minute)},
		{CopyJobId: "job-running", State: "RUNNING", ResourceArn: volume, DestinationBackupVaultArn: vaultArn, CreationDate: now.Add(-time.Minute)},
		{CopyJobId: "job-elsewhere", State: "RUNNING", ResourceArn: volume, DestinationBackupVaultArn: "arn:aws:backup:us-west-2:123456789012:backup-vault:dr"},
	}}
	row := oneRow(t, s)
	c := row.NewestCopy
	if c == nil || c.DestinationRecoveryPointArn != b.RecoveryPointArn || c.CopyJobId != "job-b" || c.Kind != model.CopyIncremental {
		t.Fatalf("newest copy %+v, want b by job-b, INCREMENTAL on a", c)
	}
	if !row.InFlight || row.InFlightCopyJobId != "job-running" {
		t.Errorf("in flight %v %q, want job-running", row.InFlight, row.InFlightCopyJobId)
	}
	if f := row.LastFailure; f == nil || f.CopyJobId != "job-failed" || f.Reason != "KMS grant missing" {
		t.Errorf("last failure %+v", f)
	}
	if row.AgeMinutes != 120 {
		t.Errorf("age %d minutes, want 120", row.AgeMinutes)
	}
}

func TestFirstCopyIsFull(t *testing.T) {
	row := oneRow(t, snapshot(requirement(dailyRPO), copyPoint("a", time.Hour)))
	if row.NewestCopy.Kind != model.CopyFull {
		t.Errorf("kind %s, want FULL", row.NewestCopy.Kind)
	}
}

func TestJobsUnreadableIsAFinding(t *testing.T) {
	s := snapshot(requirement(dailyRPO), copyPoint("a", time.Hour))
	s.Requirements[0].Chain = planChain
	s.Jobs["us-east-1"] = JobsRead{Unreadable: "ThrottlingException"}
	row := oneRow(t, s)
	if codes(row) != FindingJobsUnreadable || row.State != model.RpoOK {
		t.Errorf("findings %q state %s", codes(row), row.State)
	}
}

func TestRowsFailingFirst(t *testing.T) {
	vol := func(n int) string { return "arn:aws:ec2:us-east-1:123456789012:volume/vol-" + string(rune('a'+n)) }
	lostVault := "arn:aws:backup:us-west-2:123456789012:backup-vault:dr"
	mk := func(n int, rpo int64, vault string, chain bool) Requirement {
		r := requirement(rpo)
		r.ResourceArn, r.DestinationVaultArn = vol(n), vault
		if chain {
			r.Chain = &Chain{WorkflowId: "chain-" + vol(n)}
		}
		return r
	}
	point := func(n int, age time.Duration) model.RecoveryPoint {
		p := copyPoint(string(rune('a'+n)), age)
		p.ResourceArn = vol(n)
		return p
	}
	// In ARN order: NO_RPO, OK, OK with a finding, AT_RISK, UNKNOWN, BREACH.
	s := snapshot(mk(0, 0, vaultArn, true), point(0, time.Hour), point(1, time.Hour), point(2, time.Hour), point(3, 20*time.Hour))
	s.Requirements = []Requirement{mk(0, 0, vaultArn, true), mk(1, dailyRPO, vaultArn, true), mk(2, dailyRPO, vaultArn, false),
		mk(3, dailyRPO, vaultArn, true), mk(4, dailyRPO, lostVault, true), mk(5, dailyRPO, vaultArn, true)}
	s.Vaults[lostVault] = VaultRead{Unreadable: "AccessDeniedException"}
	var got []string
	for _, r := range Join(s) {
		got = append(got, r.State+":"+r.ResourceArn[len(r.ResourceArn)-1:])
	}
	if want := "BREACH:f,UNKNOWN:e,AT_RISK:d,OK:c,OK:b,NO_RPO:a"; strings.Join(got, ",") != want {
		t.Errorf("order %v, want %s (failing first, then findings, OK, NO_RPO)", got, want)
	}
}

func TestMergeRequirementsKeepsTightestRPOAndEveryPlan(t *testing.T) {
	a, b := requirement(dailyRPO), requirement(60)
	a.Plan, b.Plan = "prod", "audit"
	b.DeleteAfterDays = 90
	b.Chain = planChain
	m := MergeRequirements([]Requirement{a, b})
	if len(m) != 1 || m[0].RpoMinutes != 60 || m[0].Plan != "audit,prod" || m[0].DeleteAfterDays != 90 || m[0].Chain != planChain {
		t.Errorf("merged %+v", m)
	}
}
