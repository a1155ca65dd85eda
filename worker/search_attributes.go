package worker

import (
	"context"
	"fmt"
	"strings"

	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.uber.org/zap"

	"github.com/regioncopy/regioncopy/model"
	"github.com/regioncopy/regioncopy/temporalclient"
)

// prepareSearchAttributes registers or checks the search attributes according to mode.
// Without them every workflow that upserts one fails its task, so a missing attribute
// is reported at start-up with the command that fixes it.
func prepareSearchAttributes(ctx context.Context, c client.Client, cfg Config, log *zap.Logger) error {
	keys := model.SearchAttributes
	register := cfg.RegisterSearchAttributes == RegisterAlways
	if cfg.RegisterSearchAttributes == RegisterAuto {
		register = isDevServer(ctx, c)
	}
	if register {
		if err := temporalclient.EnsureSearchAttributes(ctx, c, cfg.Namespace, keys); err != nil {
			if cfg.RegisterSearchAttributes == RegisterAlways {
				return err
			}
			log.Warn("could not register search attributes", zap.Error(err))
			return nil
		}
		log.Info("search attributes ready", zap.String("namespace", cfg.Namespace), zap.Int("count", len(keys)))
		return nil
	}
	missing, err := missingNames(ctx, c, cfg.Namespace, keys)
	if err != nil {
		log.Warn("could not check search attributes", zap.Error(err))
		return nil
	}
	if len(missing) > 0 {
		log.Warn("search attributes missing: workflows will fail until they exist; run `regioncopy setup` or set "+
			EnvRegisterSearchAttributes+"=always",
			zap.String("namespace", cfg.Namespace), zap.Strings("missing", missing))
	}
	return nil
}

// isDevServer reports whether the server keeps visibility in SQLite, as the Temporal
// CLI's dev server does; there the worker may register attributes on its own.
func isDevServer(ctx context.Context, c client.Client) bool {
	info, err := c.WorkflowService().GetClusterInfo(ctx, &workflowservice.GetClusterInfoRequest{})
	if err != nil {
		return false
	}
	return strings.Contains(strings.ToLower(info.GetVisibilityStore()), "sqlite") ||
		strings.Contains(strings.ToLower(info.GetPersistenceStore()), "sqlite")
}

func missingNames(ctx context.Context, c client.Client, namespace string, keys []temporal.SearchAttributeKey) ([]string, error) {
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return nil, fmt.Errorf("list search attributes of namespace %s: %w", namespace, err)
	}
	var missing []string
	for _, k := range keys {
		if _, ok := resp.GetCustomAttributes()[k.GetName()]; !ok {
			missing = append(missing, k.GetName())
		}
	}
	return missing, nil
}
