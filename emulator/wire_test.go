package emulator_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/backup/types"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
)

// rawCall sends a SigV4-signed request outside the SDK, to test routing and errors the SDK
// would never produce.
func rawCall(t *testing.T, s *emulatortest.Server, region, method, path string, body []byte) (*http.Response, map[string]any) {
	t.Helper()
	return rawCallWith(t, s, region, method, path, body, "backup", nil)
}

// rawCallWith is rawCall signed for service, with extra headers.
func rawCallWith(t *testing.T, s *emulatortest.Server, region, method, path string, body []byte, service string, headers map[string]string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	sum := sha256.Sum256(body)
	creds, _ := s.AWSConfig(region).Credentials.Retrieve(context.Background())
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%s %s answered non-JSON %q", method, path, b)
		}
	}
	return resp, out
}

func wantRawError(t *testing.T, resp *http.Response, body map[string]any, code string, status int) {
	t.Helper()
	if resp.StatusCode != status || resp.Header.Get("X-Amzn-ErrorType") != code || body["Code"] != code || body["Message"] == "" {
		t.Fatalf("got %d %q %v, want %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), body, status, code)
	}
	if resp.Header.Get("x-amzn-requestid") == "" {
		t.Fatal("no x-amzn-requestid")
	}
}

func TestUnknownOperations(t *testing.T) {
	s := start(t, emulator.Config{})
	resp, body := rawCall(t, s, east, "GET", "/no-such-thing", nil)
	wantRawError(t, resp, body, "UnknownOperationException", 404)
	resp, body = rawCall(t, s, east, "PATCH", "/backup-vaults/abc", nil)
	wantRawError(t, resp, body, "UnknownOperationException", 404)
	// An operation of the AWS model that the emulator does not serve answers the same way.
	_, err := s.Client(east).ListFrameworks(ctx(t), &backup.ListFrameworksInput{})
	wantAPIError(t, err, "UnknownOperationException", 404)
	if n := s.Emulator.Counters().Calls["UnknownOperation"]; n != 3 {
		t.Errorf("Calls[UnknownOperation] = %d, want 3", n)
	}
}

func TestRoutingAcceptsBothTrailingSlashFormsAndEscapedArns(t *testing.T) {
	s := start(t, emulator.Config{})
	c := s.Client(east)
	mustVault(t, c, "src", "")
	b := completedBackup(t, s, c, "src", volume)
	for _, path := range []string{"/backup-vaults", "/backup-vaults/", "/backup-jobs/", "/copy-jobs", "/backup-vaults/src/recovery-points/",
		"/resources/" + url.PathEscape(volume) + "/recovery-points/", "/resources/" + url.PathEscape(volume) + "/recovery-points"} {
		resp, body := rawCall(t, s, east, "GET", path, nil)
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d %v", path, resp.StatusCode, body)
		}
	}
	path := "/backup-vaults/src/recovery-points/" + url.PathEscape(aws.ToString(b.RecoveryPointArn))
	resp, body := rawCall(t, s, east, "GET", path, nil)
	if resp.StatusCode != 200 || body["RecoveryPointArn"] != aws.ToString(b.RecoveryPointArn) {
		t.Fatalf("GET %s: %d %v", path, resp.StatusCode, body)
	}
	if _, ok := body["CreationDate"].(float64); !ok {
		t.Errorf("CreationDate %T %v, want an epoch-seconds number", body["CreationDate"], body["CreationDate"])
	}
	list, err := c.ListRecoveryPointsByResource(ctx(t), &backup.ListRecoveryPointsByResourceInput{ResourceArn: aws.String(volume)})
	if err != nil || len(list.RecoveryPoints) != 1 || aws.ToInt64(list.RecoveryPoints[0].BackupSizeBytes) != fullSize {
		t.Fatalf("ListRecoveryPointsByResource: %+v %v", list, err)
	}
}

func TestBadRequestsGetAWSErrors(t *testing.T) {
	s := start(t, emulator.Config{})
	for _, body := range []string{"{", `{"EncryptionKeyArn": 5}`, `[]`, `{"a":1} trailing`, "\x00\xff"} {
		resp, out := rawCall(t, s, east, "PUT", "/backup-vaults/good-name", []byte(body))
		wantRawError(t, resp, out, "SerializationException", 400)
	}
	resp, out := rawCall(t, s, east, "PUT", "/copy-jobs", []byte(`{}`))
	wantRawError(t, resp, out, "MissingParameterValueException", 400)
	resp, out = rawCall(t, s, east, "GET", "/copy-jobs/?maxResults=0", nil)
	wantRawError(t, resp, out, "InvalidParameterValueException", 400)
	resp, out = rawCall(t, s, east, "GET", "/copy-jobs/?nextToken=garbage", nil)
	wantRawError(t, resp, out, "InvalidParameterValueException", 400)
	resp, out = rawCall(t, s, east, "GET", "/copy-jobs/?createdAfter=yesterday", nil)
	wantRawError(t, resp, out, "InvalidParameterValueException", 400)

	// Unsigned requests carry no Region.
	r, err := http.Get(s.URL + "/backup-vaults")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 403 || r.Header.Get("X-Amzn-ErrorType") != "MissingAuthenticationTokenException" {
		t.Fatalf("unsigned request: %d %s", r.StatusCode, r.Header.Get("X-Amzn-ErrorType"))
	}
}

func TestListCopyJobsFilters(t *testing.T) {
	s := start(t, emulator.Config{})
	src := s.Client(east)
	mustVault(t, src, "src", "")
	westArn := mustVault(t, s.Client(west), "dst", "")
	southArn := mustVault(t, s.Client(south), "dst", "")
	b1 := completedBackup(t, s, src, "src", volume)
	b2 := completedBackup(t, s, src, "src", volume2)
	cut := s.Emulator.Now()
	s.Emulator.Advance(time.Second)
	j1 := mustCopy(t, src, aws.ToString(b1.RecoveryPointArn), "src", westArn, nil)
	j2 := mustCopy(t, src, aws.ToString(b1.RecoveryPointArn), "src", southArn, nil) // queued behind j1
	j3 := mustCopy(t, src, aws.ToString(b2.RecoveryPointArn), "src", westArn, nil)

	ids := func(in *backup.ListCopyJobsInput) []string {
		t.Helper()
		var out []string
		p := backup.NewListCopyJobsPaginator(src, in)
		for p.HasMorePages() {
			page, err := p.NextPage(ctx(t))
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range page.CopyJobs {
				out = append(out, aws.ToString(j.CopyJobId))
			}
		}
		return out
	}
	same := func(name string, got []string, want ...string) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s: got %v, want %v", name, got, want)
			return
		}
		seen := map[string]bool{}
		for _, g := range got {
			seen[g] = true
		}
		for _, w := range want {
			if !seen[w] {
				t.Errorf("%s: got %v, want %v", name, got, want)
			}
		}
	}
	same("all, paged by one", ids(&backup.ListCopyJobsInput{MaxResults: aws.Int32(1)}), j1, j2, j3)
	same("by source point", ids(&backup.ListCopyJobsInput{BySourceRecoveryPointArn: b1.RecoveryPointArn}), j1, j2)
	same("by destination", ids(&backup.ListCopyJobsInput{ByDestinationVaultArn: aws.String(southArn)}), j2)
	same("by state CREATED", ids(&backup.ListCopyJobsInput{ByState: types.CopyJobStateCreated}), j2)
	same("by resource", ids(&backup.ListCopyJobsInput{ByResourceArn: aws.String(volume2)}), j3)
	same("by type", ids(&backup.ListCopyJobsInput{ByResourceType: aws.String("EBS")}), j1, j2, j3)
	same("created after the cut", ids(&backup.ListCopyJobsInput{ByCreatedAfter: aws.Time(cut)}), j1, j2, j3)
	same("created before the cut", ids(&backup.ListCopyJobsInput{ByCreatedBefore: aws.Time(cut)}))
	same("by account", ids(&backup.ListCopyJobsInput{ByAccountId: aws.String(account)}), j1, j2, j3)
	s.Emulator.Advance(time.Hour)
	same("completed", ids(&backup.ListCopyJobsInput{ByState: types.CopyJobStateCompleted, ByCompleteAfter: aws.Time(cut)}), j1, j2, j3)
	// Copy jobs are listed in their source Region only.
	same("in the destination Region", func() []string {
		out, err := s.Client(west).ListCopyJobs(ctx(t), &backup.ListCopyJobsInput{})
		if err != nil {
			t.Fatal(err)
		}
		var r []string
		for _, j := range out.CopyJobs {
			r = append(r, aws.ToString(j.CopyJobId))
		}
		return r
	}())

	bj, err := src.ListBackupJobs(ctx(t), &backup.ListBackupJobsInput{ByResourceArn: aws.String(volume), ByState: types.BackupJobStateCompleted, ByBackupVaultName: aws.String("src")})
	if err != nil || len(bj.BackupJobs) != 1 || aws.ToString(bj.BackupJobs[0].BackupJobId) != aws.ToString(b1.BackupJobId) {
		t.Fatalf("ListBackupJobs: %+v %v", bj, err)
	}
}

func TestDeleteRecoveryPointInUseIsRefused(t *testing.T) {
	s := start(t, emulator.Config{})
	src := s.Client(east)
	mustVault(t, src, "src", "")
	dstArn := mustVault(t, s.Client(west), "dst", "")
	b := completedBackup(t, s, src, "src", volume)
	mustCopy(t, src, aws.ToString(b.RecoveryPointArn), "src", dstArn, nil)
	_, err := src.DeleteRecoveryPoint(ctx(t), &backup.DeleteRecoveryPointInput{BackupVaultName: aws.String("src"), RecoveryPointArn: b.RecoveryPointArn})
	wantAPIError(t, err, "InvalidResourceStateException", 400)
	s.Emulator.Advance(time.Hour)
	if _, err := src.DeleteRecoveryPoint(ctx(t), &backup.DeleteRecoveryPointInput{BackupVaultName: aws.String("src"), RecoveryPointArn: b.RecoveryPointArn}); err != nil {
		t.Fatalf("delete after the copy ended: %v", err)
	}
}
