package worker

// Regioncopy's own metrics, beside the Temporal SDK's; every one is described, with its
// labels, in the worker's README. Counters get _total and histograms _seconds in
// Prometheus (the SDK's naming scope):
//
//	regioncopy_copies_started_total{source_region, destination_region}
//	regioncopy_copies_completed_total{source_region, destination_region, kind}
//	regioncopy_copies_failed_total{source_region, destination_region, state}
//	regioncopy_copy_bytes_total{source_region, destination_region, kind}
//	regioncopy_copy_duration_seconds{source_region, destination_region} (histogram)
//	regioncopy_aws_calls_total{operation, region}
//	regioncopy_aws_throttles_total{operation, region}
//	regioncopy_aws_errors_total{operation, region, class}
//	regioncopy_aws_call_duration_seconds{operation} (histogram)
//	regioncopy_resources{plan, destination_region, rpo_state}
//	regioncopy_newest_copy_age_seconds{plan, destination_region}
//	regioncopy_rpo_collected_timestamp_seconds
//	regioncopy_rpo_collect_failures_total
//
// Copy and AWS call metrics are counted by the activities as they run. An activity that
// is retried after its AWS call succeeded counts twice, so these are operational
// signals; the chains' copy records are the proof. The RPO gauges come from listing the
// open chains (rpoCollector). Labels are Regions, operations, states, error classes and
// plan names only, never a resource, job or ARN, so the number of series stays bounded.
const (
	metricCopiesStarted   = "regioncopy_copies_started"
	metricCopiesCompleted = "regioncopy_copies_completed"
	metricCopiesFailed    = "regioncopy_copies_failed"
	metricCopyBytes       = "regioncopy_copy_bytes"
	metricCopyDuration    = "regioncopy_copy_duration"

	metricAWSCalls        = "regioncopy_aws_calls"
	metricAWSThrottles    = "regioncopy_aws_throttles"
	metricAWSErrors       = "regioncopy_aws_errors"
	metricAWSCallDuration = "regioncopy_aws_call_duration"

	metricResources          = "regioncopy_resources"
	metricNewestCopyAge      = "regioncopy_newest_copy_age_seconds"
	metricRpoCollectedAt     = "regioncopy_rpo_collected_timestamp_seconds"
	metricRpoCollectFailures = "regioncopy_rpo_collect_failures"
)
