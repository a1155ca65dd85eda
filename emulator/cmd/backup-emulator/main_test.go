package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi/types"
)

// serve runs the command in-process and returns its URL and a stop function that waits
// for the shutdown.
func serve(t *testing.T, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"--listen", "127.0.0.1:0"}, args...), pw)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		cancel()
		t.Fatalf("no listening line: %v (%v)", err, <-done)
	}
	go io.Copy(io.Discard, pr)
	url := strings.Fields(line)[3]
	return url, func() error { cancel(); return <-done }
}

func client(url, region string) *backup.Client {
	return backup.New(backup.Options{Region: region, BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAANY", "any", "")})
}

func TestServeSaveAndRestart(t *testing.T) {
	state := filepath.Join(t.TempDir(), "state.json")
	url, stop := serve(t, "--state-file", state, "--time-scale", "100", "--copy-quota", "5")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if _, err := client(url, "eu-north-1").CreateBackupVault(ctx, &backup.CreateBackupVaultInput{BackupVaultName: aws.String("kept")}); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if _, err := os.Stat(state); err != nil {
		t.Fatalf("no state file after shutdown: %v", err)
	}
	url, stop = serve(t, "--state-file", state)
	defer stop()
	if _, err := client(url, "eu-north-1").DescribeBackupVault(ctx, &backup.DescribeBackupVaultInput{BackupVaultName: aws.String("kept")}); err != nil {
		t.Fatalf("vault lost across restart: %v", err)
	}
}

func TestBadFlagsAreReported(t *testing.T) {
	for _, args := range [][]string{
		{"--time-scale", "-1"},
		{"--bandwidth", "nonsense=5"},
		{"--throttle-rate", "2"},
		{"--throttle-code", "Nope"},
		{"--start-time", "yesterday"},
		{"--rules", "no-such-rules.json"},
		{"extra"},
	} {
		err := run(context.Background(), append([]string{"--listen", "127.0.0.1:0"}, args...), io.Discard)
		if err == nil {
			t.Errorf("%v was accepted", args)
		}
	}
}

// TestSeedFileTags: the tags of a --resources file are what the tagging API serves, and a
// seed file with a tag key only AWS may set is refused at start.
func TestSeedFileTags(t *testing.T) {
	dir := t.TempDir()
	seeds := filepath.Join(dir, "resources.json")
	vol := "arn:aws:ec2:eu-north-1:123456789012:volume/vol-0123456789abcdef0"
	doc := `[{"ResourceArn": "` + vol + `", "SizeBytes": 1073741824, "DailyWriteRate": 0.1, "Tags": {"env": "prod"}}]`
	if err := os.WriteFile(seeds, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	url, stop := serve(t, "--resources", seeds)
	defer stop()
	tc := resourcegroupstaggingapi.New(resourcegroupstaggingapi.Options{Region: "eu-north-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAANY", "any", "")})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := tc.GetResources(ctx, &resourcegroupstaggingapi.GetResourcesInput{
		TagFilters: []types.TagFilter{{Key: aws.String("env"), Values: []string{"prod"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ResourceTagMappingList) != 1 || aws.ToString(out.ResourceTagMappingList[0].ResourceARN) != vol {
		t.Fatalf("env=prod: %+v", out.ResourceTagMappingList)
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(strings.Replace(doc, `"env"`, `"aws:env"`, 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run(context.Background(), []string{"--listen", "127.0.0.1:0", "--resources", bad}, io.Discard); err == nil || !strings.Contains(err.Error(), "aws:") {
		t.Fatalf("a seed with a reserved tag key: %v", err)
	}
}

// TestFaultErrorFlag: --fault-error scripts AWS errors per operation, in order, and an
// unknown code is refused before the emulator serves.
func TestFaultErrorFlag(t *testing.T) {
	url, stop := serve(t, "--fault-error", "ListBackupVaults:ExpiredTokenException:1", "--fault-error", "ListBackupVaults:InvalidSignatureException:1")
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := backup.New(backup.Options{Region: "eu-north-1", BaseEndpoint: aws.String(url), RetryMaxAttempts: 1,
		Credentials: credentials.NewStaticCredentialsProvider("AKIAANY", "any", "")})
	for _, want := range []string{"ExpiredTokenException", "InvalidSignatureException"} {
		_, err := c.ListBackupVaults(ctx, &backup.ListBackupVaultsInput{})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("got %v, want %s", err, want)
		}
	}
	if _, err := c.ListBackupVaults(ctx, &backup.ListBackupVaultsInput{}); err != nil {
		t.Fatalf("after the scripted errors: %v", err)
	}
	err := run(context.Background(), []string{"--listen", "127.0.0.1:0", "--fault-error", "ListBackupVaults:NoSuchError"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), `Errors[0].Code "NoSuchError"`) {
		t.Fatalf("unknown code: %v, want an error naming Errors[0].Code", err)
	}
}

// --version prints the build's line and serves nothing; --probe passes against a serving
// emulator's health endpoint and fails where nothing healthy answers.
func TestVersionAndProbe(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"--version"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "backup-emulator ") || !strings.Contains(out.String(), "(commit ") {
		t.Errorf("--version printed %q", out.String())
	}
	url, stop := serve(t)
	defer stop()
	if err := run(context.Background(), []string{"--probe", url + "/_emulator/healthz"}, io.Discard); err != nil {
		t.Errorf("probe of a serving emulator: %v", err)
	}
	if err := run(context.Background(), []string{"--probe", url + "/_emulator/no-such-page"}, io.Discard); err == nil {
		t.Error("probe of a page that is not there passed")
	}
}
