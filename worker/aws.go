package worker

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"go.uber.org/zap"

	"github.com/regioncopy/regioncopy/activities"
)

// awsCheckTimeout bounds the start-up credential check: a provider that has to reach its
// endpoint (SSO, web identity, the container or instance metadata endpoint) answers in
// seconds or not at all.
const awsCheckTimeout = 30 * time.Second

// LoadAWS loads the AWS default configuration chain and checks that it yields
// credentials (and, with cfg.VerifyAWSIdentity, that STS accepts them), so a worker
// without credentials stops before it polls for any task instead of failing every
// activity later. Start calls it when cfg.AWS is nil; a caller that sets cfg.AWS has
// made its own choice.
func LoadAWS(ctx context.Context, cfg Config, log *zap.Logger) (aws.Config, error) {
	if log == nil {
		log = zap.NewNop()
	}
	awsCfg, err := activities.LoadAWSConfig(ctx)
	if err != nil {
		return aws.Config{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, awsCheckTimeout)
	defer cancel()
	source, err := activities.ResolveCredentials(ctx, awsCfg)
	if err != nil {
		return aws.Config{}, err
	}
	fields := []zap.Field{zap.String("source", source)}
	if cfg.VerifyAWSIdentity {
		account, arn, err := activities.CallerIdentity(ctx, awsCfg)
		if err != nil {
			return aws.Config{}, fmt.Errorf("%w (checked because %s=true)", err, EnvVerifyAWSIdentity)
		}
		fields = append(fields, zap.String("account", account), zap.String("arn", arn))
	}
	log.Info("AWS credentials found", fields...)
	return awsCfg, nil
}
