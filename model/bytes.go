package model

import "fmt"

// FormatBytes renders a size the way the AWS console does, in binary units with one
// decimal ("2.0 GiB"); the CLI, the report and the chains' details all print sizes so.
func FormatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
