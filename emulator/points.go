package emulator

import (
	"slices"
	"time"
)

type recoveryPointWire struct {
	RecoveryPointArn     string
	BackupVaultName      string
	BackupVaultArn       string
	SourceBackupVaultArn string `json:",omitempty"`
	ResourceArn          string
	ResourceType         string
	IamRoleArn           string
	Status               string
	CreationDate         *epochTime `json:",omitempty"`
	CompletionDate       *epochTime `json:",omitempty"`
	BackupSizeInBytes    int64
	CalculatedLifecycle  *calculatedLifecycle `json:",omitempty"`
	Lifecycle            *Lifecycle           `json:",omitempty"`
	EncryptionKeyArn     string
	IsEncrypted          bool
	StorageClass         string `json:",omitempty"`
	IsParent             bool
	VaultType            string
	EncryptionKeyType    string
}

func (e *Emulator) pointWire(p *recoveryPoint, now time.Time) recoveryPointWire {
	return recoveryPointWire{
		RecoveryPointArn: p.Arn, BackupVaultName: p.VaultName, BackupVaultArn: p.VaultArn,
		SourceBackupVaultArn: p.SourceVaultArn, ResourceArn: p.ResourceArn, ResourceType: p.ResourceType,
		IamRoleArn: p.IamRoleArn, Status: p.Status, CreationDate: ts(p.CreationDate),
		CompletionDate: ts(p.CompletionDate), BackupSizeInBytes: p.SizeBytes,
		CalculatedLifecycle: e.calculatedLifecycleWire(p), Lifecycle: p.Lifecycle,
		EncryptionKeyArn: p.EncryptionKeyArn, IsEncrypted: true, StorageClass: e.storageClass(p, now),
		VaultType: "BACKUP_VAULT", EncryptionKeyType: e.keyType(p),
	}
}

func (e *Emulator) keyType(p *recoveryPoint) string {
	if p.EncryptionKeyArn == e.defaultKeyArn(p.Region) {
		return "AWS_OWNED_KMS_KEY"
	}
	return "CUSTOMER_MANAGED_KMS_KEY"
}

// pointIn finds a recovery point by the vault and ARN labels of the call.
func (e *Emulator) pointIn(c *call) (*recoveryPoint, *apiError) {
	v, err := e.vaultIn(c, c.labels["backupVaultName"])
	if err != nil {
		return nil, err
	}
	arn := c.labels["recoveryPointArn"]
	p, ok := e.st.Points[arn]
	if !ok || p.VaultArn != v.Arn {
		return nil, errNotFound("Recovery point %s does not exist in backup vault %s", arn, v.Name)
	}
	return p, nil
}

func (e *Emulator) describeRecoveryPoint(c *call) (any, *apiError) {
	p, err := e.pointIn(c)
	if err != nil {
		return nil, err
	}
	return e.pointWire(p, c.now), nil
}

func (e *Emulator) listRecoveryPointsByBackupVault(c *call) (any, *apiError) {
	v, err := e.vaultIn(c, c.labels["backupVaultName"])
	if err != nil {
		return nil, err
	}
	q := c.query
	resArn, resType, planID, parent := q.Get("resourceArn"), q.Get("resourceType"), q.Get("backupPlanId"), q.Get("parentRecoveryPointArn")
	var before, after time.Time
	if s := q.Get("createdBefore"); s != "" {
		if before, err = parseQueryTime("createdBefore", s); err != nil {
			return nil, err
		}
	}
	if s := q.Get("createdAfter"); s != "" {
		if after, err = parseQueryTime("createdAfter", s); err != nil {
			return nil, err
		}
	}
	candidates := e.points.inVault(v.Arn)
	if resArn != "" {
		candidates = e.points.ofResource(v.Arn, resArn)
	}
	var points []*recoveryPoint
	for _, p := range candidates {
		switch {
		case p.VaultArn != v.Arn,
			resArn != "" && p.ResourceArn != resArn,
			resType != "" && p.ResourceType != resType,
			planID != "", // plans do not run here: no point was made by a plan
			parent != "", // composite recovery points are not modelled
			!before.IsZero() && !wireTime(p.CreationDate).Before(before),
			!after.IsZero() && !wireTime(p.CreationDate).After(after):
			continue
		}
		points = append(points, p)
	}
	sortNewestFirst(points)
	start, end, next, err := page(c, len(points), func(i int) string { return newestFirstKey(points[i]) })
	if err != nil {
		return nil, err
	}
	out := make([]recoveryPointWire, 0, end-start)
	for _, p := range points[start:end] {
		out = append(out, e.pointWire(p, c.now))
	}
	return struct {
		RecoveryPoints []recoveryPointWire
		NextToken      *string `json:",omitempty"`
	}{out, next}, nil
}

type recoveryPointByResourceWire struct {
	RecoveryPointArn  string
	CreationDate      *epochTime `json:",omitempty"`
	Status            string
	EncryptionKeyArn  string
	BackupSizeBytes   int64
	BackupVaultName   string
	IsParent          bool
	VaultType         string
	EncryptionKeyType string
}

func (e *Emulator) listRecoveryPointsByResource(c *call) (any, *apiError) {
	arn := c.labels["resourceArn"]
	if _, _, ok := classifyResource(arn); !ok {
		return nil, errInvalidParameter("ResourceArn %q is not a well-formed ARN of a supported resource type", arn)
	}
	var points []*recoveryPoint
	for _, p := range e.st.Points {
		if p.ResourceArn == arn && p.Region == c.region {
			points = append(points, p)
		}
	}
	sortNewestFirst(points)
	start, end, next, err := page(c, len(points), func(i int) string { return newestFirstKey(points[i]) })
	if err != nil {
		return nil, err
	}
	out := make([]recoveryPointByResourceWire, 0, end-start)
	for _, p := range points[start:end] {
		out = append(out, recoveryPointByResourceWire{
			RecoveryPointArn: p.Arn, CreationDate: ts(p.CreationDate), Status: p.Status,
			EncryptionKeyArn: p.EncryptionKeyArn, BackupSizeBytes: p.SizeBytes, BackupVaultName: p.VaultName,
			VaultType: "BACKUP_VAULT", EncryptionKeyType: e.keyType(p),
		})
	}
	return struct {
		RecoveryPoints []recoveryPointByResourceWire
		NextToken      *string `json:",omitempty"`
	}{out, next}, nil
}

// newestFirstKey is a point's place in sortNewestFirst's order, for paging.
func newestFirstKey(p *recoveryPoint) string {
	return descKey(p.CreationDate.UnixNano()) + descKey(p.Seq)
}

func sortNewestFirst(points []*recoveryPoint) {
	slices.SortFunc(points, func(a, b *recoveryPoint) int {
		if c := b.CreationDate.Compare(a.CreationDate); c != 0 {
			return c
		}
		return int(b.Seq - a.Seq)
	})
}

func (e *Emulator) updateRecoveryPointLifecycle(c *call) (any, *apiError) {
	var in struct{ Lifecycle *Lifecycle }
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	p, err := e.pointIn(c)
	if err != nil {
		return nil, err
	}
	if err := e.validateLifecycle("Lifecycle", in.Lifecycle); err != nil {
		return nil, err
	}
	if e.storageClass(p, c.now) == "COLD" {
		l := in.Lifecycle
		old := *p.Lifecycle.MoveToColdStorageAfterDays
		if l == nil || l.MoveToColdStorageAfterDays == nil || *l.MoveToColdStorageAfterDays != old {
			return nil, errInvalidRequest("Recovery point %s is already in cold storage; MoveToColdStorageAfterDays must stay %d", p.Arn, old)
		}
	}
	p.Lifecycle = in.Lifecycle.clone()
	e.scheduleExpiry(p)
	e.dirty = true
	return map[string]any{"BackupVaultArn": p.VaultArn, "RecoveryPointArn": p.Arn, "Lifecycle": p.Lifecycle,
		"CalculatedLifecycle": e.calculatedLifecycleWire(p)}, nil
}

func (e *Emulator) deleteRecoveryPoint(c *call) (any, *apiError) {
	p, err := e.pointIn(c)
	if err != nil {
		return nil, err
	}
	for _, j := range e.active {
		if j.active() && (j.SourcePointArn == p.Arn || j.DestPointArn == p.Arn || j.RecoveryPointArn == p.Arn) {
			return nil, errInvalidState("Recovery point %s cannot be deleted while job %s uses it", p.Arn, j.ID)
		}
	}
	e.deletePoint(p)
	return nil, nil
}
