package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/config"
)

// SourceRegion resolves the source Region as the AWS CLI does: --region, then
// AWS_REGION, then AWS_DEFAULT_REGION, then the region of the profile (AWS_PROFILE or
// "default") in the shared config file (AWS_CONFIG_FILE or ~/.aws/config). It reads
// files only; nothing here calls AWS. Every command that takes --region uses it, so
// that they all agree.
func SourceRegion(ctx context.Context, flag string, getenv func(string) string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	for _, name := range []string{"AWS_REGION", "AWS_DEFAULT_REGION"} {
		if v := getenv(name); v != "" {
			return v, nil
		}
	}
	profile := getenv("AWS_PROFILE")
	explicitProfile := profile != ""
	if !explicitProfile {
		profile = "default"
	}
	shared, err := config.LoadSharedConfigProfile(ctx, profile, func(o *config.LoadSharedConfigOptions) {
		if f := getenv("AWS_CONFIG_FILE"); f != "" {
			o.ConfigFiles = []string{f}
		}
		if f := getenv("AWS_SHARED_CREDENTIALS_FILE"); f != "" {
			o.CredentialsFiles = []string{f}
		}
	})
	if err != nil {
		var missing config.SharedConfigProfileNotExistError
		if errors.As(err, &missing) && !explicitProfile {
			return "", nil // no default profile: the Region is simply not configured
		}
		return "", usageError(fmt.Errorf("AWS_PROFILE=%s: %v", profile, err))
	}
	return shared.Region, nil
}
