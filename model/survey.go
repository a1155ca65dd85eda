package model

import (
	"slices"
	"strings"
)

// CopySurvey accumulates the recovery points of a vault listing into a SurveyCopiesOutput,
// so the activity that pages through a vault of thousands of copies answers a summary of
// bounded size. The newest copy is never due: it is the chain's incremental base, which
// the newest-copy guard keeps until a newer copy lands.
type CopySurvey struct {
	in     SurveyCopiesInput
	copies []RecoveryPoint
	keep   map[string]bool
}

// DefaultMaxDue bounds SurveyCopiesOutput.Due when SurveyCopiesInput.MaxDue is not set.
const DefaultMaxDue = 10

// NewCopySurvey starts a survey answering in.
func NewCopySurvey(in SurveyCopiesInput) *CopySurvey {
	s := &CopySurvey{in: in, keep: map[string]bool{}}
	for _, arn := range in.Keep {
		s.keep[arn] = true
	}
	return s
}

// IsChainCopy reports whether p is a live copy of resourceArn from sourceRegion: backups
// taken in the vault's own Region and copies from other Regions belong to other chains.
func IsChainCopy(p RecoveryPoint, resourceArn, sourceRegion string) bool {
	switch {
	case p.ResourceArn != "" && p.ResourceArn != resourceArn:
	case p.Status != JobCompleted && p.Status != RecoveryPointAvailable:
	case p.StorageClass == StorageClassDeleted:
	case p.SourceBackupVaultArn == "" || RegionFromArn(p.SourceBackupVaultArn) != sourceRegion:
	case p.RecoveryPointArn == "":
	default:
		return true
	}
	return false
}

// Add takes one listed recovery point.
func (s *CopySurvey) Add(p RecoveryPoint) {
	if IsChainCopy(p, s.in.ResourceArn, s.in.SourceRegion) {
		s.copies = append(s.copies, p)
	}
}

// Result is the summary of every point added, the Due copies oldest DeleteAt first.
func (s *CopySurvey) Result() SurveyCopiesOutput {
	var out SurveyCopiesOutput
	for i := range s.copies {
		p := &s.copies[i]
		out.Live++
		out.Bytes += p.BackupSizeInBytes
		if n := out.Newest; n == nil || p.CreationDate.After(n.CreationDate) ||
			(p.CreationDate.Equal(n.CreationDate) && p.RecoveryPointArn > n.RecoveryPointArn) {
			out.Newest = p
		}
		if !s.in.MatchCreationDate.IsZero() && p.CreationDate.Equal(s.in.MatchCreationDate) {
			out.Match = p
		}
	}
	var due []RecoveryPoint
	var upcoming []CopyDue
	for _, p := range s.copies {
		del := p.CalculatedLifecycle.DeleteAt
		if del.IsZero() || s.keep[p.RecoveryPointArn] || p.RecoveryPointArn == out.Newest.RecoveryPointArn {
			continue
		}
		if !s.in.DueBy.IsZero() && !del.After(s.in.DueBy) {
			due = append(due, p)
			continue
		}
		if out.NextDeleteAt.IsZero() || del.Before(out.NextDeleteAt) {
			out.NextDeleteAt = del
		}
		upcoming = append(upcoming, CopyDue{RecoveryPointArn: p.RecoveryPointArn, CreationDate: p.CreationDate,
			DeleteAt: del, BackupSizeInBytes: p.BackupSizeInBytes})
	}
	if s.in.Upcoming > 0 {
		slices.SortStableFunc(upcoming, func(a, b CopyDue) int {
			if c := a.DeleteAt.Compare(b.DeleteAt); c != 0 {
				return c
			}
			return strings.Compare(a.RecoveryPointArn, b.RecoveryPointArn)
		})
		out.Upcoming = upcoming[:min(len(upcoming), s.in.Upcoming)]
	}
	slices.SortStableFunc(due, func(a, b RecoveryPoint) int {
		if c := a.CalculatedLifecycle.DeleteAt.Compare(b.CalculatedLifecycle.DeleteAt); c != 0 {
			return c
		}
		return strings.Compare(a.RecoveryPointArn, b.RecoveryPointArn)
	})
	limit := s.in.MaxDue
	if limit <= 0 {
		limit = DefaultMaxDue
	}
	if len(due) > limit {
		// What is left is due too: NextDeleteAt must say so.
		out.NextDeleteAt, due, out.More = due[limit].CalculatedLifecycle.DeleteAt, due[:limit], true
	}
	out.Due = due
	if out.Newest != nil {
		n := *out.Newest
		out.Newest = &n
	}
	if out.Match != nil {
		m := *out.Match
		out.Match = &m
	}
	live := map[string]bool{}
	for _, p := range s.copies {
		live[p.RecoveryPointArn] = true
	}
	for _, arn := range s.in.Expect {
		if !live[arn] {
			out.Missing = append(out.Missing, arn)
		}
	}
	return out
}
