package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/regioncopy/regioncopy/model"
)

// Join turns what the sources read into rows, failing rows first. It makes no call.
func Join(s Snapshot) []Row {
	idx := newIndex(s)
	var rows []Row
	for _, req := range MergeRequirements(s.Requirements) {
		rows = append(rows, joinRow(s, idx, req))
	}
	SortRows(rows)
	return rows
}

// requirementKey names one resource, source Region and destination vault.
func requirementKey(resourceArn, sourceRegion, vaultArn string) string {
	return resourceArn + "|" + sourceRegion + "|" + vaultArn
}

// MergeRequirements merges the requirements of one resource, source Region and vault:
// the tightest RPO, the longest lifecycle, every plan named, the chain that copies it.
func MergeRequirements(reqs []Requirement) []Requirement {
	byKey := map[string]*Requirement{}
	var keys []string
	for _, r := range reqs {
		k := requirementKey(r.ResourceArn, r.SourceRegion, r.DestinationVaultArn)
		m, ok := byKey[k]
		if !ok {
			c := r
			byKey[k] = &c
			keys = append(keys, k)
			continue
		}
		if r.RpoMinutes > 0 && (m.RpoMinutes == 0 || r.RpoMinutes < m.RpoMinutes) {
			m.RpoMinutes = r.RpoMinutes
		}
		m.DeleteAfterDays = max(m.DeleteAfterDays, r.DeleteAfterDays)
		m.Plan = joinPlans(m.Plan, r.Plan)
		if m.Chain == nil {
			m.Chain = r.Chain
		}
		if m.ResourceType == "" {
			m.ResourceType = r.ResourceType
		}
	}
	out := make([]Requirement, 0, len(keys))
	for _, k := range keys {
		out = append(out, *byKey[k])
	}
	return out
}

func joinPlans(a, b string) string {
	var plans []string
	for _, s := range []string{a, b} {
		for p := range strings.SplitSeq(s, ",") {
			if p != "" {
				plans = append(plans, p)
			}
		}
	}
	slices.Sort(plans)
	return strings.Join(slices.Compact(plans), ",")
}

// chainCopies are the vault's live copies of a resource from one source Region, as a
// chain counts them (model.IsChainCopy).
func chainCopies(points []model.RecoveryPoint, resourceArn, sourceRegion string) []model.RecoveryPoint {
	var out []model.RecoveryPoint
	for _, p := range points {
		if model.IsChainCopy(p, resourceArn, sourceRegion) {
			out = append(out, p)
		}
	}
	return out
}

// newest is the copy whose source is newest (a copy keeps its source's creation date).
func newest(copies []model.RecoveryPoint) (model.RecoveryPoint, bool) {
	if len(copies) == 0 {
		return model.RecoveryPoint{}, false
	}
	return slices.MaxFunc(copies, func(a, b model.RecoveryPoint) int {
		return cmp.Or(a.CreationDate.Compare(b.CreationDate), a.CompletionDate.Compare(b.CompletionDate))
	}), true
}

func joinRow(s Snapshot, idx index, req Requirement) Row {
	row := Row{
		ResourceArn:        req.ResourceArn,
		ResourceType:       req.ResourceType,
		SourceRegion:       req.SourceRegion,
		DestinationRegion:  model.RegionFromArn(req.DestinationVaultArn),
		DestinationAccount: model.AccountFromArn(req.DestinationVaultArn),
		DestinationVault:   model.VaultNameFromArn(req.DestinationVaultArn),
		Plan:               req.Plan,
		RpoMinutes:         req.RpoMinutes,
		Findings:           []Finding{},
	}
	if req.Chain != nil {
		row.ChainWorkflowId = req.Chain.WorkflowId
	}
	jobs := rowJobs(s, idx, req, &row)
	vr, read := s.Vaults[req.DestinationVaultArn]
	if !read || vr.Unreadable != "" {
		row.State = StateUnknown
		row.StateReason = "destination vault " + req.DestinationVaultArn + " could not be read"
		if vr.Unreadable != "" {
			row.StateReason += ": " + vr.Unreadable
		}
		return row
	}
	resourcePoints := idx.resourcePoints(req.DestinationVaultArn, req.ResourceArn)
	copies := chainCopies(resourcePoints, req.ResourceArn, req.SourceRegion)
	var records *RecordsRead
	if req.Chain != nil {
		if rr, ok := s.Records[req.Chain.WorkflowId]; ok {
			records = &rr
		}
	}
	var newestSource time.Time
	if n, ok := newest(copies); ok {
		row.NewestCopy = newestCopy(n, resourcePoints, jobs, records)
		newestSource = n.CreationDate
		age := s.Now.Sub(n.CreationDate)
		row.Age, row.AgeMinutes = age.Round(time.Second).String(), int64(age/time.Minute)
	}
	rpo := time.Duration(req.RpoMinutes) * time.Minute
	row.State, row.Deadline = model.RpoStateAt(s.Now, newestSource, time.Time{}, rpo)
	if newestSource.IsZero() {
		row.Deadline = time.Time{} // never copied: overdue since it was required, with no deadline to name
	}
	if row.State == model.RpoBreach {
		row.StateReason = breachReason(row, rpo)
	}
	row.Findings = append(row.Findings, evidence(s.Now, req, vr, copies, jobs, records)...)
	return row
}

func breachReason(row Row, rpo time.Duration) string {
	if row.NewestCopy == nil {
		return "no copy of this resource is in the destination vault"
	}
	return fmt.Sprintf("the newest copy's source was created %s ago, longer than the RPO of %s", row.Age, rpo)
}

// rowJobs picks the source Region's copy jobs into the row's vault for its resource,
// sets InFlight and LastFailure from them, and returns them.
func rowJobs(s Snapshot, idx index, req Requirement, row *Row) []model.CopyJob {
	jr := s.Jobs[req.SourceRegion]
	if jr.Unreadable != "" {
		row.Findings = append(row.Findings, Finding{FindingJobsUnreadable,
			"copy jobs of " + req.SourceRegion + " could not be listed, so jobs in flight and failures are unknown: " + jr.Unreadable})
		return nil
	}
	jobs := idx.jobs[requirementKey(req.ResourceArn, req.SourceRegion, req.DestinationVaultArn)]
	var inFlight, failed *model.CopyJob
	for i := range jobs {
		j := &jobs[i]
		switch j.State {
		case "CREATED", "PENDING", "RUNNING":
			if inFlight == nil || j.CreationDate.After(inFlight.CreationDate) {
				inFlight = j
			}
		case "FAILED", "ABORTED", "EXPIRED", "PARTIAL":
			if failed == nil || jobEnd(*j).After(jobEnd(*failed)) {
				failed = j
			}
		}
	}
	if inFlight != nil {
		row.InFlight, row.InFlightCopyJobId = true, inFlight.CopyJobId
	}
	if failed != nil {
		reason := failed.StatusMessage
		if reason == "" {
			reason = failed.State
		}
		row.LastFailure = &Failure{At: jobEnd(*failed), CopyJobId: failed.CopyJobId, Reason: reason}
	}
	return jobs
}

func jobEnd(j model.CopyJob) time.Time {
	if !j.CompletionDate.IsZero() {
		return j.CompletionDate
	}
	return j.CreationDate
}

func newestCopy(p model.RecoveryPoint, vault []model.RecoveryPoint, jobs []model.CopyJob, records *RecordsRead) *Copy {
	c := &Copy{
		DestinationRecoveryPointArn: p.RecoveryPointArn,
		SourceCreatedAt:             p.CreationDate,
		LandedAt:                    p.CompletionDate,
		BackupSizeBytes:             p.BackupSizeInBytes,
		EncryptionKeyArn:            p.EncryptionKeyArn,
		DeleteAt:                    p.CalculatedLifecycle.DeleteAt,
	}
	var job *model.CopyJob
	for i := range jobs {
		if jobs[i].DestinationRecoveryPointArn == p.RecoveryPointArn {
			job = &jobs[i]
			c.CopyJobId = job.CopyJobId
		}
	}
	if records != nil {
		for _, r := range records.Records {
			if r.DestinationRecoveryPointArn != p.RecoveryPointArn {
				continue
			}
			if c.CopyJobId == "" {
				c.CopyJobId = r.CopyJobId
			}
			if r.Kind == model.CopyFull || r.Kind == model.CopyIncremental {
				c.Kind = r.Kind
			}
		}
	}
	if c.Kind == "" {
		started := p.CompletionDate
		if job != nil {
			started = job.CreationDate
		}
		c.Kind = InferKind(p.ResourceArn, p.RecoveryPointArn, started, vault)
	}
	return c
}

// InferKind says from AWS alone whether a copy was full or incremental: incremental when
// the vault held another completed copy of the resource, landed before the copy's job
// started, which AWS uses as the base. A base deleted since is not seen, so a copy can
// be taken for FULL that was incremental, never the other way round.
func InferKind(resourceArn, copyArn string, started time.Time, vault []model.RecoveryPoint) model.CopyKind {
	for _, p := range vault {
		if p.ResourceArn == resourceArn && p.RecoveryPointArn != copyArn && !p.CompletionDate.IsZero() &&
			p.CompletionDate.Before(started) && p.Status != "DELETING" && p.Status != "EXPIRED" {
			return model.CopyIncremental
		}
	}
	return model.CopyFull
}

// stateRank orders rows failing first.
func stateRank(r Row) int {
	switch r.State {
	case model.RpoBreach:
		return 0
	case StateUnknown:
		return 1
	case model.RpoAtRisk:
		return 2
	}
	if len(r.Findings) > 0 {
		return 3
	}
	if r.State == model.RpoOK {
		return 4
	}
	return 5
}

// SortRows orders rows failing first, then by resource, source and destination.
func SortRows(rows []Row) {
	slices.SortStableFunc(rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(stateRank(a), stateRank(b)), cmp.Compare(a.ResourceArn, b.ResourceArn),
			cmp.Compare(a.SourceRegion, b.SourceRegion), cmp.Compare(a.DestinationRegion, b.DestinationRegion),
			cmp.Compare(a.DestinationAccount, b.DestinationAccount), cmp.Compare(a.DestinationVault, b.DestinationVault))
	})
}

// Failing reports whether a row keeps the report from proving its RPO: BREACH or
// UNKNOWN (exit status 4).
func Failing(r Row) bool { return r.State == model.RpoBreach || r.State == StateUnknown }
