package report

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// maxFindingsPerCode bounds the findings of one code on a row; the last one says how
// many more there are.
const maxFindingsPerCode = 5

// evidence runs the checks of a row's copies: regioncopy's records against the vault
// (when they were read, or when no chain exists at all), each copy's key against the
// vault's and its lifecycle against the plan's.
func evidence(now time.Time, req Requirement, vr VaultRead, copies []model.RecoveryPoint, jobs []model.CopyJob, records *RecordsRead) []Finding {
	var f findings
	switch {
	case req.Chain == nil:
		for _, c := range copies {
			f.add(FindingUnrecordedCopy, fmt.Sprintf("the vault holds %s, made while no regioncopy chain copies this resource here", c.RecoveryPointArn))
		}
	case records != nil && records.Unreadable != "":
		f.add(FindingRecordsUnreadable, "the vault disagrees with chain "+req.Chain.WorkflowId+"'s search attributes, and its records could not be read: "+records.Unreadable)
	case records != nil:
		crossCheck(&f, now, copies, jobs, records.Records)
	}
	if key := vr.Vault.EncryptionKeyArn; key != "" {
		for _, c := range copies {
			if c.EncryptionKeyArn != key {
				f.add(FindingWrongKey, fmt.Sprintf("%s is encrypted with %s, not the vault's key %s", c.RecoveryPointArn, orNone(c.EncryptionKeyArn), key))
			}
		}
	}
	if want := req.DeleteAfterDays; want > 0 {
		for _, c := range copies {
			if days, ok := keptDays(c); ok && days < want {
				f.add(FindingShortLifecycle, fmt.Sprintf("%s is kept %d days, the plan asks %d", c.RecoveryPointArn, days, want))
			}
		}
	}
	return f.list()
}

// crossCheck compares a chain's records with the vault's copies. A copy that was due to
// expire by now is not missed (AWS's lifecycle removed it as asked, perhaps before the
// chain's timer recorded it); a copy older than every record read is not unrecorded
// (its record is in runs no longer read, or it predates a chain restarted on the vault).
// A copy whose copy job the chain has on record is recorded even before the chain learns
// its destination ARN: a job AWS has just finished is seen by the worker at its next
// sweep, and meanwhile the chain's record of it names only the job.
func crossCheck(f *findings, now time.Time, copies []model.RecoveryPoint, jobs []model.CopyJob, records []model.CopyRecord) {
	held := map[string]bool{}
	for _, c := range copies {
		held[c.RecoveryPointArn] = true
	}
	recorded := map[string]bool{}
	recordedJobs := map[string]bool{}
	var oldest time.Time
	for _, r := range records {
		if r.CopyJobId != "" {
			recordedJobs[r.CopyJobId] = true
		}
		if oldest.IsZero() || (!r.RequestedAt.IsZero() && r.RequestedAt.Before(oldest)) {
			oldest = r.RequestedAt
		}
		if r.DestinationRecoveryPointArn == "" {
			continue
		}
		recorded[r.DestinationRecoveryPointArn] = true
		live := r.State == model.JobCompleted || r.Kind == model.CopyAdopted
		if !live || !r.DeletedAt.IsZero() || r.State == model.RecordDeleted || r.State == "EXPIRED" {
			continue
		}
		due := r.DeleteAt
		if r.ExtendedUntil.After(due) {
			due = r.ExtendedUntil
		}
		if !due.IsZero() && !due.After(now) {
			continue
		}
		if !held[r.DestinationRecoveryPointArn] {
			f.add(FindingRecordedCopyMissing, fmt.Sprintf("regioncopy recorded %s (copy job %s) and never deleted it, but the vault no longer holds it",
				r.DestinationRecoveryPointArn, orNone(r.CopyJobId)))
		}
	}
	for _, j := range jobs {
		if recordedJobs[j.CopyJobId] && j.DestinationRecoveryPointArn != "" {
			recorded[j.DestinationRecoveryPointArn] = true
		}
	}
	for _, c := range copies {
		if recorded[c.RecoveryPointArn] || (!oldest.IsZero() && c.CompletionDate.Before(oldest)) {
			continue
		}
		f.add(FindingUnrecordedCopy, fmt.Sprintf("the vault holds %s, which regioncopy never recorded", c.RecoveryPointArn))
	}
}

// keptDays is how many days AWS keeps a copy: its lifecycle's DeleteAfterDays, else
// its calculated DeleteAt counted from its creation; ok is false when it is kept forever.
func keptDays(c model.RecoveryPoint) (int64, bool) {
	if d := c.Lifecycle.DeleteAfterDays; d > 0 {
		return d, true
	}
	if at := c.CalculatedLifecycle.DeleteAt; !at.IsZero() {
		return int64(math.Round(at.Sub(c.CreationDate).Hours() / 24)), true
	}
	return 0, false
}

// recordsTolerance absorbs the difference between a chain's LastCopyAt (its copy job's
// end, or the worker's clock) and the recovery point's CompletionDate in AWS.
const recordsTolerance = 2 * time.Minute

// NeedsRecords is the cheap check of a chain against its vault, from the chain's search
// attributes alone: its records are worth reading only when the vault holds more copies
// than the chain ever made, a copy newer than its last or none of its last, or no copy
// due at its next expiry. It answers why, for the report's log.
func NeedsRecords(c Chain, copies []model.RecoveryPoint) (bool, string) {
	n, ok := newestLanded(copies)
	switch {
	case int64(len(copies)) > c.CopyCount:
		return true, fmt.Sprintf("the vault holds %d copies, the chain made %d", len(copies), c.CopyCount)
	case !c.LastCopyAt.IsZero() && !ok:
		return true, "the chain has copied, the vault holds no copy"
	case ok && c.LastCopyAt.IsZero():
		return true, "the vault holds copies, the chain has none"
	case ok && n.After(c.LastCopyAt.Add(recordsTolerance)):
		return true, "the vault's newest copy landed after the chain's last"
	case ok && n.Before(c.LastCopyAt.Add(-recordsTolerance)):
		return true, "the chain's last copy is newer than any in the vault"
	}
	if !c.NextExpiry.IsZero() {
		for _, p := range copies {
			if d := p.CalculatedLifecycle.DeleteAt.Sub(c.NextExpiry); d.Abs() <= recordsTolerance {
				return false, ""
			}
		}
		return true, "no copy in the vault is due at the chain's next expiry"
	}
	return false, ""
}

// newestLanded is the latest CompletionDate among copies.
func newestLanded(copies []model.RecoveryPoint) (time.Time, bool) {
	var t time.Time
	for _, c := range copies {
		if c.CompletionDate.After(t) {
			t = c.CompletionDate
		}
	}
	return t, !t.IsZero()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// findings collects a row's findings, at most maxFindingsPerCode of each code.
type findings struct {
	items  []Finding
	counts map[string]int
}

func (f *findings) add(code, text string) {
	if f.counts == nil {
		f.counts = map[string]int{}
	}
	f.counts[code]++
	if f.counts[code] <= maxFindingsPerCode {
		f.items = append(f.items, Finding{Code: code, Text: text})
	}
}

func (f *findings) list() []Finding {
	out := slices.Clone(f.items)
	for _, code := range slices.Sorted(maps.Keys(f.counts)) {
		if n := f.counts[code]; n > maxFindingsPerCode {
			out = append(out, Finding{Code: code, Text: fmt.Sprintf("and %d more %s findings", n-maxFindingsPerCode, code)})
		}
	}
	return out
}
