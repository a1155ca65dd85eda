package temporalclient

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
)

// EnsureSearchAttributes creates the custom search attributes among keys that the
// namespace lacks, through the operator service. It is idempotent: existing attributes
// of the right type are left alone, and a concurrent creation by another process counts
// as success. An attribute that exists with a different type is an error naming it,
// since Temporal cannot change an attribute's type.
func EnsureSearchAttributes(ctx context.Context, c client.Client, namespace string, keys []temporal.SearchAttributeKey) error {
	if namespace == "" {
		namespace = client.DefaultNamespace
	}
	missing, err := missingSearchAttributes(ctx, c, namespace, keys)
	if err != nil || len(missing) == 0 {
		return err
	}
	_, err = c.OperatorService().AddSearchAttributes(ctx, &operatorservice.AddSearchAttributesRequest{
		Namespace:        namespace,
		SearchAttributes: missing,
	})
	if _, exists := errors.AsType[*serviceerror.AlreadyExists](err); exists {
		// Another worker or `regioncopy setup` created them meanwhile: check the types,
		// and wait as they do until they are served.
		if _, err := missingSearchAttributes(ctx, c, namespace, keys); err != nil {
			return err
		}
	} else if err != nil {
		return fmt.Errorf("create search attributes %s in namespace %s: %w (on Temporal Cloud create them with tcld or the UI)",
			names(missing), namespace, err)
	}
	return awaitServed(ctx, c, namespace, missing)
}

// namespaceRefresh is how often each Temporal service rereads a namespace (the server's
// system.namespaceCacheRefreshInterval default). On SQL visibility a new attribute is an
// alias in its namespace, which a service knows only after its next reread.
const namespaceRefresh = 2 * time.Second

// awaitServed waits until the attributes just created can be used: until the frontend
// accepts a visibility query naming every one, then one namespace refresh more, since each
// service rereads the namespace on a timer of its own. Without it, a workflow started with
// one or upserting one at once could be refused as naming an unknown attribute.
func awaitServed(ctx context.Context, c client.Client, namespace string, added map[string]enumspb.IndexedValueType) error {
	parts := sortedNames(added)
	for i, n := range parts {
		parts[i] = n + " IS NULL"
	}
	query := strings.Join(parts, " AND ")
	deadline := time.Now().Add(time.Minute)
	for {
		_, err := c.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Namespace: namespace, Query: query})
		if err == nil {
			break
		}
		if _, unknown := errors.AsType[*serviceerror.InvalidArgument](err); !unknown || time.Now().After(deadline) {
			return fmt.Errorf("search attributes %s created in namespace %s, but a query naming them fails: %w", names(added), namespace, err)
		}
		if err := sleep(ctx, 200*time.Millisecond); err != nil {
			return err
		}
	}
	return sleep(ctx, namespaceRefresh)
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// missingSearchAttributes returns the keys the namespace lacks, or an error when one
// exists with another type.
func missingSearchAttributes(ctx context.Context, c client.Client, namespace string, keys []temporal.SearchAttributeKey) (map[string]enumspb.IndexedValueType, error) {
	resp, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	if err != nil {
		return nil, fmt.Errorf("list search attributes of namespace %s: %w", namespace, err)
	}
	missing := map[string]enumspb.IndexedValueType{}
	var conflicts []string
	for _, k := range keys {
		want := k.GetValueType()
		have, ok := resp.GetCustomAttributes()[k.GetName()]
		if !ok {
			have, ok = resp.GetSystemAttributes()[k.GetName()]
		}
		switch {
		case !ok:
			missing[k.GetName()] = want
		case have != want:
			conflicts = append(conflicts, fmt.Sprintf("%s is %s, regioncopy needs %s", k.GetName(), have, want))
		}
	}
	if len(conflicts) > 0 {
		return nil, fmt.Errorf("search attributes of namespace %s have the wrong type: %s", namespace, strings.Join(conflicts, "; "))
	}
	return missing, nil
}

func names(m map[string]enumspb.IndexedValueType) string {
	return strings.Join(sortedNames(m), ", ")
}

func sortedNames(m map[string]enumspb.IndexedValueType) []string {
	return slices.Sorted(maps.Keys(m))
}
