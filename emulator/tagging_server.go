package emulator

import (
	"net/http"
	"strings"
)

// The two APIs served on the one endpoint, named by their SigV4 signing names.
const (
	apiBackup  = "backup"
	apiTagging = "tagging"
)

// taggingTargetPrefix starts the X-Amz-Target of every Resource Groups Tagging API call
// (awsJson1.1: POST / with the operation in that header).
const taggingTargetPrefix = "ResourceGroupsTaggingAPI_20170126."

// taggingContentType is the awsJson1.1 media type of tagging requests and responses.
const taggingContentType = "application/x-amz-json-1.1"

// taggingOperations are the Resource Groups Tagging API operations served.
var taggingOperations = map[string]handlerFunc{
	"GetResources":   (*Emulator).getResources,
	"TagResources":   (*Emulator).tagResources,
	"UntagResources": (*Emulator).untagResources,
}

// apiOf tells which API a request is for: the tagging API when its X-Amz-Target names a
// tagging operation or its credential scope names the tagging service, else AWS Backup.
// Clients pointed at one endpoint for both services differ only there.
func apiOf(r *http.Request) string {
	if strings.HasPrefix(r.Header.Get("X-Amz-Target"), taggingTargetPrefix) {
		return apiTagging
	}
	if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil && m[4] == apiTagging {
		return apiTagging
	}
	return apiBackup
}

// taggingOperation finds the operation an awsJson1.1 request names in X-Amz-Target.
func taggingOperation(r *http.Request) (string, handlerFunc, bool) {
	target := r.Header.Get("X-Amz-Target")
	op, ok := strings.CutPrefix(target, taggingTargetPrefix)
	if !ok || r.Method != http.MethodPost || strings.Trim(r.URL.Path, "/") != "" {
		return "UnknownOperation", nil, false
	}
	h, ok := taggingOperations[op]
	if !ok {
		return "UnknownOperation", nil, false
	}
	return op, h, true
}

// errUnknownTaggingOperation is how an awsJson service answers a target it does not serve.
func errUnknownTaggingOperation(r *http.Request) *apiError {
	return clientError("UnknownOperationException", "X-Amz-Target %q is not an operation of the Resource Groups Tagging API served here (GetResources, TagResources, UntagResources), sent as POST /",
		r.Header.Get("X-Amz-Target"))
}

// taggingFault renames an injected fault into the tagging API's own errors: it throttles
// with ThrottledException and fails with InternalServiceException (500).
func taggingFault(f *apiError) *apiError {
	switch {
	case f == nil:
		return nil
	case f.Status == http.StatusServiceUnavailable:
		return &apiError{Code: "InternalServiceException", Status: http.StatusInternalServerError, Message: f.Message, Fault: "Server"}
	case f.Code == "ThrottlingException" || f.Code == "LimitExceededException":
		return clientError("ThrottledException", "%s", f.Message)
	}
	return f
}

func errTaggingParameter(format string, args ...any) *apiError {
	return clientError("InvalidParameterException", format, args...)
}
