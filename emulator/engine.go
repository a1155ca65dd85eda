package emulator

import (
	"slices"
	"time"
)

// settle applies, in time order, everything that happened between the last settle and now:
// queued jobs starting, running jobs ending, recovery points moving to cold storage and
// expiring. Job progress is computed, never polled, so it is exact under any time scale.
func (e *Emulator) settle(now time.Time) {
	cursor := e.st.SettledAt
	if now.Before(cursor) {
		now = cursor
	}
	for {
		e.startEligible(cursor)
		next, ok := e.nextEvent(cursor)
		if !ok || next.After(now) {
			break
		}
		cursor = next
		e.applyEventsAt(cursor)
	}
	if !now.Equal(e.st.SettledAt) {
		e.st.SettledAt = now
	}
	e.startEligible(now)
}

// nextEvent is the earliest pending event (never before cursor) that still needs
// applying: a running job's end, a queued job's hold or start deadline, a point's expiry.
func (e *Emulator) nextEvent(cursor time.Time) (time.Time, bool) {
	var next time.Time
	found := false
	consider := func(t time.Time) {
		if t.IsZero() {
			return
		}
		if !found || t.Before(next) {
			next, found = t, true
		}
	}
	for _, j := range e.active {
		switch j.State {
		case jobRunning:
			consider(j.EndDate)
		case jobCreated:
			if j.HoldUntil.After(cursor) {
				consider(j.HoldUntil)
			}
			if j.Kind == kindBackup {
				consider(j.StartBy)
			}
		}
	}
	if at, ok := e.nextExpiry(); ok {
		consider(at)
	}
	if found && next.Before(cursor) {
		next = cursor
	}
	return next, found
}

// applyEventsAt ends the jobs due at t, expires the points due at t, and times out backups
// that could not start by their StartBy.
func (e *Emulator) applyEventsAt(t time.Time) {
	for _, j := range e.sortedActive() {
		switch {
		case j.State == jobRunning && !j.EndDate.After(t):
			e.finishJob(j, j.EndDate)
		case j.State == jobCreated && j.Kind == kindBackup && !j.StartBy.After(t):
			j.State = jobExpired
			j.StatusMessage = "The backup job did not start within its start window"
			j.CompletionDate = j.StartBy
			delete(e.active, j.ID)
			e.dirty = true
		}
	}
	e.expireDue(t)
}

// startEligible starts, oldest first, every queued job that may run at t: its hold has
// passed, no other job is active on its resource, and (for copies) its destination Region
// is under the copy quota.
func (e *Emulator) startEligible(t time.Time) {
	busy := map[string]bool{}
	copiesTo := map[string]int{}
	var queued []*job
	for _, j := range e.sortedActive() {
		switch j.State {
		case jobRunning:
			busy[j.ResourceArn] = true
			if j.Kind == kindCopy {
				copiesTo[j.DestRegion]++
			}
		case jobCreated:
			queued = append(queued, j)
		}
	}
	for _, j := range queued {
		if j.HoldUntil.After(t) || busy[j.ResourceArn] {
			continue
		}
		if j.Kind == kindCopy && copiesTo[j.DestRegion] >= e.cfg.CopyQuota {
			continue
		}
		busy[j.ResourceArn] = true
		if j.Kind == kindCopy {
			copiesTo[j.DestRegion]++
			e.startCopy(j, t)
		} else {
			e.startBackup(j, t)
		}
		e.dirty = true
	}
}

// sortedActive is the CREATED and RUNNING jobs, oldest first.
func (e *Emulator) sortedActive() []*job {
	jobs := make([]*job, 0, len(e.active))
	for _, j := range e.active {
		jobs = append(jobs, j)
	}
	slices.SortFunc(jobs, func(a, b *job) int { return int(a.Seq - b.Seq) })
	return jobs
}

// transferTime is how long moving n bytes takes at bw bytes per second, plus the overhead.
func (e *Emulator) transferTime(n int64, bw float64) time.Duration {
	return e.cfg.JobOverhead + time.Duration(float64(n)/bw*float64(time.Second))
}

func (e *Emulator) bandwidth(src, dst string) float64 {
	if bw, ok := e.cfg.PairBandwidth[pairKey(src, dst)]; ok {
		return bw
	}
	return e.cfg.CopyBandwidth
}

// startBackup captures the resource at t: the recovery point exists from now on (CREATING)
// and the job moves the change since the previous backup.
func (e *Emulator) startBackup(j *job, t time.Time) {
	r := e.st.Resources[j.ResourceArn]
	change := r.SizeBytes
	if !r.LastBackup.IsZero() {
		change = e.changedBytes(r, t.Sub(r.LastBackup))
		j.Incremental = true
	}
	j.State = jobRunning
	j.StartDate = t
	j.SizeBytes = r.SizeBytes
	j.BytesTransferred = change
	j.EndDate = t.Add(e.transferTime(change, e.cfg.BackupBandwidth))
	v := e.st.Vaults[j.VaultArn]
	seq := j.Seq // ids are drawn only while handling requests, so they do not depend on timing
	e.putPoint(&recoveryPoint{
		Arn: j.RecoveryPointArn, Region: j.Region, VaultName: j.VaultName, VaultArn: j.VaultArn,
		ResourceArn: j.ResourceArn, ResourceType: j.ResourceType, IamRoleArn: j.IamRoleArn,
		Status: pointCreating, CreationDate: t, SizeBytes: r.SizeBytes,
		EncryptionKeyArn: e.vaultKey(v, j.Region), Lifecycle: j.Lifecycle.clone(), Tags: j.Tags, Seq: seq,
	})
}

// startCopy fixes what the copy moves: the full size when the destination vault holds no
// earlier copy of the resource, else the change since the newest one still there.
func (e *Emulator) startCopy(j *job, t time.Time) {
	j.State = jobRunning
	j.StartDate = t
	src, ok := e.st.Points[j.SourcePointArn]
	if !ok {
		j.EndDate = t
		j.FailReason = "The source recovery point " + j.SourcePointArn + " no longer exists"
		return
	}
	dst, ok := e.st.Vaults[j.DestVaultArn]
	if !ok {
		j.EndDate = t
		j.FailReason = "The destination backup vault " + j.DestVaultArn + " no longer exists"
		return
	}
	j.DestKeyArn = e.vaultKey(dst, j.DestRegion)
	j.SizeBytes = src.SizeBytes
	j.BytesTransferred = src.SizeBytes
	j.Incremental = false
	if base := e.incrementalBase(j.ResourceArn, j.DestVaultArn); base != nil {
		r := e.st.Resources[j.ResourceArn]
		j.BytesTransferred = e.changedBytes(r, src.CreationDate.Sub(base.CreationDate))
		j.Incremental = true
	}
	j.EndDate = t.Add(e.transferTime(j.BytesTransferred, e.bandwidth(j.Region, j.DestRegion)))
	seq := j.Seq // ids are drawn only while handling requests, so they do not depend on timing
	e.putPoint(&recoveryPoint{
		Arn: j.DestPointArn, Region: j.DestRegion, VaultName: dst.Name, VaultArn: dst.Arn,
		SourceVaultArn: j.SourceVaultArn, ResourceArn: j.ResourceArn, ResourceType: j.ResourceType,
		IamRoleArn: j.IamRoleArn, Status: pointCreating, CreationDate: src.CreationDate,
		SizeBytes: src.SizeBytes, EncryptionKeyArn: j.DestKeyArn, Lifecycle: j.Lifecycle.clone(), Seq: seq,
	})
}

// incrementalBase is the newest completed recovery point of the resource in the vault.
func (e *Emulator) incrementalBase(resourceArn, vaultArn string) *recoveryPoint {
	var base *recoveryPoint
	for _, p := range e.points.ofResource(vaultArn, resourceArn) {
		if p.Status != pointCompleted {
			continue
		}
		if base == nil || p.CreationDate.After(base.CreationDate) || (p.CreationDate.Equal(base.CreationDate) && p.Seq > base.Seq) {
			base = p
		}
	}
	return base
}

// finishJob ends a running job at t: COMPLETED with its recovery point, or FAILED.
func (e *Emulator) finishJob(j *job, t time.Time) {
	e.dirty = true
	delete(e.active, j.ID)
	j.CompletionDate = t
	pointArn := j.RecoveryPointArn
	if j.Kind == kindCopy {
		pointArn = j.DestPointArn
	}
	p := e.st.Points[pointArn]
	if j.FailReason != "" {
		j.State = jobFailed
		j.StatusMessage = j.FailReason
		if p != nil && p.Status == pointCreating {
			e.removePoint(pointArn)
		}
		return
	}
	j.State = jobCompleted
	if p != nil {
		p.Status = pointCompleted
		p.CompletionDate = t
		e.scheduleExpiry(p)
	}
	if j.Kind == kindBackup {
		if r := e.st.Resources[j.ResourceArn]; r != nil && j.StartDate.After(r.LastBackup) {
			r.LastBackup = j.StartDate
		}
		return
	}
	c := &e.st.Counters
	c.BytesTransferred[pairKey(j.Region, j.DestRegion)] += j.BytesTransferred
	if j.Incremental {
		c.IncrementalCopies++
	} else {
		c.FullCopies++
	}
	if src := e.st.Points[j.SourcePointArn]; src != nil && src.Lifecycle != nil &&
		src.Lifecycle.DeleteAfterEvent != nil && *src.Lifecycle.DeleteAfterEvent == "DELETE_AFTER_COPY" {
		e.deletePoint(src)
	}
}

func (e *Emulator) deletePoint(p *recoveryPoint) {
	e.removePoint(p.Arn)
	e.dirty = true
}

func (e *Emulator) vaultKey(v *vault, region string) string {
	if v != nil && v.EncryptionKeyArn != "" {
		return v.EncryptionKeyArn
	}
	return e.defaultKeyArn(region)
}
