// Package emulatortest starts an in-process AWS Backup emulator for tests and hands out
// aws-sdk-go-v2 clients pointed at it: AWS Backup and the Resource Groups Tagging API.
package emulatortest

import (
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/backup"
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"

	"github.com/regioncopy/regioncopy/emulator"
)

// Static test credentials, used unless Config.Credentials names others.
const (
	AccessKeyID     = "AKIAEMULATORTEST"
	SecretAccessKey = "emulator-test-secret"
)

// Server is an emulator behind an httptest server.
type Server struct {
	URL      string
	Emulator *emulator.Emulator

	keyID, secret string
}

// Start runs an emulator built from cfg on a local httptest server. The server and the
// emulator are closed by t.Cleanup; a failure to build the emulator fails the test.
func Start(t testing.TB, cfg emulator.Config) *Server {
	t.Helper()
	e, err := emulator.New(cfg)
	if err != nil {
		t.Fatalf("emulatortest: %v", err)
	}
	hs := httptest.NewServer(e.Handler())
	s := &Server{URL: hs.URL, Emulator: e, keyID: AccessKeyID, secret: SecretAccessKey}
	if len(cfg.Credentials) > 0 {
		ids := make([]string, 0, len(cfg.Credentials))
		for id := range cfg.Credentials {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		s.keyID, s.secret = ids[0], cfg.Credentials[ids[0]]
	}
	t.Cleanup(func() {
		hs.Close()
		if err := e.Close(); err != nil {
			t.Errorf("emulatortest: closing the emulator: %v", err)
		}
	})
	return s
}

// AWSConfig is an aws.Config for region with static credentials and BaseEndpoint set to
// the server. It reads nothing from the environment.
func (s *Server) AWSConfig(region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(s.keyID, s.secret, ""),
		BaseEndpoint: aws.String(s.URL),
	}
}

// Client is an AWS Backup client for region talking to the server.
func (s *Server) Client(region string, optFns ...func(*backup.Options)) *backup.Client {
	return backup.NewFromConfig(s.AWSConfig(region), optFns...)
}

// TaggingClient is a Resource Groups Tagging API client for region talking to the server.
func (s *Server) TaggingClient(region string, optFns ...func(*resourcegroupstaggingapi.Options)) *resourcegroupstaggingapi.Client {
	return resourcegroupstaggingapi.NewFromConfig(s.AWSConfig(region), optFns...)
}
