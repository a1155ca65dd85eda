package activities

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// awsCall names the AWS call an error came from, for messages a human can act on.
type awsCall struct {
	Operation string // AWS Backup operation, e.g. "StartCopyJob"
	Region    string
}

// errorClass is where an AWS error goes: a model.Err* type and whether to retry it.
type errorClass struct {
	Type      string
	Retryable bool
}

// errorCodeClasses maps AWS error codes (smithy APIError.ErrorCode) to classes. Codes
// not listed fall back to the HTTP status (429 and 5xx retry) and then to Unclassified.
var errorCodeClasses = map[string]errorClass{
	"ThrottlingException":         {model.ErrThrottled, true},
	"ThrottledException":          {model.ErrThrottled, true},
	"TooManyRequestsException":    {model.ErrThrottled, true},
	"RequestLimitExceeded":        {model.ErrThrottled, true},
	"LimitExceededException":      {model.ErrThrottled, true},
	"ServiceUnavailableException": {model.ErrServiceFault, true},
	"ServiceUnavailable":          {model.ErrServiceFault, true},
	"DependencyFailureException":  {model.ErrServiceFault, true},
	"InternalFailure":             {model.ErrServiceFault, true},
	"InternalServerError":         {model.ErrServiceFault, true},
	"InternalServerException":     {model.ErrServiceFault, true},
	"RequestTimeout":              {model.ErrServiceFault, true},
	"RequestTimeoutException":     {model.ErrServiceFault, true},
	"AccessDeniedException":       {model.ErrAccessDenied, false},
	"AccessDenied":                {model.ErrAccessDenied, false},
	// Credentials and signatures: expired session tokens and clock skew pass once the
	// credentials are refreshed or the clock is right, but a call with them is refused
	// outright; only following a started job retries them (classifyFollowing).
	"UnrecognizedClientException":    {model.ErrAccessDenied, false},
	"InvalidSignatureException":      {model.ErrAccessDenied, false},
	"ExpiredTokenException":          {model.ErrAccessDenied, false},
	"ExpiredToken":                   {model.ErrAccessDenied, false},
	"RequestExpired":                 {model.ErrAccessDenied, false},
	"RequestTimeTooSkewed":           {model.ErrAccessDenied, false},
	"NotAuthorized":                  {model.ErrAccessDenied, false},
	"OptInRequired":                  {model.ErrAccessDenied, false},
	"InvalidParameterValueException": {model.ErrInvalidParameter, false},
	"MissingParameterValueException": {model.ErrInvalidParameter, false},
	"InvalidRequestException":        {model.ErrInvalidParameter, false},
	"ValidationException":            {model.ErrInvalidParameter, false},
	"SerializationException":         {model.ErrInvalidParameter, false},
	"ResourceNotFoundException":      {model.ErrNotFound, false},
	"InvalidResourceStateException":  {model.ErrInvalidState, false},
	"ConflictException":              {model.ErrConflict, false},
	"AlreadyExistsException":         {model.ErrConflict, false},
	"UnknownOperationException":      {model.ErrUnclassified, false},
	"InvalidClientTokenId":           {model.ErrAccessDenied, false},
	"IncompleteSignature":            {model.ErrAccessDenied, false},
	"MissingAuthenticationToken":     {model.ErrAccessDenied, false},
	"SignatureDoesNotMatch":          {model.ErrAccessDenied, false},
}

// httpStatus is implemented by the SDK's response errors (smithyhttp.ResponseError and
// awshttp.ResponseError, which wraps it).
type httpStatus interface {
	error
	HTTPStatusCode() int
}

// requestID is implemented by awshttp.ResponseError.
type requestID interface {
	error
	ServiceRequestID() string
}

// classify turns an error from an AWS SDK call into the temporal.ApplicationError the
// activity returns. It is the only place that decides what is retried: workflows and
// retry policies see only the model.Err* types. The message keeps AWS's error code and
// message verbatim, because that is what an operator pastes into a search box.
func classify(ctx context.Context, call awsCall, err error) error {
	if err == nil {
		return nil
	}
	class, msg := classOfCall(ctx, call, err)
	if class.Retryable {
		return temporal.NewApplicationErrorWithOptions(msg, class.Type, temporal.ApplicationErrorOptions{})
	}
	return temporal.NewNonRetryableApplicationError(msg, class.Type, nil)
}

// classifyFollowing classifies an error from looking at a job AWS has answered with its
// id. The job exists and runs on whatever this call hears, so no answer ends the
// following: every class is retried with backoff under its own type (the last one is
// what a completion window's message names). ResourceNotFound is expected for a moment
// after the start (AWS lists a new job late); once it has lasted notFoundGrace (unless 0)
// it ends the attempt as the non-retryable ErrJobNotVisible, so the workflow can say
// that the job has not been seen and follow on.
func classifyFollowing(ctx context.Context, call awsCall, err error, watched, notFoundGrace time.Duration) error {
	if err == nil {
		return nil
	}
	class, msg := classOfCall(ctx, call, err)
	if class.Type == model.ErrNotFound && notFoundGrace > 0 && watched >= notFoundGrace {
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("%s; not found in %s of following the job", msg, watched.Round(time.Second)), model.ErrJobNotVisible, nil)
	}
	return temporal.NewApplicationErrorWithOptions(msg, class.Type, temporal.ApplicationErrorOptions{})
}

// classOfCall returns the class of a call's error and the message the activity returns.
func classOfCall(ctx context.Context, call awsCall, err error) (errorClass, string) {
	class, detail := classOf(err)
	// The activity's own context ended (worker shutting down, StartToClose reached): the
	// call may not have failed at all, so it is a retryable fault, never a verdict on the
	// request.
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		class, detail = errorClass{model.ErrServiceFault, true}, "call interrupted: "+ctx.Err().Error()
	}
	return class, fmt.Sprintf("%s in %s: %s", call.Operation, regionOrUnknown(call.Region), detail)
}

// classOf returns the class of err and a one-line description carrying AWS's code,
// message, HTTP status and request id when there are any.
func classOf(err error) (errorClass, string) {
	status := 0
	if hs, ok := errors.AsType[httpStatus](err); ok {
		status = hs.HTTPStatusCode()
	}
	reqID := ""
	if ri, ok := errors.AsType[requestID](err); ok {
		reqID = ri.ServiceRequestID()
	}

	if apiErr, ok := errors.AsType[smithy.APIError](err); ok {
		code := apiErr.ErrorCode()
		detail := code + ": " + apiErr.ErrorMessage() + responseSuffix(status, reqID)
		if c, known := errorCodeClasses[code]; known {
			return c, detail
		}
		return classOfStatus(status, apiErr.ErrorFault()), detail
	}

	// The SDK validates required members before sending; nothing was sent.
	if ip, ok := errors.AsType[*smithy.InvalidParamsError](err); ok {
		return errorClass{model.ErrInvalidParameter, false}, "invalid request: " + ip.Error()
	}
	// Checked before the status: a connection reset or cut short while the response body
	// was read comes wrapped in a response error carrying the status of the headers,
	// usually 200. The call may well have succeeded (a copy job started), so it is
	// retried with the same idempotency token, never taken as a verdict on the request.
	if isNetworkError(err) {
		return errorClass{model.ErrServiceFault, true}, "network error: " + err.Error()
	}
	if status != 0 {
		return classOfStatus(status, smithy.FaultUnknown), err.Error()
	}
	return errorClass{model.ErrUnclassified, false}, err.Error()
}

// classOfStatus classifies by HTTP status when the error code is unknown.
func classOfStatus(status int, fault smithy.ErrorFault) errorClass {
	switch {
	case status == http.StatusTooManyRequests:
		return errorClass{model.ErrThrottled, true}
	case status >= 500 || (status == 0 && fault == smithy.FaultServer):
		return errorClass{model.ErrServiceFault, true}
	case status == http.StatusForbidden || status == http.StatusUnauthorized:
		return errorClass{model.ErrAccessDenied, false}
	case status == http.StatusNotFound:
		return errorClass{model.ErrNotFound, false}
	case status == http.StatusConflict:
		return errorClass{model.ErrConflict, false}
	default:
		return errorClass{model.ErrUnclassified, false}
	}
}

// isNetworkError reports errors of the transport: refused or reset connections, DNS,
// timeouts, truncated responses. The request may or may not have reached AWS, which is
// why every start call carries an idempotency token.
func isNetworkError(err error) bool {
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	// The request could not be sent or its response could not be read.
	_, ok := errors.AsType[*smithyhttp.RequestSendError](err)
	return ok
}

func responseSuffix(status int, reqID string) string {
	switch {
	case status != 0 && reqID != "":
		return fmt.Sprintf(" (HTTP %d, request id %s)", status, reqID)
	case status != 0:
		return fmt.Sprintf(" (HTTP %d)", status)
	default:
		return ""
	}
}

func regionOrUnknown(r string) string {
	if r == "" {
		return "an unnamed Region"
	}
	return r
}

// errEmptyAnswer is an AWS answer missing the member the call exists for.
type errEmptyAnswer string

func (e errEmptyAnswer) Error() string { return "AWS answered without " + string(e) }

// classifyWebhook turns a failed alert POST to target (scheme and host) into the
// activity's error. Network errors and non-2xx answers are retried, as the receiver may
// be down for a while; a 4xx other than 408 (timeout) and 429 (throttled) says the
// request itself is refused and fails at once: 401 and 403 as AccessDenied, 404 and 410
// as NotFound, the others as InvalidParameter. The message carries the status and the
// start of the receiver's answer, never the URL's path, which may hold its secret.
func classifyWebhook(ctx context.Context, target string, status int, answer string, err error) error {
	call := "POST alert to " + target
	if err != nil {
		// *url.Error repeats the whole URL: keep only what it wraps.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		if ctx.Err() != nil {
			return temporal.NewApplicationErrorWithOptions(call+": call interrupted: "+ctx.Err().Error(), model.ErrServiceFault, temporal.ApplicationErrorOptions{})
		}
		return temporal.NewApplicationErrorWithOptions(call+": network error: "+err.Error(), model.ErrServiceFault, temporal.ApplicationErrorOptions{})
	}
	msg := fmt.Sprintf("%s: HTTP %d", call, status)
	if a := strings.TrimSpace(answer); a != "" {
		msg += ": " + strings.Join(strings.Fields(a), " ")
	}
	var class errorClass
	switch {
	case status == http.StatusTooManyRequests:
		class = errorClass{model.ErrThrottled, true}
	case status == http.StatusRequestTimeout || status < 400 || status >= 500:
		class = errorClass{model.ErrServiceFault, true}
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		class = errorClass{model.ErrAccessDenied, false}
	case status == http.StatusNotFound || status == http.StatusGone:
		class = errorClass{model.ErrNotFound, false}
	default:
		class = errorClass{model.ErrInvalidParameter, false}
	}
	if class.Retryable {
		return temporal.NewApplicationErrorWithOptions(msg, class.Type, temporal.ApplicationErrorOptions{})
	}
	return temporal.NewNonRetryableApplicationError(msg, class.Type, nil)
}
