package activities

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"go.temporal.io/sdk/temporal"

	"github.com/regioncopy/regioncopy/model"
)

// sdkError builds the error value the SDK returns for an AWS error response: an
// OperationError around an awshttp.ResponseError around the modeled or generic error.
func sdkError(status int, apiErr error) error {
	return &smithy.OperationError{
		ServiceID:     "Backup",
		OperationName: "StartCopyJob",
		Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{
				Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
				Err:      apiErr,
			},
			RequestID: "req-1",
		},
	}
}

func generic(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }

func TestClassifyAWSErrors(t *testing.T) {
	cases := []struct {
		name      string
		err       error
		wantType  string
		retryable bool
		wantInMsg []string
	}{
		{"throttling", sdkError(400, generic("ThrottlingException", "Rate exceeded")), model.ErrThrottled, true, []string{"ThrottlingException: Rate exceeded", "HTTP 400", "req-1"}},
		{"limit exceeded", sdkError(400, &types.LimitExceededException{Message: ptr("too many copy jobs")}), model.ErrThrottled, true, []string{"LimitExceededException: too many copy jobs"}},
		{"too many requests", sdkError(429, generic("TooManyRequestsException", "slow down")), model.ErrThrottled, true, []string{"TooManyRequestsException"}},
		{"bare 429", sdkError(429, generic("SomethingNew", "slow")), model.ErrThrottled, true, []string{"SomethingNew: slow"}},
		{"service unavailable", sdkError(503, &types.ServiceUnavailableException{Message: ptr("try later")}), model.ErrServiceFault, true, []string{"ServiceUnavailableException: try later", "HTTP 503"}},
		{"dependency failure", sdkError(500, &types.DependencyFailureException{Message: ptr("KMS")}), model.ErrServiceFault, true, []string{"DependencyFailureException: KMS"}},
		{"unknown 5xx", sdkError(502, generic("BadGateway", "proxy")), model.ErrServiceFault, true, []string{"BadGateway"}},
		{"access denied", sdkError(403, generic("AccessDeniedException", "User is not authorized")), model.ErrAccessDenied, false, []string{"AccessDeniedException: User is not authorized"}},
		{"invalid parameter", sdkError(400, &types.InvalidParameterValueException{Message: ptr("Lifecycle is invalid")}), model.ErrInvalidParameter, false, []string{"InvalidParameterValueException: Lifecycle is invalid"}},
		{"missing parameter", sdkError(400, &types.MissingParameterValueException{Message: ptr("IamRoleArn")}), model.ErrInvalidParameter, false, []string{"MissingParameterValueException"}},
		{"invalid request", sdkError(400, &types.InvalidRequestException{Message: ptr("cold point")}), model.ErrInvalidParameter, false, []string{"InvalidRequestException: cold point"}},
		{"not found", sdkError(400, &types.ResourceNotFoundException{Message: ptr("Backup vault dst does not exist")}), model.ErrNotFound, false, []string{"ResourceNotFoundException: Backup vault dst does not exist"}},
		{"invalid state", sdkError(400, &types.InvalidResourceStateException{Message: ptr("job in progress")}), model.ErrInvalidState, false, []string{"InvalidResourceStateException: job in progress"}},
		{"conflict", sdkError(400, &types.ConflictException{Message: ptr("busy")}), model.ErrConflict, false, []string{"ConflictException: busy"}},
		{"already exists", sdkError(400, &types.AlreadyExistsException{Message: ptr("exists")}), model.ErrConflict, false, []string{"AlreadyExistsException"}},
		{"unknown 400", sdkError(400, generic("BrandNewException", "what")), model.ErrUnclassified, false, []string{"BrandNewException: what"}},
		{"sdk validation", &smithy.OperationError{ServiceID: "Backup", OperationName: "StartCopyJob", Err: invalidParams()}, model.ErrInvalidParameter, false, []string{"IamRoleArn"}},
		{"connection refused", &smithy.OperationError{Err: &smithyhttp.RequestSendError{Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}}, model.ErrServiceFault, true, []string{"connection refused"}},
		{"timeout", &smithy.OperationError{Err: &smithyhttp.RequestSendError{Err: timeoutErr{}}}, model.ErrServiceFault, true, []string{"i/o timeout"}},
		{"other", errors.New("failed to refresh cached credentials"), model.ErrUnclassified, false, []string{"failed to refresh cached credentials"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := classify(context.Background(), awsCall{"StartCopyJob", "eu-west-1"}, c.err)
			appErr, ok := errors.AsType[*temporal.ApplicationError](err)
			if !ok {
				t.Fatalf("classify returned %T %v, want *temporal.ApplicationError", err, err)
			}
			if appErr.Type() != c.wantType {
				t.Errorf("Type = %q, want %q (%v)", appErr.Type(), c.wantType, err)
			}
			if appErr.NonRetryable() == c.retryable {
				t.Errorf("NonRetryable = %v, want %v", appErr.NonRetryable(), !c.retryable)
			}
			for _, s := range append(c.wantInMsg, "StartCopyJob in eu-west-1") {
				if !strings.Contains(appErr.Error(), s) {
					t.Errorf("message %q does not contain %q", appErr.Error(), s)
				}
			}
		})
	}
}

func TestClassifyAgreesWithModelNonRetryableTypes(t *testing.T) {
	nonRetryable := map[string]bool{}
	for _, typ := range model.NonRetryableErrorTypes {
		nonRetryable[typ] = true
	}
	for code, class := range errorCodeClasses {
		if class.Retryable == nonRetryable[class.Type] {
			t.Errorf("%s maps to %s retryable=%v, but model.NonRetryableErrorTypes says the opposite", code, class.Type, class.Retryable)
		}
	}
}

func TestClassifyInterruptedCallIsRetryable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := classify(ctx, awsCall{"DescribeCopyJob", "us-east-1"}, &smithy.OperationError{Err: &smithyhttp.RequestSendError{Err: context.Canceled}})
	appErr, ok := errors.AsType[*temporal.ApplicationError](err)
	if !ok || appErr.Type() != model.ErrServiceFault || appErr.NonRetryable() {
		t.Fatalf("got %v, want a retryable %s", err, model.ErrServiceFault)
	}
}

func invalidParams() error {
	ip := smithy.InvalidParamsError{Context: "StartCopyJobInput"}
	ip.Add(smithy.NewErrParamRequired("IamRoleArn"))
	return &ip
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "read tcp 127.0.0.1:1: i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

var _ net.Error = timeoutErr{}

func ptr(s string) *string { return &s }

func ExampleChainSummary() {
	fmt.Println(ChainSummary(model.ChainKey{
		ResourceArn:               "arn:aws:ec2:us-east-1:123456789012:volume/vol-1",
		ResourceType:              "EBS",
		SourceRegion:              "us-east-1",
		DestinationRegion:         "eu-west-1",
		DestinationBackupVaultArn: "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr",
	}))
	// Output: Copies recovery points of EBS resource arn:aws:ec2:us-east-1:123456789012:volume/vol-1 from us-east-1 to vault dr of account 123456789012 in eu-west-1, one at a time so that only the first copy is full.
}

// A response cut short after its 200 headers (the connection reset or closed mid-body)
// reaches classify as a deserialization error inside a response error with status 200.
// StartCopyJob may have started the job, so the error must be retryable: a retry with the
// same token gets the job back, while a verdict would fail the copy and leave the job
// running unrecorded.
func TestClassifyResponseCutShortIsRetryable(t *testing.T) {
	for name, cut := range map[string]func(w http.ResponseWriter){
		"truncated body": func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "500")
			w.WriteHeader(http.StatusOK)
			fmt.Fprint(w, `{"CopyJobId":"4f2b`)
		},
		"connection closed mid-body": func(w http.ResponseWriter) {
			conn, buf, err := http.NewResponseController(w).Hijack()
			if err != nil {
				panic(err)
			}
			fmt.Fprint(buf, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"CopyJobId\":\"4f2b")
			buf.Flush()
			conn.Close()
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				cut(w)
			}))
			defer srv.Close()
			b := NewBackup(aws.Config{
				Region:       east,
				Credentials:  credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
				BaseEndpoint: aws.String(srv.URL),
			})
			_, err := b.StartCopyJob(context.Background(), model.StartCopyJobInput{
				SourceRegion: east, RecoveryPointArn: "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0",
				SourceBackupVaultName: srcVault, DestinationBackupVaultArn: vaultArn(west, dstVault),
				IamRoleArn: role, IdempotencyToken: "token-1",
			})
			appErr, ok := errors.AsType[*temporal.ApplicationError](err)
			if !ok {
				t.Fatalf("StartCopyJob returned %T %v, want *temporal.ApplicationError", err, err)
			}
			if appErr.Type() != model.ErrServiceFault || appErr.NonRetryable() {
				t.Fatalf("got type %s non-retryable=%v (%v), want a retryable %s", appErr.Type(), appErr.NonRetryable(), err, model.ErrServiceFault)
			}
			if !strings.Contains(appErr.Error(), "StartCopyJob in us-east-1") {
				t.Errorf("message %q does not name the call", appErr.Error())
			}
		})
	}
}
