package worker

import (
	"github.com/uber-go/tally/v4"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/model"
)

// Regioncopy's own metrics, beside the Temporal SDK's (Prometheus names get _total):
//
//	regioncopy_copies_started_total{source_region, destination_region}
//	regioncopy_copies_completed_total{source_region, destination_region}
//	regioncopy_copies_failed_total{source_region, destination_region, state}
//	regioncopy_copy_bytes_total{source_region, destination_region}
//
// They are counted by the activities that start and poll copy jobs. An activity that is
// retried after its AWS call succeeded counts twice, so these are operational signals;
// the chains' copy records are the proof.
const (
	metricCopiesStarted   = "regioncopy_copies_started"
	metricCopiesCompleted = "regioncopy_copies_completed"
	metricCopiesFailed    = "regioncopy_copies_failed"
	metricCopyBytes       = "regioncopy_copy_bytes"
)

// copyMetrics reports copy starts and ends to tally counters.
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
	if j.State == model.JobCompleted {
		s.Counter(metricCopiesCompleted).Inc(1)
		s.Counter(metricCopyBytes).Inc(j.BackupSizeInBytes)
		return
	}
	s.Tagged(map[string]string{"state": j.State}).Counter(metricCopiesFailed).Inc(1)
}
