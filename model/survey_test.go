package model

import (
	"testing"
	"time"
)

// TestCopySurveyAnswersDueUpcomingAndMissing: the summary keeps the newest copy out of
// Due and Upcoming, lists the next copies due earliest first, and names the expected
// copies the vault no longer holds; copies from other Regions and other resources are
// not the chain's.
func TestCopySurveyAnswersDueUpcomingAndMissing(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const res = "arn:aws:ec2:us-east-1:123456789012:volume/vol-1"
	src := "arn:aws:backup:us-east-1:123456789012:backup-vault:src"
	point := func(arn string, day int) RecoveryPoint {
		c := t0.Add(time.Duration(day) * 24 * time.Hour)
		return RecoveryPoint{RecoveryPointArn: arn, ResourceArn: res, Status: JobCompleted, SourceBackupVaultArn: src,
			CreationDate: c, CalculatedLifecycle: CalculatedLifecycle{DeleteAt: c.Add(10 * 24 * time.Hour)}}
	}
	s := NewCopySurvey(SurveyCopiesInput{ResourceArn: res, SourceRegion: "us-east-1", DueBy: t0.Add(11 * 24 * time.Hour),
		Upcoming: 2, Expect: []string{"a", "gone"}})
	for i, arn := range []string{"a", "b", "c", "d", "e"} {
		s.Add(point(arn, i))
	}
	other := point("other-region", 0)
	other.SourceBackupVaultArn = "arn:aws:backup:us-west-2:123456789012:backup-vault:src"
	s.Add(other)
	out := s.Result()
	if out.Live != 5 || out.Newest == nil || out.Newest.RecoveryPointArn != "e" {
		t.Fatalf("live %d newest %+v", out.Live, out.Newest)
	}
	if len(out.Due) != 2 || out.Due[0].RecoveryPointArn != "a" || out.Due[1].RecoveryPointArn != "b" {
		t.Errorf("due %+v, want a and b", out.Due)
	}
	if len(out.Upcoming) != 2 || out.Upcoming[0].RecoveryPointArn != "c" || out.Upcoming[1].RecoveryPointArn != "d" {
		t.Errorf("upcoming %+v, want c and d (e is the newest)", out.Upcoming)
	}
	if len(out.Missing) != 1 || out.Missing[0] != "gone" {
		t.Errorf("missing %v, want [gone]", out.Missing)
	}
}
