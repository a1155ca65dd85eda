package emulator

import (
	"fmt"
	"regexp"
	"slices"
	"time"

	"github.com/regioncopy/regioncopy/policy"
)

// Config describes one emulated AWS account across every Region. The zero value is usable:
// New fills every unset field with the default documented on it.
type Config struct {
	// AccountID is the one account every Region belongs to. Default "123456789012".
	AccountID string
	// TimeScale makes the emulator clock run TimeScale times faster than the wall clock, so
	// hours of copying and days of lifecycle pass in seconds. Default 1.
	TimeScale float64
	// StartTime is the emulator clock's initial reading. Default: the wall clock at New.
	StartTime time.Time
	// Seed seeds the fault-injection random source and the generated ids, so a run is
	// reproducible given the same requests in the same order.
	Seed int64
	// StateFile, when set, is loaded at New (if it exists) and rewritten atomically in the
	// background within a second of every change (changes in the same second share one
	// write), and at Save and Close, so a restarted emulator has lost nothing but, after a
	// crash, that last second.
	StateFile string

	// DefaultResourceSize is the size in bytes of a resource created on first use. Default 8 GiB.
	DefaultResourceSize int64
	// DefaultDailyWriteRate is the fraction of a resource's size written per day (rewrites
	// included) for resources created on first use. Default 0.05.
	DefaultDailyWriteRate float64
	// HotSetFraction is the share of a resource's blocks that receive HotWriteShare of its
	// writes. Default 0.1.
	HotSetFraction float64
	// HotWriteShare is the share of writes that land on the hot set. Default 0.9.
	HotWriteShare float64

	// CopyBandwidth is the default copy throughput in bytes per emulated second for any Region
	// pair not listed in PairBandwidth. Default 100 MiB/s.
	CopyBandwidth float64
	// PairBandwidth overrides CopyBandwidth per "source>destination" Region pair, for example
	// "us-east-1>eu-west-1".
	PairBandwidth map[string]float64
	// BackupBandwidth is the backup throughput in bytes per emulated second. Default 200 MiB/s.
	BackupBandwidth float64
	// JobOverhead is emulated time every job spends RUNNING on top of its transfer. Default 0.
	JobOverhead time.Duration

	// CopyQuota is the number of copy jobs that may run at once per destination Region;
	// the rest wait in CREATED. Default 100.
	CopyQuota int
	// ColdStorageTypes are the resource types whose lifecycle may move to cold storage; for
	// the others the cold-storage setting is ignored. Default: policy.Default()'s (EFS).
	ColdStorageTypes []string
	// NoCrossRegionTypes are resource types that cannot be copied to another Region.
	// Default: policy.Default()'s (DynamoDB).
	NoCrossRegionTypes []string
	// NoCrossRegionRegions are Regions that take part in no cross-Region copy.
	// Default: policy.Default()'s (af-south-1, ap-east-1, eu-south-1, me-south-1).
	NoCrossRegionRegions []string
	// MaxLifecycleDays bounds a lifecycle's day counts, and MinDaysInColdStorage is how long
	// a recovery point stays in cold storage at least, so DeleteAfterDays must be that much
	// after MoveToColdStorageAfterDays. Default: policy.Default()'s (36,500 and 90); a
	// negative MinDaysInColdStorage means none.
	MaxLifecycleDays     int64
	MinDaysInColdStorage int64

	// LifecycleLag is how long after a recovery point's DeleteAt the emulator's own
	// lifecycle removes it (emulated time). AWS removes expired points some time after
	// DeleteAt, not at the instant; a lag lets a test see regioncopy delete a copy at its
	// DeleteAt before AWS's lifecycle, the backstop, would. Default 0: at DeleteAt.
	LifecycleLag time.Duration

	// Resources seeds protected resources with their sizes and write rates.
	Resources []ResourceSeed
	// Faults are the faults injected from the start (the admin API can change them).
	Faults Faults
	// Credentials, when not empty, turns on SigV4 verification: every request must be signed
	// with one of these access key ids and its secret, within 15 minutes of the wall clock.
	Credentials map[string]string
}

// ResourceSeed declares one protected resource.
type ResourceSeed struct {
	ResourceArn string
	// SizeBytes is the resource's size; BackupSizeInBytes of each of its recovery points.
	SizeBytes int64
	// DailyWriteRate is the fraction of SizeBytes written per day, rewrites included.
	DailyWriteRate float64
	// Tags are applied to the resource as TagResources would apply them (keys named here
	// are set, other keys stay), so GetResources finds it by them.
	Tags map[string]string `json:",omitempty"`
}

const (
	gib = 1 << 30
	mib = 1 << 20
)

var accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)

func (c Config) withDefaults() (Config, error) {
	if c.AccountID == "" {
		c.AccountID = "123456789012"
	}
	if !accountIDPattern.MatchString(c.AccountID) {
		return c, fmt.Errorf("emulator config: AccountID %q must be 12 digits", c.AccountID)
	}
	if c.TimeScale == 0 {
		c.TimeScale = 1
	}
	if c.TimeScale < 0 {
		return c, fmt.Errorf("emulator config: TimeScale %v must be positive", c.TimeScale)
	}
	if c.DefaultResourceSize == 0 {
		c.DefaultResourceSize = 8 * gib
	}
	if c.DefaultDailyWriteRate == 0 {
		c.DefaultDailyWriteRate = 0.05
	}
	if c.HotSetFraction == 0 {
		c.HotSetFraction = 0.1
	}
	if c.HotWriteShare == 0 {
		c.HotWriteShare = 0.9
	}
	if c.CopyBandwidth == 0 {
		c.CopyBandwidth = 100 * mib
	}
	if c.BackupBandwidth == 0 {
		c.BackupBandwidth = 200 * mib
	}
	if c.CopyQuota == 0 {
		c.CopyQuota = 100
	}
	// AWS's rules come from the one place regioncopy keeps them (package policy).
	seed := policy.Default()
	if c.ColdStorageTypes == nil {
		c.ColdStorageTypes = seed.ColdStorageResourceTypes
	}
	if c.NoCrossRegionTypes == nil {
		c.NoCrossRegionTypes = seed.NotCopyableCrossRegion
	}
	if c.NoCrossRegionRegions == nil {
		c.NoCrossRegionRegions = seed.RegionsWithoutCrossRegionCopy
	}
	if c.MaxLifecycleDays == 0 {
		c.MaxLifecycleDays = seed.MaxLifecycleDays
	}
	if c.MinDaysInColdStorage == 0 {
		c.MinDaysInColdStorage = seed.MinDaysInColdStorage
	}
	switch {
	case c.DefaultResourceSize < 0:
		return c, fmt.Errorf("emulator config: DefaultResourceSize %d must be positive", c.DefaultResourceSize)
	case c.DefaultDailyWriteRate < 0:
		return c, fmt.Errorf("emulator config: DefaultDailyWriteRate %v must not be negative", c.DefaultDailyWriteRate)
	case c.HotSetFraction <= 0 || c.HotSetFraction >= 1:
		return c, fmt.Errorf("emulator config: HotSetFraction %v must be between 0 and 1", c.HotSetFraction)
	case c.HotWriteShare <= 0 || c.HotWriteShare > 1:
		return c, fmt.Errorf("emulator config: HotWriteShare %v must be in (0, 1]", c.HotWriteShare)
	case c.CopyBandwidth < 0 || c.BackupBandwidth < 0:
		return c, fmt.Errorf("emulator config: CopyBandwidth and BackupBandwidth must be positive")
	case c.CopyQuota < 0:
		return c, fmt.Errorf("emulator config: CopyQuota %d must be positive", c.CopyQuota)
	case c.JobOverhead < 0:
		return c, fmt.Errorf("emulator config: JobOverhead %v must not be negative", c.JobOverhead)
	case c.LifecycleLag < 0:
		return c, fmt.Errorf("emulator config: LifecycleLag %v must not be negative", c.LifecycleLag)
	}
	for pair, bw := range c.PairBandwidth {
		if _, _, ok := splitPair(pair); !ok || bw <= 0 {
			return c, fmt.Errorf("emulator config: PairBandwidth[%q] needs a \"source>destination\" key and a positive rate", pair)
		}
	}
	if err := c.Faults.validate(); err != nil {
		return c, fmt.Errorf("emulator config: %w", err)
	}
	return c, nil
}

// FollowRules makes the emulator enforce r's cross-Region, cold-storage and lifecycle
// rules, as AWS does once it has relaxed them (an operator's rules document, policy.Load),
// so the emulator and regioncopy's checks agree.
func (c *Config) FollowRules(r *policy.Rules) {
	c.MaxLifecycleDays = r.MaxLifecycleDays
	c.MinDaysInColdStorage = r.MinDaysInColdStorage
	if c.MinDaysInColdStorage == 0 {
		c.MinDaysInColdStorage = -1 // none, not the default
	}
	c.ColdStorageTypes = slices.Clone(r.ColdStorageResourceTypes)
	c.NoCrossRegionTypes = slices.Clone(r.NotCopyableCrossRegion)
	c.NoCrossRegionRegions = slices.Clone(r.RegionsWithoutCrossRegionCopy)
	if c.ColdStorageTypes == nil {
		c.ColdStorageTypes = []string{}
	}
	if c.NoCrossRegionTypes == nil {
		c.NoCrossRegionTypes = []string{}
	}
	if c.NoCrossRegionRegions == nil {
		c.NoCrossRegionRegions = []string{}
	}
}
