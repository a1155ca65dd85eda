package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// ResolveCredentials asks cfg's credential provider for credentials once, as the first
// AWS call would, and returns where they came from (the provider's Source, such as
// EnvConfigCredentials or SSOProvider). It proves that the default chain finds
// credentials, not that they are valid or allowed anything: it calls no AWS API, though
// a provider may reach its own endpoint (SSO, STS for web identity, the ECS or EKS
// container endpoint, EC2 instance metadata) to obtain them.
func ResolveCredentials(ctx context.Context, cfg aws.Config) (string, error) {
	if cfg.Credentials == nil {
		return "", fmt.Errorf("no AWS credentials: the AWS configuration has no credential provider")
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		return "", errors.New("no AWS credentials found by the default chain (environment, shared config and credentials files, SSO, " +
			"web identity, ECS and EKS Pod Identity container credentials, EC2 instance profile): set AWS_PROFILE (after `aws sso login` for SSO) " +
			"or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with a role (EKS Pod Identity or IRSA, ECS task role, EC2 instance profile); " +
			"the last provider tried said: " + err.Error())
	}
	if !creds.HasKeys() {
		return "", fmt.Errorf("no AWS credentials: the configuration gives anonymous credentials (%s); set AWS_PROFILE or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run with a role", creds.Source)
	}
	return creds.Source, nil
}

// CallerIdentity asks STS whose credentials cfg holds (sts:GetCallerIdentity, which
// every principal may call without any IAM permission). It proves the credentials are
// valid, at the cost of one call to AWS. STS is called in cfg's Region, us-east-1 when
// it has none.
func CallerIdentity(ctx context.Context, cfg aws.Config) (account, arn string, err error) {
	region := cfg.Region
	if region == "" {
		region = "us-east-1"
	}
	out, err := sts.NewFromConfig(cfg, func(o *sts.Options) { o.Region = region }).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		_, detail := classOf(err)
		return "", "", fmt.Errorf("AWS credentials not confirmed by STS GetCallerIdentity in %s: %s", region, detail)
	}
	return aws.ToString(out.Account), aws.ToString(out.Arn), nil
}
