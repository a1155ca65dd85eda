package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
)

// ErrorFault answers calls of one operation with one AWS error, for a number of calls:
// {"Operation": "DescribeCopyJob", "Code": "ResourceNotFoundException", "Count": 3}.
// Entries of Faults.Errors are used in order: a call takes the first entry for its
// operation that has calls left, so DescribeCopyJob can answer ResourceNotFoundException
// three times and then ExpiredTokenException twice. Unlike the rates, these faults draw
// nothing from the random source.
type ErrorFault struct {
	// Operation is an operation the emulator serves (DescribeCopyJob, GetResources, ...);
	// empty means every operation.
	Operation string `json:",omitempty"`
	// Code is an error code AWS Backup's model declares or one every AWS service may
	// answer (declaredErrors); it is answered with that code's HTTP status.
	Code string
	// Count is how many calls get this error; 0 means every call.
	Count int64 `json:",omitempty"`
	// Message replaces the default message, which says the error was injected.
	Message string `json:",omitempty"`
}

// errorStatus is how AWS answers an error code: its HTTP status and fault.
type errorStatus struct {
	Status int
	Fault  string
}

// declaredErrors are the codes an ErrorFault may name. The first group is AWS Backup's
// model (aws-sdk-go-v2 service/backup types/errors.go), the second the errors common to
// every AWS service (credentials, signatures, clock skew, throttling, service faults).
// Codes the emulator already answers on its own keep the status it answers them with.
var declaredErrors = map[string]errorStatus{
	"AlreadyExistsException":         {http.StatusBadRequest, "User"},
	"ConflictException":              {http.StatusBadRequest, "User"},
	"DependencyFailureException":     {http.StatusInternalServerError, "Server"},
	"InvalidParameterValueException": {http.StatusBadRequest, "User"},
	"InvalidRequestException":        {http.StatusBadRequest, "User"},
	"InvalidResourceStateException":  {http.StatusBadRequest, "User"},
	"LimitExceededException":         {http.StatusBadRequest, "User"},
	"MissingParameterValueException": {http.StatusBadRequest, "User"},
	"ResourceNotFoundException":      {http.StatusBadRequest, "User"},
	"ServiceUnavailableException":    {http.StatusServiceUnavailable, "Server"},

	"AccessDeniedException":               {http.StatusForbidden, "User"},
	"ExpiredToken":                        {http.StatusBadRequest, "User"},
	"ExpiredTokenException":               {http.StatusForbidden, "User"},
	"IncompleteSignature":                 {http.StatusForbidden, "User"},
	"IncompleteSignatureException":        {http.StatusBadRequest, "User"},
	"InternalFailure":                     {http.StatusInternalServerError, "Server"},
	"InvalidAction":                       {http.StatusBadRequest, "User"},
	"InvalidClientTokenId":                {http.StatusForbidden, "User"},
	"InvalidSignatureException":           {http.StatusBadRequest, "User"},
	"MalformedHttpRequestException":       {http.StatusBadRequest, "User"},
	"MissingAuthenticationTokenException": {http.StatusForbidden, "User"},
	"NotAuthorized":                       {http.StatusUnauthorized, "User"},
	"OptInRequired":                       {http.StatusForbidden, "User"},
	"RequestAbortedException":             {http.StatusBadRequest, "User"},
	"RequestEntityTooLargeException":      {http.StatusRequestEntityTooLarge, "User"},
	"RequestExpired":                      {http.StatusBadRequest, "User"},
	"RequestTimeoutException":             {http.StatusRequestTimeout, "User"},
	"SerializationException":              {http.StatusBadRequest, "User"},
	"ServiceUnavailable":                  {http.StatusServiceUnavailable, "Server"},
	"SignatureDoesNotMatch":               {http.StatusForbidden, "User"},
	"ThrottlingException":                 {http.StatusBadRequest, "User"},
	"TooManyRequestsException":            {http.StatusTooManyRequests, "User"},
	"UnknownOperationException":           {http.StatusNotFound, "User"},
	"UnrecognizedClientException":         {http.StatusForbidden, "User"},
	"ValidationError":                     {http.StatusBadRequest, "User"},
	"ValidationException":                 {http.StatusBadRequest, "User"},
}

// servedOperations are the operation names an ErrorFault may name.
func servedOperations() []string {
	ops := make([]string, 0, len(routes)+len(taggingOperations))
	for _, r := range routes {
		ops = append(ops, r.op)
	}
	for op := range taggingOperations {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	return ops
}

func validateErrorFaults(errs []ErrorFault) error {
	ops := servedOperations()
	for i, f := range errs {
		if _, ok := declaredErrors[f.Code]; !ok {
			codes := make([]string, 0, len(declaredErrors))
			for c := range declaredErrors {
				codes = append(codes, c)
			}
			sort.Strings(codes)
			return fmt.Errorf("faults: Errors[%d].Code %q is not an error code of AWS Backup's model nor a common AWS error; known codes: %s",
				i, f.Code, strings.Join(codes, ", "))
		}
		if f.Operation != "" && !slices.Contains(ops, f.Operation) {
			return fmt.Errorf("faults: Errors[%d].Operation %q is not an operation the emulator serves; served: %s",
				i, f.Operation, strings.Join(ops, ", "))
		}
		if f.Count < 0 {
			return fmt.Errorf("faults: Errors[%d].Count %d must not be negative", i, f.Count)
		}
	}
	return nil
}

// errorFault returns the scripted error for one call of op, if an entry has calls left,
// and counts the call against it.
func (e *Emulator) errorFault(op string) *apiError {
	for i, f := range e.st.Faults.Errors {
		if f.Operation != "" && f.Operation != op {
			continue
		}
		key := fmt.Sprintf("Errors[%d]", i)
		if f.Count > 0 && e.st.FaultUses[key] >= f.Count {
			continue
		}
		e.st.FaultUses[key]++
		e.st.Counters.FaultsInjected[f.Code]++
		st := declaredErrors[f.Code]
		msg := f.Message
		if msg == "" {
			msg = fmt.Sprintf("%s answered %s (injected fault)", op, f.Code)
		}
		return &apiError{Code: f.Code, Status: st.Status, Message: msg, Fault: st.Fault}
	}
	return nil
}
