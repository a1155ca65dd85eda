package model

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// MaxWorkflowIDLength bounds the workflow ids regioncopy makes from ARNs (chains,
// requests, plan-run children). Temporal's SQL stores are often configured with
// 255-character ids (limit.maxIDLength), and Temporal Cloud has its own limits; ids stay
// well below the smallest of them whatever the ARN.
const MaxWorkflowIDLength = 200

// ChainWorkflowIDForm is the form of ChainWorkflowID, as help and error texts show it.
const ChainWorkflowIDForm = "chain/<resource ARN>/from/<source Region>/to/<account>/<Region>/<vault>"

// chainIDPrefix starts every chain's workflow id.
const chainIDPrefix = "chain/"

// shortenedArnMark separates the kept start of a resource ARN too long for the id from
// the hash of the whole ARN. No resource ARN AWS Backup protects contains it, so a
// shortened ARN never reads as another resource's full one.
const shortenedArnMark = "~"

// ChainWorkflowID is the chain's workflow id:
//
//	chain/<resource ARN>/from/<source Region>/to/<destination account>/<destination Region>/<vault name>
//
// for example chain/arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc/from/eu-west-1/to/123456789012/us-west-2/Default
// for the copies of eu-west-1's copies of that volume into vault Default of us-west-2.
// Every part of the identity is in it, so two source Regions or two destination accounts
// never share a chain. When the whole id would be longer than MaxWorkflowIDLength
// (DynamoDB and Timestream tables have names of hundreds of characters), the
// resource ARN is cut and followed by '~' and 16 hex digits of its SHA-256; the full ARN
// stays in the chain's ResourceArn search attribute. The parts after the ARN hold no '/',
// so the id reads unambiguously from the right (ParseChainWorkflowID).
func ChainWorkflowID(k ChainKey) string {
	tail := "/from/" + k.SourceRegion + "/to/" + k.DestinationAccount() + "/" + k.DestinationRegion + "/" + VaultNameFromArn(k.DestinationBackupVaultArn)
	resource := k.ResourceArn
	if room := MaxWorkflowIDLength - len(chainIDPrefix) - len(tail); len(resource) > room {
		resource = ShortenArn(resource, room)
	}
	return chainIDPrefix + resource + tail
}

// ShortenArn keeps as much of the start of arn as fits in room with '~' and the hash of
// the whole ARN after it, cut at a character boundary, for workflow ids that must stay
// within MaxWorkflowIDLength whatever the ARN.
func ShortenArn(arn string, room int) string {
	sum := sha256.Sum256([]byte(arn))
	hash := shortenedArnMark + hex.EncodeToString(sum[:8])
	keep := min(max(room-len(hash), 0), len(arn))
	for keep > 0 && keep < len(arn) && !utf8.RuneStart(arn[keep]) {
		keep--
	}
	return arn[:keep] + hash
}

// ChainID is a chain's workflow id read back into its parts.
type ChainID struct {
	// Resource is the resource ARN as the id holds it: shortened (ending in '~' and a
	// hash) when the ARN was too long for the id.
	Resource           string
	SourceRegion       string
	DestinationAccount string
	DestinationRegion  string
	VaultName          string
}

// ResourceShortened says whether Resource is a shortened ARN rather than the whole one.
func (c ChainID) ResourceShortened() bool { return strings.Contains(c.Resource, shortenedArnMark) }

// ParseChainWorkflowID reads an id made by ChainWorkflowID; ok is false for any other
// string, including chain ids of another form.
func ParseChainWorkflowID(id string) (ChainID, bool) {
	rest, ok := strings.CutPrefix(id, chainIDPrefix)
	if !ok {
		return ChainID{}, false
	}
	// <resource>/from/<source>/to/<account>/<Region>/<vault>: six parts after the ARN.
	parts := strings.Split(rest, "/")
	if len(parts) < 7 {
		return ChainID{}, false
	}
	n := len(parts)
	tail := parts[n-6:]
	c := ChainID{
		Resource:     strings.Join(parts[:n-6], "/"),
		SourceRegion: tail[1], DestinationAccount: tail[3], DestinationRegion: tail[4], VaultName: tail[5],
	}
	if tail[0] != "from" || tail[2] != "to" || c.Resource == "" || c.SourceRegion == "" ||
		c.DestinationAccount == "" || c.DestinationRegion == "" || c.VaultName == "" {
		return ChainID{}, false
	}
	return c, true
}
