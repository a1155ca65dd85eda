package activities

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

func TestResolveCredentialsNamesTheSource(t *testing.T) {
	cfg := aws.Config{Credentials: credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", "")}
	source, err := ResolveCredentials(context.Background(), cfg)
	if err != nil || source != credentials.StaticCredentialsName {
		t.Errorf("got %q, %v; want %q", source, err, credentials.StaticCredentialsName)
	}
}

func TestResolveCredentialsRefusesNoneAndAnonymous(t *testing.T) {
	failing := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("no EC2 IMDS role found")
	})
	for name, cfg := range map[string]aws.Config{
		"no provider":      {},
		"provider failing": {Credentials: failing},
		"anonymous":        {Credentials: aws.AnonymousCredentials{}},
	} {
		_, err := ResolveCredentials(context.Background(), cfg)
		if err == nil || !strings.Contains(err.Error(), "no AWS credentials") {
			t.Errorf("%s: got %v, want an error saying there are no AWS credentials", name, err)
			continue
		}
		if name != "no provider" && !strings.Contains(err.Error(), "AWS_PROFILE") {
			t.Errorf("%s: %q does not say how to set credentials", name, err)
		}
	}
}

func TestCallerIdentityReportsAnUnreachableSTS(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String()
	_ = ln.Close()
	cfg := aws.Config{
		Region:       "eu-west-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		BaseEndpoint: aws.String(closed),
	}
	_, _, err = CallerIdentity(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "STS GetCallerIdentity in eu-west-1") {
		t.Errorf("got %v, want an error naming STS GetCallerIdentity and the Region", err)
	}
}
