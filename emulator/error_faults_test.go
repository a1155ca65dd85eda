package emulator_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"
	"github.com/aws/smithy-go"

	"github.com/regioncopy/regioncopy/emulator"
)

// TestErrorFaultsAnswerInOrder: scripted errors set through the admin endpoint answer
// their operation for their counts, in order, and leave other operations alone; then
// the real answer comes back.
func TestErrorFaultsAnswerInOrder(t *testing.T) {
	s := start(t, emulator.Config{})
	src, dst := s.Client(east, noRetry), s.Client(west, noRetry)
	mustVault(t, src, "src", "")
	dstArn := mustVault(t, dst, "dst", westKey)
	point := aws.ToString(completedBackup(t, s, src, "src", volume).RecoveryPointArn)
	id := mustCopy(t, src, point, "src", dstArn, nil)

	var set emulator.Faults
	body := `{"Errors":[{"Operation":"DescribeCopyJob","Code":"ResourceNotFoundException","Count":3},` +
		`{"Operation":"DescribeCopyJob","Code":"ExpiredTokenException","Count":2}]}`
	if code := admin(t, "POST", s.URL+"/_emulator/faults", body, &set); code != http.StatusOK || len(set.Errors) != 2 {
		t.Fatalf("POST faults: %d %+v", code, set)
	}
	describe := func() error {
		_, err := src.DescribeCopyJob(ctx(t), &backup.DescribeCopyJobInput{CopyJobId: aws.String(id)})
		return err
	}
	for i := range 3 {
		err := describe()
		wantAPIError(t, err, "ResourceNotFoundException", 400)
		var nf *types.ResourceNotFoundException
		if !errors.As(err, &nf) {
			t.Fatalf("call %d: the SDK did not decode %v as its modeled ResourceNotFoundException", i+1, err)
		}
		if _, err := src.ListCopyJobs(ctx(t), &backup.ListCopyJobsInput{}); err != nil {
			t.Fatalf("an operation no entry names was faulted: %v", err)
		}
	}
	for range 2 {
		wantAPIError(t, describe(), "ExpiredTokenException", 403)
	}
	if err := describe(); err != nil {
		t.Fatalf("after the scripted errors: %v", err)
	}
	got := s.Emulator.Counters().FaultsInjected
	if got["ResourceNotFoundException"] != 3 || got["ExpiredTokenException"] != 2 {
		t.Fatalf("FaultsInjected = %v, want 3 ResourceNotFoundException and 2 ExpiredTokenException", got)
	}
}

// TestErrorFaultsWithoutCountOrOperation: no Count answers every call, no Operation
// every operation, and the faults' Operations filter does not apply to them.
func TestErrorFaultsWithoutCountOrOperation(t *testing.T) {
	s := start(t, emulator.Config{Faults: emulator.Faults{Operations: []string{"StartCopyJob"},
		Errors: []emulator.ErrorFault{{Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}}}})
	c := s.Client(east, noRetry)
	for range 3 {
		_, err := c.ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{})
		wantAPIError(t, err, "UnrecognizedClientException", 403)
		if !strings.Contains(err.Error(), "security token included in the request is invalid") {
			t.Fatalf("the entry's Message was not answered: %v", err)
		}
		_, err = c.GetSupportedResourceTypes(ctx(t), &backup.GetSupportedResourceTypesInput{})
		wantAPIError(t, err, "UnrecognizedClientException", 403)
	}
}

// TestErrorFaultsDeclaredCodes: every error AWS Backup's model declares can be injected,
// with a status of the fault's class (5xx for server faults), and the SDK reads it back
// as the same code; so can the common errors of credentials and clock skew.
func TestErrorFaultsDeclaredCodes(t *testing.T) {
	modeled := []smithy.APIError{
		&types.AlreadyExistsException{}, &types.ConflictException{}, &types.DependencyFailureException{},
		&types.InvalidParameterValueException{}, &types.InvalidRequestException{}, &types.InvalidResourceStateException{},
		&types.LimitExceededException{}, &types.MissingParameterValueException{}, &types.ResourceNotFoundException{},
		&types.ServiceUnavailableException{},
	}
	cases := map[string]int{
		"ExpiredTokenException": 403, "ExpiredToken": 400, "InvalidSignatureException": 400,
		"UnrecognizedClientException": 403, "RequestExpired": 400, "SignatureDoesNotMatch": 403,
		"AccessDeniedException": 403, "ThrottlingException": 400, "InternalFailure": 500,
		"TooManyRequestsException": 429,
	}
	for _, m := range modeled {
		status := 400
		if m.ErrorFault() == smithy.FaultServer {
			status = 0 // any 5xx
		}
		cases[m.ErrorCode()] = status
	}
	s := start(t, emulator.Config{})
	c := s.Client(east, noRetry)
	for code, status := range cases {
		if err := s.Emulator.SetFaults(emulator.Faults{Errors: []emulator.ErrorFault{{Operation: "ListBackupVaults", Code: code, Count: 1}}}); err != nil {
			t.Fatalf("%s refused: %v", code, err)
		}
		_, err := c.ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{})
		if status == 0 {
			var re interface{ HTTPStatusCode() int }
			if !errors.As(err, &re) || re.HTTPStatusCode() < 500 {
				t.Fatalf("%s: got %v, want a 5xx answer", code, err)
			}
			status = re.HTTPStatusCode()
		}
		wantAPIError(t, err, code, status)
	}
}

// TestErrorFaultsRefuseUnknownCodes: a code no model declares, an operation the emulator
// does not serve and a negative count are refused, naming the entry's field, by Config,
// SetFaults and the admin endpoint alike.
func TestErrorFaultsRefuseUnknownCodes(t *testing.T) {
	cases := []struct {
		fault emulator.ErrorFault
		want  string
	}{
		{emulator.ErrorFault{Operation: "DescribeCopyJob", Code: "ResourceNotFound"}, `Errors[1].Code "ResourceNotFound"`},
		{emulator.ErrorFault{Operation: "DescribeCopyJobs", Code: "ResourceNotFoundException"}, `Errors[1].Operation "DescribeCopyJobs"`},
		{emulator.ErrorFault{Operation: "DescribeCopyJob", Code: "ResourceNotFoundException", Count: -1}, `Errors[1].Count -1`},
	}
	s := start(t, emulator.Config{})
	for _, c := range cases {
		f := emulator.Faults{Errors: []emulator.ErrorFault{{Code: "ThrottlingException", Count: 1}, c.fault}}
		if err := s.Emulator.SetFaults(f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SetFaults(%+v) = %v, want an error naming %s", c.fault, err, c.want)
		}
		e, err := emulator.New(emulator.Config{Faults: f})
		if err == nil {
			_ = e.Close()
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New with %+v = %v, want an error naming %s", c.fault, err, c.want)
		}
	}
	var answer map[string]string
	code := admin(t, "POST", s.URL+"/_emulator/faults", `{"Errors":[{"Operation":"DescribeCopyJob","Code":"NoSuchError","Count":1}]}`, &answer)
	if code != http.StatusBadRequest || !strings.Contains(answer["Message"], `Errors[0].Code "NoSuchError"`) {
		t.Fatalf("admin endpoint: %d %v, want 400 naming Errors[0].Code", code, answer)
	}
	if got := s.Emulator.Faults(); len(got.Errors) != 0 {
		t.Fatalf("a refused configuration was applied: %+v", got)
	}
}
