package activities

import "go.temporal.io/sdk/temporal"

// Search attributes a chain carries from its start, set by EnqueueCopy when its
// signal-with-start creates the chain. The names are the ones package workflows upserts
// and `regioncopy setup` registers; they must stay identical.
var (
	AttrResourceArn        = temporal.NewSearchAttributeKeyKeyword("ResourceArn")
	AttrResourceType       = temporal.NewSearchAttributeKeyKeyword("ResourceType")
	AttrSourceRegion       = temporal.NewSearchAttributeKeyKeyword("SourceRegion")
	AttrDestinationRegion  = temporal.NewSearchAttributeKeyKeyword("DestinationRegion")
	AttrDestinationAccount = temporal.NewSearchAttributeKeyKeyword("DestinationAccount")
	AttrDestinationVault   = temporal.NewSearchAttributeKeyKeyword("DestinationVault")
)

// ChainSearchAttributes lists the keys EnqueueCopy sets, for registration.
var ChainSearchAttributes = []temporal.SearchAttributeKey{
	AttrResourceArn, AttrResourceType, AttrSourceRegion, AttrDestinationRegion, AttrDestinationAccount, AttrDestinationVault,
}
