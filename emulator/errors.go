package emulator

import (
	"fmt"
	"net/http"
)

// apiError is an AWS error as the wire carries it: a code (X-Amzn-ErrorType and body Code),
// an HTTP status and a message.
type apiError struct {
	Code    string
	Status  int
	Message string
	// Fault is "Client" or "Server" (the body's Type member).
	Fault string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func clientError(code, format string, args ...any) *apiError {
	return &apiError{Code: code, Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...), Fault: "User"}
}

func errInvalidParameter(format string, args ...any) *apiError {
	return clientError("InvalidParameterValueException", format, args...)
}

func errMissingParameter(name string) *apiError {
	return clientError("MissingParameterValueException", "%s is required", name)
}

func errNotFound(format string, args ...any) *apiError {
	return clientError("ResourceNotFoundException", format, args...)
}

func errInvalidRequest(format string, args ...any) *apiError {
	return clientError("InvalidRequestException", format, args...)
}

func errAlreadyExists(format string, args ...any) *apiError {
	return clientError("AlreadyExistsException", format, args...)
}

func errInvalidState(format string, args ...any) *apiError {
	return clientError("InvalidResourceStateException", format, args...)
}

func errLimitExceeded(format string, args ...any) *apiError {
	return clientError("LimitExceededException", format, args...)
}

func errSerialization(format string, args ...any) *apiError {
	return clientError("SerializationException", format, args...)
}

func errAccessDenied(format string, args ...any) *apiError {
	e := clientError("AccessDeniedException", format, args...)
	e.Status = http.StatusForbidden
	return e
}

func errUnknownOperation() *apiError {
	return &apiError{Code: "UnknownOperationException", Status: http.StatusNotFound, Message: "Unknown operation", Fault: "User"}
}

func errServiceUnavailable(msg string) *apiError {
	return &apiError{Code: "ServiceUnavailableException", Status: http.StatusServiceUnavailable, Message: msg, Fault: "Server"}
}

func errThrottling(code string) *apiError {
	return clientError(code, "Rate exceeded")
}
