package cli

import (
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Exit codes. Scripts may rely on them; never change their meaning.
const (
	// ExitOK: the command did what was asked (for `copy --wait`: every destination copied).
	ExitOK = 0
	// ExitFailure: the operation ran and failed: a copy failed, the request `copy
	// --wait` followed was canceled, a workflow was not found, a query went unanswered, ...
	ExitFailure = 1
	// ExitUsage: the command line is wrong (unknown flag, missing or invalid value); the
	// message names the flag and the rule. Nothing was started. `copy --wait` also exits
	// with it when the workflow rejects the request before any copy job (missing vault,
	// resource type that cannot be copied).
	ExitUsage = 2
	// ExitUnavailable: Temporal could not be reached (address, TLS, credentials).
	ExitUnavailable = 3
	// ExitNotProven: `report` printed its report and some row is BREACH, or UNKNOWN
	// because its destination vault could not be read: the copies are not all proven.
	ExitNotProven = 4
)

// exitError carries the exit code chosen where the error was understood best.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as a usage error (exit 2).
func usageError(err error) error { return &exitError{code: ExitUsage, err: err} }

// usageErrorf is usageError(fmt.Errorf(...)).
func usageErrorf(format string, args ...any) error {
	return usageError(fmt.Errorf(format, args...))
}

// failure marks err as a failed operation (exit 1).
func failure(err error) error { return &exitError{code: ExitFailure, err: err} }

// failuref is failure(fmt.Errorf(...)).
func failuref(format string, args ...any) error { return failure(fmt.Errorf(format, args...)) }

// unavailable marks err as "cannot reach Temporal" (exit 3).
func unavailable(err error) error { return &exitError{code: ExitUnavailable, err: err} }

// ExitCode maps an error returned by a command to its exit code. Errors that reach here
// without a code come from command-line parsing (cobra), hence ExitUsage: every error
// produced inside a command's RunE is given a code by classifyRunError.
func ExitCode(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return ExitUsage
}

// classifyRunError gives an error from inside a command a code: already classified
// errors keep theirs, lost connections become ExitUnavailable, everything else is a
// failed operation.
func classifyRunError(err error) error {
	if err == nil {
		return nil
	}
	var e *exitError
	if errors.As(err, &e) {
		return err
	}
	if isConnectionError(err) {
		return unavailable(err)
	}
	var noNamespace *serviceerror.NamespaceNotFound
	if errors.As(err, &noNamespace) {
		// The frontend also answers this while it cannot read its namespaces, with its
		// database down: the message would send an operator after the wrong cause.
		return failure(fmt.Errorf("%w (if namespace %q exists, Temporal's database may be unreachable: the server "+
			"answers this while it cannot read its namespaces; try again once the database is back)",
			err, noNamespace.Namespace))
	}
	return failure(err)
}

// isConnectionError reports whether err says the Temporal frontend could not be reached.
func isConnectionError(err error) bool {
	var unavail *serviceerror.Unavailable
	if errors.As(err, &unavail) {
		return true
	}
	if s, ok := status.FromError(errors.Unwrap(err)); ok && s.Code() == codes.Unavailable {
		return true
	}
	if s, ok := status.FromError(err); ok && s.Code() == codes.Unavailable {
		return true
	}
	return false
}
