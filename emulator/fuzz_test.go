package emulator_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/emulator"
)

// FuzzRequestDecoding sends arbitrary methods, paths, queries and bodies to the API. Whatever
// arrives, the server must answer (never panic) with a JSON body, and every error must carry
// X-Amzn-ErrorType and x-amzn-requestid.
func FuzzRequestDecoding(f *testing.F) {
	seeds := []struct{ method, path, body string }{
		{"PUT", "/backup-vaults/src", `{"EncryptionKeyArn":"arn:aws:kms:us-east-1:123456789012:key/k"}`},
		{"PUT", "/backup-vaults/src", `{`},
		{"PUT", "/backup-jobs", `{"BackupVaultName":"src","ResourceArn":"` + volume + `","IamRoleArn":"` + role + `","Lifecycle":{"DeleteAfterDays":7}}`},
		{"PUT", "/backup-jobs", `{"BackupVaultName":"src","ResourceArn":"` + volume + `","IamRoleArn":"` + role + `","StartWindowMinutes":"x"}`},
		{"PUT", "/copy-jobs", `{"RecoveryPointArn":"x","SourceBackupVaultName":"src","DestinationBackupVaultArn":"` + vaultArn(west, "dst") + `","IamRoleArn":"` + role + `","IdempotencyToken":"t"}`},
		{"PUT", "/copy-jobs", `{"Lifecycle":{"MoveToColdStorageAfterDays":-1,"DeleteAfterDays":1e300}}`},
		{"GET", "/copy-jobs/?state=RUNNING&createdAfter=2026-01-01T00:00:00Z&maxResults=2", ""},
		{"GET", "/copy-jobs/?nextToken=Q29weQ&maxResults=99999999999999999999", ""},
		{"GET", "/backup-vaults/src/recovery-points/" + url.PathEscape("arn:aws:ec2:us-east-1::snapshot/snap-1"), ""},
		{"POST", "/backup-vaults/src/recovery-points/%ZZ", `{"Lifecycle":null}`},
		{"GET", "/resources/" + url.PathEscape(volume) + "/recovery-points/", ""},
		{"PUT", "/backup/plans/", `{"BackupPlan":{"BackupPlanName":"p","Rules":[{"RuleName":"r","TargetBackupVaultName":"src","CopyActions":[{}]}]}}`},
		{"PUT", "/backup/plans/abc/selections/", `{"BackupSelection":{"SelectionName":"s","IamRoleArn":"` + role + `","Resources":["*"]}}`},
		{"DELETE", "/backup/plans/abc", ""},
		{"GET", "/supported-resource-types", ""},
		{"GET", "//", "\x00"},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, []byte(s.body))
	}
	e, err := emulator.New(emulator.Config{StartTime: epoch})
	if err != nil {
		f.Fatal(err)
	}
	h := e.Handler()
	auth := "AWS4-HMAC-SHA256 Credential=AKIAFUZZ/20260101/us-east-1/backup/aws4_request, SignedHeaders=host, Signature=" + strings.Repeat("0", 64)
	f.Fuzz(func(t *testing.T, method, path string, body []byte) {
		if strings.HasPrefix(path, "/_emulator") {
			return // the admin API is not part of the AWS surface
		}
		u, err := url.ParseRequestURI(path)
		if err != nil || !strings.HasPrefix(path, "/") {
			return
		}
		req := &http.Request{Method: method, URL: u, Header: http.Header{"Authorization": {auth}}, Host: "backup",
			Body: http.NoBody, RequestURI: path}
		req.Body = httpBody(body)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code < 200 || rec.Code > 599 {
			t.Fatalf("%s %s: status %d", method, path, rec.Code)
		}
		if rec.Header().Get("x-amzn-RequestId") == "" {
			t.Fatalf("%s %s: no request id", method, path)
		}
		if rec.Code >= 300 && rec.Header().Get("X-Amzn-ErrorType") == "" {
			t.Fatalf("%s %s: error %d without X-Amzn-ErrorType", method, path, rec.Code)
		}
		if b := rec.Body.Bytes(); len(b) > 0 && !json.Valid(b) {
			t.Fatalf("%s %s: body is not JSON: %q", method, path, b)
		}
		e.Advance(time.Minute) // let jobs progress between inputs
	})
}

type bodyReader struct{ *bytes.Reader }

func (bodyReader) Close() error { return nil }

func httpBody(b []byte) bodyReader { return bodyReader{bytes.NewReader(b)} }

// FuzzTaggingRequests sends arbitrary operations and bodies to the tagging API: whatever
// arrives, the answer is awsJson1.1 (JSON, with __type on errors), never a panic.
func FuzzTaggingRequests(f *testing.F) {
	for _, s := range []struct{ op, body string }{
		{"GetResources", `{}`},
		{"GetResources", `{"TagFilters":[{"Key":"env","Values":["prod","dev"]}],"ResourceTypeFilters":["ec2:volume"],"ResourcesPerPage":1}`},
		{"GetResources", `{"PaginationToken":"eyJxIjoiIiwiYSI6IiJ9","TagsPerPage":100}`},
		{"GetResources", `{"ResourceARNList":["` + volume + `"],"TagFilters":[{}]}`},
		{"GetResources", `{"ResourcesPerPage":1e30}`},
		{"TagResources", `{"ResourceARNList":["` + volume + `"],"Tags":{"env":"prod"}}`},
		{"TagResources", `{"ResourceARNList":["arn:aws:s3:::bucket-one"],"Tags":{"aws:x":""}}`},
		{"UntagResources", `{"ResourceARNList":["` + volume + `"],"TagKeys":["env"]}`},
		{"GetTagKeys", `{}`},
	} {
		f.Add(s.op, []byte(s.body))
	}
	e, err := emulator.New(emulator.Config{StartTime: epoch})
	if err != nil {
		f.Fatal(err)
	}
	h := e.Handler()
	auth := "AWS4-HMAC-SHA256 Credential=AKIAFUZZ/20260101/us-east-1/tagging/aws4_request, SignedHeaders=host, Signature=" + strings.Repeat("0", 64)
	f.Fuzz(func(t *testing.T, op string, body []byte) {
		req := httptest.NewRequest("POST", "/", bytes.NewReader(body))
		req.Header.Set("Authorization", auth)
		req.Header.Set("X-Amz-Target", "ResourceGroupsTaggingAPI_20170126."+op)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if ct := rec.Header().Get("Content-Type"); ct != "application/x-amz-json-1.1" {
			t.Fatalf("%s: content type %q", op, ct)
		}
		b := rec.Body.Bytes()
		if !json.Valid(b) {
			t.Fatalf("%s: body is not JSON: %q", op, b)
		}
		if rec.Code >= 300 {
			var e struct {
				Type string `json:"__type"`
			}
			if json.Unmarshal(b, &e) != nil || e.Type == "" {
				t.Fatalf("%s: error %d without __type: %s", op, rec.Code, b)
			}
		}
	})
}
