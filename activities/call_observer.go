package activities

import (
	"context"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// CallObserver learns of every HTTP attempt the activities' AWS clients make (the SDK's
// own retries included, since each is a request AWS counts against its rate), for
// metrics.
type CallObserver interface {
	AWSCallEnded(call AWSCallEnd)
}

// AWSCallEnd is one attempt of one AWS call.
type AWSCallEnd struct {
	// Operation is the AWS operation, "tagging:"-prefixed for the Resource Groups
	// Tagging API, as in the activities' error messages.
	Operation string
	Region    string
	Duration  time.Duration
	// ErrorClass is "" when AWS answered with success, otherwise the model.Err* type
	// classify gives the error (model.ErrThrottled for throttling).
	ErrorClass string
}

// WithCallObserver makes every AWS client of the activities (Backup's and the plan
// activities' tagging clients) report each call attempt.
func WithCallObserver(o CallObserver) Option { return func(b *Backup) { b.calls = o } }

// callObserverID names the middleware in the SDK's stack.
const callObserverID = "regioncopy.CallObserver"

// observeCalls returns the API option that reports each attempt to o. It sits at the
// end of the Finalize step, after the SDK's retry middleware, so it times and sees every
// attempt rather than the whole call.
func observeCalls(o CallObserver, operationPrefix string) func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		return s.Finalize.Add(middleware.FinalizeMiddlewareFunc(callObserverID,
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				began := time.Now()
				out, md, err := next.HandleFinalize(ctx, in)
				end := AWSCallEnd{
					Operation: operationPrefix + awsmiddleware.GetOperationName(ctx),
					Region:    awsmiddleware.GetRegion(ctx),
					Duration:  time.Since(began),
				}
				if err != nil {
					class, _ := classOf(err)
					end.ErrorClass = class.Type
				}
				o.AWSCallEnded(end)
				return out, md, err
			}), middleware.After)
	}
}
