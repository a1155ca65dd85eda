package emulator_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/regioncopy/regioncopy/emulator"
)

func TestSigV4Verification(t *testing.T) {
	keys := map[string]string{"AKIAGOODKEY": "good-secret"}
	s := start(t, emulator.Config{Credentials: keys})
	c := s.Client(east, noRetry)
	mustVault(t, c, "src", "")
	dstArn := mustVault(t, s.Client(west), "dst", "")
	// Percent-encoded ARNs in the path and timestamps in the query must sign the same way
	// on both sides.
	b := completedBackup(t, s, c, "src", volume)
	if _, err := c.DescribeRecoveryPoint(ctx(t), &backup.DescribeRecoveryPointInput{BackupVaultName: aws.String("src"), RecoveryPointArn: b.RecoveryPointArn}); err != nil {
		t.Fatalf("signed request with an escaped ARN path: %v", err)
	}
	mustCopy(t, c, aws.ToString(b.RecoveryPointArn), "src", dstArn, nil)
	if _, err := c.ListCopyJobs(ctx(t), &backup.ListCopyJobsInput{ByCreatedAfter: aws.Time(epoch), ByResourceArn: aws.String(volume)}); err != nil {
		t.Fatalf("signed request with query filters: %v", err)
	}
	// The emulator clock may run days ahead; signatures are checked against the wall clock.
	s.Emulator.Advance(30 * 24 * time.Hour)
	if _, err := c.ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{}); err != nil {
		t.Fatalf("after advancing the emulator clock: %v", err)
	}

	wrong := func(id, secret string) *backup.Client {
		cfg := s.AWSConfig(east)
		cfg.Credentials = credentials.NewStaticCredentialsProvider(id, secret, "")
		return backup.NewFromConfig(cfg, noRetry)
	}
	_, err := wrong("AKIAGOODKEY", "bad-secret").ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{})
	wantAPIError(t, err, "InvalidSignatureException", 403)
	_, err = wrong("AKIAUNKNOWN", "good-secret").ListBackupVaults(ctx(t), &backup.ListBackupVaultsInput{})
	wantAPIError(t, err, "UnrecognizedClientException", 403)

	// A request signed an hour ago is refused.
	req, _ := http.NewRequest("GET", s.URL+"/backup-vaults", bytes.NewReader(nil))
	sum := sha256.Sum256(nil)
	creds := aws.Credentials{AccessKeyID: "AKIAGOODKEY", SecretAccessKey: "good-secret"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "backup", east, time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 || resp.Header.Get("X-Amzn-ErrorType") != "InvalidSignatureException" {
		t.Fatalf("stale signature: %d %s", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"))
	}
}
