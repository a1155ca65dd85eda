package worker

// For the external tests: the metric names the dashboard and alert rules use, and
// whether a scrape serves one.
var (
	UsedMetricNames = usedMetricNames
	ServesMetric    = servesMetric
)
