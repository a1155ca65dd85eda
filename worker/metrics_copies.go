package worker

import (
	"time"

	"github.com/uber-go/tally/v4"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/model"
)

// copyDurationBuckets span copy jobs from a minute to two days.
var copyDurationBuckets = tally.DurationBuckets{
	time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute, time.Hour, 2 * time.Hour,
	4 * time.Hour, 8 * time.Hour, 12 * time.Hour, 24 * time.Hour, 48 * time.Hour,
}

// kindUnknown labels a copy whose workflow did not say whether it was full or
// incremental.
const kindUnknown = "UNKNOWN"

// copyMetrics reports copy starts and ends to tally.
type copyMetrics struct{ scope tally.Scope }

var _ activities.CopyObserver = copyMetrics{}

func pair(src, dst string) map[string]string {
	return map[string]string{"source_region": src, "destination_region": dst}
}

func (m copyMetrics) CopyStarted(src, dst string) {
	m.scope.Tagged(pair(src, dst)).Counter(metricCopiesStarted).Inc(1)
}

func (m copyMetrics) CopyEnded(src string, j activities.CopyJobEnd) {
	s := m.scope.Tagged(pair(src, j.DestinationRegion))
	if j.State != model.JobCompleted {
		s.Tagged(map[string]string{"state": j.State}).Counter(metricCopiesFailed).Inc(1)
		return
	}
	kind := string(j.Kind)
	if kind == "" {
		kind = kindUnknown
	}
	byKind := s.Tagged(map[string]string{"kind": kind})
	byKind.Counter(metricCopiesCompleted).Inc(1)
	byKind.Counter(metricCopyBytes).Inc(j.BackupSizeInBytes)
	if j.Duration > 0 {
		s.Histogram(metricCopyDuration, copyDurationBuckets).RecordDuration(j.Duration)
	}
}
