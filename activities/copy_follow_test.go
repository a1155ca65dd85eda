package activities

import (
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/model"
)

// TestPollCopyJobRetriesEveryAnswerWhileFollowing: once StartCopyJob has answered with a
// job id, a failed look at the job is retryable whatever AWS answered (a job not listed
// yet, expired credentials, a bad signature from clock skew, a code nobody classified),
// under its own type; the job is then followed to its end.
func TestPollCopyJobRetriesEveryAnswerWhileFollowing(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	id := f.startCopy(t, "follow-1")
	scripted := []struct{ code, typ string }{
		{"ResourceNotFoundException", model.ErrNotFound},
		{"ExpiredTokenException", model.ErrAccessDenied},
		{"ExpiredToken", model.ErrAccessDenied},
		{"InvalidSignatureException", model.ErrAccessDenied},
		{"UnrecognizedClientException", model.ErrAccessDenied},
		{"RequestExpired", model.ErrAccessDenied},
		{"MalformedHttpRequestException", model.ErrUnclassified},
	}
	var faults emulator.Faults
	for _, s := range scripted {
		faults.Errors = append(faults.Errors, emulator.ErrorFault{Operation: "DescribeCopyJob", Code: s.code, Count: 1})
	}
	if err := f.srv.Emulator.SetFaults(faults); err != nil {
		t.Fatal(err)
	}
	in := model.PollCopyJobInput{Region: east, CopyJobId: id, NotFoundGrace: time.Hour}
	for _, s := range scripted {
		err := f.run(model.ActPollCopyJob, in, nil)
		wantAppError(t, err, s.typ, true, "DescribeCopyJob in us-east-1", s.code)
	}
	f.srv.Emulator.Advance(time.Hour)
	var job model.CopyJob
	f.mustRun(t, model.ActPollCopyJob, in, &job)
	if job.State != model.JobCompleted {
		t.Fatalf("job %s ended %s after the scripted errors, want COMPLETED", id, job.State)
	}
}

// TestPollCopyJobReportsAJobLongNotFound: ResourceNotFound that outlasts NotFoundGrace
// ends the poll with the non-retryable ErrJobNotVisible, so the workflow can say so;
// without a grace it stays a retryable NotFound.
func TestPollCopyJobReportsAJobLongNotFound(t *testing.T) {
	f := newFixture(t, emulator.Config{})
	err := f.run(model.ActPollCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: "no-such-job", NotFoundGrace: time.Nanosecond}, nil)
	wantAppError(t, err, model.ErrJobNotVisible, false, "ResourceNotFoundException", "not found in")
	err = f.run(model.ActPollCopyJob, model.PollCopyJobInput{Region: east, CopyJobId: "no-such-job"}, nil)
	wantAppError(t, err, model.ErrNotFound, true, "ResourceNotFoundException")
}
