package emulator

import "time"

const day = 24 * time.Hour

// validateLifecycle applies AWS's lifecycle rules (Config.MaxLifecycleDays and
// MinDaysInColdStorage); field names the request member.
func (e *Emulator) validateLifecycle(field string, l *Lifecycle) *apiError {
	if l == nil {
		return nil
	}
	maxLifecycleDays, minDaysInCold := e.cfg.MaxLifecycleDays, max(0, e.cfg.MinDaysInColdStorage)
	if d := l.DeleteAfterDays; d != nil && (*d < 1 || *d > maxLifecycleDays) {
		return errInvalidParameter("%s.DeleteAfterDays %d must be between 1 and %d", field, *d, maxLifecycleDays)
	}
	if c := l.MoveToColdStorageAfterDays; c != nil && (*c < 1 || *c > maxLifecycleDays) {
		return errInvalidParameter("%s.MoveToColdStorageAfterDays %d must be between 1 and %d", field, *c, maxLifecycleDays)
	}
	if l.DeleteAfterDays != nil && l.MoveToColdStorageAfterDays != nil &&
		*l.DeleteAfterDays < *l.MoveToColdStorageAfterDays+minDaysInCold {
		return errInvalidParameter("%s: DeleteAfterDays %d must be at least %d days after MoveToColdStorageAfterDays %d (recovery points stay at least %d days in cold storage)",
			field, *l.DeleteAfterDays, minDaysInCold, *l.MoveToColdStorageAfterDays, minDaysInCold)
	}
	if ev := l.DeleteAfterEvent; ev != nil && *ev != "DELETE_AFTER_COPY" {
		return errInvalidParameter("%s.DeleteAfterEvent %q must be DELETE_AFTER_COPY", field, *ev)
	}
	return nil
}

// calculatedLifecycle is when the point moves to cold storage (only for types that support
// it) and when it is deleted, counted from its creation date (a copy's is its source's).
func (e *Emulator) calculatedLifecycle(p *recoveryPoint) (coldAt, deleteAt time.Time) {
	l := p.Lifecycle
	if l == nil {
		return
	}
	if l.MoveToColdStorageAfterDays != nil && contains(e.cfg.ColdStorageTypes, p.ResourceType) {
		coldAt = p.CreationDate.Add(time.Duration(*l.MoveToColdStorageAfterDays) * day)
	}
	if l.DeleteAfterDays != nil {
		deleteAt = p.CreationDate.Add(time.Duration(*l.DeleteAfterDays) * day)
	}
	return
}

func (e *Emulator) calculatedLifecycleWire(p *recoveryPoint) *calculatedLifecycle {
	coldAt, deleteAt := e.calculatedLifecycle(p)
	if coldAt.IsZero() && deleteAt.IsZero() {
		return nil
	}
	return &calculatedLifecycle{MoveToColdStorageAt: ts(coldAt), DeleteAt: ts(deleteAt)}
}

func (e *Emulator) storageClass(p *recoveryPoint, now time.Time) string {
	if coldAt, _ := e.calculatedLifecycle(p); !coldAt.IsZero() && !now.Before(coldAt) {
		return "COLD"
	}
	return "WARM"
}
