package devstack

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/regioncopy/regioncopy/emulator"
)

// Static credentials the stack's clients sign with; the emulator accepts any.
const (
	AccessKeyID     = "AKIADEVSTACK"
	SecretAccessKey = "devstack-secret"
)

// EmulatorServer is the AWS Backup emulator served over HTTP in this process.
type EmulatorServer struct {
	// URL is the endpoint for AWS_ENDPOINT_URL_BACKUP / aws.Config.BaseEndpoint.
	URL      string
	Emulator *emulator.Emulator

	srv  *http.Server
	done chan struct{}
}

// StartEmulator serves an emulator built from cfg on listen ("127.0.0.1:0" picks a
// free port).
func StartEmulator(cfg emulator.Config, listen string) (*EmulatorServer, error) {
	e, err := emulator.New(cfg)
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		_ = e.Close()
		return nil, fmt.Errorf("emulator: listen on %s: %w", listen, err)
	}
	s := &EmulatorServer{
		URL:      "http://" + l.Addr().String(),
		Emulator: e,
		srv:      &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 10 * time.Second},
		done:     make(chan struct{}),
	}
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(l)
	}()
	return s, nil
}

// AWSConfig is an aws.Config for region that signs with static credentials and sends
// every AWS Backup call to the emulator. It reads nothing from the environment.
func (s *EmulatorServer) AWSConfig(region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(AccessKeyID, SecretAccessKey, ""),
		BaseEndpoint: aws.String(s.URL),
	}
}

// Client is an AWS Backup client for region talking to the emulator.
func (s *EmulatorServer) Client(region string) *backup.Client {
	return backup.NewFromConfig(s.AWSConfig(region))
}

// Stop stops serving (waiting for calls in flight up to 5 seconds, then closing the
// connections still open: a client that keeps one busy must not fail the stop) and
// closes the emulator, which saves its state file.
func (s *EmulatorServer) Stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.srv.Close()
	}
	<-s.done
	return errors.Join(err, s.Emulator.Close())
}
