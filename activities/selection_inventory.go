package activities

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	tagging "github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi"
)

// inventory maps the ARN of every tagged resource of one Region to its tags, as the
// Resource Groups Tagging API's GetResources reports them. Resources that never had a
// tag are absent: the tagging API does not list them, which is also why AWS Backup
// cannot select them by tag or wildcard.
type inventory map[string]map[string]string

// taggingClient returns the cached Resource Groups Tagging API client of region.
func (p *Plans) taggingClient(region string) *tagging.Client {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c, ok := p.tagging[region]; ok {
		return c
	}
	fns := append([]func(*tagging.Options){func(o *tagging.Options) { o.Region = region }}, p.taggingFn...)
	if calls := p.backup.calls; calls != nil {
		fns = append(fns, func(o *tagging.Options) { o.APIOptions = append(o.APIOptions, observeCalls(calls, "tagging:")) })
	}
	c := tagging.NewFromConfig(p.backup.base, fns...)
	p.tagging[region] = c
	return c
}

// loadInventory lists every tagged resource of region, following PaginationToken to
// the last page.
func (p *Plans) loadInventory(ctx context.Context, region string) (inventory, error) {
	pages := tagging.NewGetResourcesPaginator(p.taggingClient(region), &tagging.GetResourcesInput{
		ResourcesPerPage: aws.Int32(100),
	})
	inv := inventory{}
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify(ctx, awsCall{"tagging:GetResources", region}, err)
		}
		for _, m := range page.ResourceTagMappingList {
			tags := make(map[string]string, len(m.Tags))
			for _, t := range m.Tags {
				tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
			}
			inv[aws.ToString(m.ResourceARN)] = tags
		}
	}
	return inv, nil
}
