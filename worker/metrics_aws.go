package worker

import (
	"time"

	"github.com/uber-go/tally/v4"

	"github.com/regioncopy/regioncopy/activities"
	"github.com/regioncopy/regioncopy/model"
)

// awsCallDurationBuckets span an AWS API call attempt from 10ms to 30s.
var awsCallDurationBuckets = tally.DurationBuckets{
	10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond,
	250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2500 * time.Millisecond,
	5 * time.Second, 10 * time.Second, 30 * time.Second,
}

// callMetrics counts the activities' AWS call attempts, throttles and errors by
// operation and Region. The latency histogram is by operation only: buckets times
// operations times Regions would be many series for little more insight.
type callMetrics struct{ scope tally.Scope }

var _ activities.CallObserver = callMetrics{}

func (m callMetrics) AWSCallEnded(c activities.AWSCallEnd) {
	s := m.scope.Tagged(map[string]string{"operation": c.Operation, "region": c.Region})
	s.Counter(metricAWSCalls).Inc(1)
	if c.ErrorClass != "" {
		s.Tagged(map[string]string{"class": c.ErrorClass}).Counter(metricAWSErrors).Inc(1)
	}
	if c.ErrorClass == model.ErrThrottled {
		s.Counter(metricAWSThrottles).Inc(1)
	}
	m.scope.Tagged(map[string]string{"operation": c.Operation}).
		Histogram(metricAWSCallDuration, awsCallDurationBuckets).RecordDuration(c.Duration)
}
