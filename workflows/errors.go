package workflows

import (
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// errorMessage returns the most specific message of an activity error: the message and
// type of the ApplicationError the activity returned (AWS's own message), or the timeout
// with the last attempt's failure when the activity ran out of time.
func errorMessage(err error) string {
	var timeoutErr *temporal.TimeoutError
	if errors.As(err, &timeoutErr) {
		msg := "timed out (" + timeoutErr.TimeoutType().String() + ")"
		if last := timeoutErr.Unwrap(); last != nil {
			msg += " after: " + errorMessage(last)
		}
		return msg
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		if appErr.Type() != "" {
			return appErr.Type() + ": " + appErr.Message()
		}
		return appErr.Message()
	}
	var canceled *temporal.CanceledError
	if errors.As(err, &canceled) {
		return "canceled"
	}
	return err.Error()
}

// errorType returns the ApplicationError type carried by an activity error, or "".
func errorType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	return ""
}

// windowExceeded reports whether an activity with unlimited attempts ran out of its
// ScheduleToClose window: the server reports either a timeout or the last attempt's
// retryable failure with retry state TIMEOUT, and a retryable error type can only surface
// from such an activity once its window is gone.
func windowExceeded(err error) bool {
	var timeoutErr *temporal.TimeoutError
	if errors.As(err, &timeoutErr) {
		return true
	}
	var actErr *temporal.ActivityError
	if errors.As(err, &actErr) && actErr.RetryState() == enumspb.RETRY_STATE_TIMEOUT {
		return true
	}
	switch errorType(err) {
	case model.ErrJobNotFinished, model.ErrThrottled, model.ErrServiceFault:
		return true
	}
	return false
}
