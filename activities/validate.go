package activities

import (
	"fmt"
	"strings"

	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// field is one required input member: its name as the workflow author knows it, and value.
type field struct {
	Name  string
	Value string
}

// requireFields refuses an input with empty required members before any AWS call, with
// a non-retryable error naming every missing field: a retry cannot fill them in.
func requireFields(activity string, fields ...field) error {
	var missing []string
	for _, f := range fields {
		if strings.TrimSpace(f.Value) == "" {
			missing = append(missing, f.Name)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return temporal.NewNonRetryableApplicationError(
		fmt.Sprintf("%s: required field(s) empty: %s", activity, strings.Join(missing, ", ")),
		model.ErrInvalidParameter, nil)
}

// invalidInput is a non-retryable error for an input that breaks a rule other than presence.
func invalidInput(activity, fieldName, rule string) error {
	return temporal.NewNonRetryableApplicationError(
		fmt.Sprintf("%s: %s %s", activity, fieldName, rule), model.ErrInvalidParameter, nil)
}
