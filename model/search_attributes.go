package model

import "go.temporal.io/sdk/temporal"

// Typed search attribute keys: the Temporal UI's list view filters and sorts chains and
// requests by them, for example
//
//	WorkflowType = "CopyChain" AND DestinationRegion = "eu-west-1" AND CopyState = "FAILED"
//
// Each workflow upserts them from one method (updateStatus), so the UI never disagrees
// with the workflow's state; EnqueueCopy sets a new chain's first values at its start.
var (
	ResourceArnKey       = temporal.NewSearchAttributeKeyKeyword("ResourceArn")
	ResourceTypeKey      = temporal.NewSearchAttributeKeyKeyword("ResourceType")
	SourceRegionKey      = temporal.NewSearchAttributeKeyKeyword("SourceRegion")
	DestinationRegionKey = temporal.NewSearchAttributeKeyKeyword("DestinationRegion")
	// DestinationAccountKey is the account of the destination vault.
	DestinationAccountKey = temporal.NewSearchAttributeKeyKeyword("DestinationAccount")
	// DestinationVaultKey holds the vault's name; with DestinationRegion it names the vault.
	DestinationVaultKey = temporal.NewSearchAttributeKeyKeyword("DestinationVault")
	CopyStateKey        = temporal.NewSearchAttributeKeyKeyword("CopyState")
	PlanKey             = temporal.NewSearchAttributeKeyKeyword("Plan")
	LastCopyAtKey       = temporal.NewSearchAttributeKeyTime("LastCopyAt")
	// NextExpiryKey is the AWS DeleteAt of the chain's live copy that expires first.
	NextExpiryKey = temporal.NewSearchAttributeKeyTime("NextExpiry")
	// CopyCountKey counts completed copies: a chain's over its whole life, a plan run's
	// that landed.
	CopyCountKey = temporal.NewSearchAttributeKeyInt64("CopyCount")
	// RpoStateKey is the chain's live RPO state (model.RpoOK, RpoAtRisk, RpoBreach,
	// RpoNone): `RpoState = "BREACH"` is the operator's list of late resources.
	RpoStateKey = temporal.NewSearchAttributeKeyKeyword("RpoState")
	// RpoDeadlineKey is when the chain's newest copy stops meeting its RPO: the source
	// creation time of its newest landed copy plus the RPO.
	RpoDeadlineKey = temporal.NewSearchAttributeKeyTime("RpoDeadline")
)

// SearchAttributes lists every custom key the workflows set, for registration on the
// Temporal server (regioncopy setup, the worker on a dev server).
var SearchAttributes = []temporal.SearchAttributeKey{
	ResourceArnKey, ResourceTypeKey, SourceRegionKey, DestinationRegionKey, DestinationAccountKey, DestinationVaultKey,
	CopyStateKey, PlanKey, LastCopyAtKey, NextExpiryKey, CopyCountKey, RpoStateKey, RpoDeadlineKey,
}

// ChainIdentity is a chain's identity as search attributes: its resource, Regions,
// account and vault (ResourceType only when the key has one). A chain starts with them
// (EnqueueCopy) and a run checks it holds them before it publishes.
func ChainIdentity(k ChainKey) []temporal.SearchAttributeUpdate {
	updates := []temporal.SearchAttributeUpdate{
		ResourceArnKey.ValueSet(k.ResourceArn),
		SourceRegionKey.ValueSet(k.SourceRegion),
		DestinationRegionKey.ValueSet(k.DestinationRegion),
		DestinationAccountKey.ValueSet(k.DestinationAccount()),
		DestinationVaultKey.ValueSet(VaultNameFromArn(k.DestinationBackupVaultArn)),
	}
	if k.ResourceType != "" {
		updates = append(updates, ResourceTypeKey.ValueSet(k.ResourceType))
	}
	return updates
}
