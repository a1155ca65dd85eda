package emulator

import (
	"slices"
	"strings"
)

type createBackupVaultInput struct {
	BackupVaultTags  map[string]string
	EncryptionKeyArn string
	CreatorRequestId string
}

type backupVaultWire struct {
	BackupVaultName        string
	BackupVaultArn         string
	VaultType              string
	VaultState             string
	EncryptionKeyArn       string
	EncryptionKeyType      string
	CreationDate           *epochTime `json:",omitempty"`
	CreatorRequestId       string     `json:",omitempty"`
	NumberOfRecoveryPoints int64
	Locked                 bool
}

func (e *Emulator) vaultWire(v *vault) backupVaultWire {
	n := int64(len(e.points.inVault(v.Arn)))
	keyType := "AWS_OWNED_KMS_KEY"
	if v.EncryptionKeyArn != "" {
		keyType = "CUSTOMER_MANAGED_KMS_KEY"
	}
	return backupVaultWire{
		BackupVaultName: v.Name, BackupVaultArn: v.Arn, VaultType: "BACKUP_VAULT", VaultState: "AVAILABLE",
		EncryptionKeyArn: e.vaultKey(v, v.Region), EncryptionKeyType: keyType, CreationDate: ts(v.CreationDate),
		CreatorRequestId: v.CreatorRequestId, NumberOfRecoveryPoints: n,
	}
}

// vaultIn finds a vault by name in the call's Region.
func (e *Emulator) vaultIn(c *call, name string) (*vault, *apiError) {
	if err := validateVaultName(name); err != nil {
		return nil, err
	}
	v, ok := e.st.Vaults[e.vaultArn(c.region, name)]
	if !ok {
		return nil, errNotFound("Backup vault %s does not exist in %s", name, c.region)
	}
	return v, nil
}

const maxVaultsPerRegion = 300

func (e *Emulator) createBackupVault(c *call) (any, *apiError) {
	var in createBackupVaultInput
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	name := c.labels["backupVaultName"]
	if err := validateVaultName(name); err != nil {
		return nil, err
	}
	if in.EncryptionKeyArn != "" {
		if !kmsKeyPattern.MatchString(in.EncryptionKeyArn) {
			return nil, errInvalidParameter("EncryptionKeyArn %q is not a KMS key ARN", in.EncryptionKeyArn)
		}
		if !strings.HasPrefix(in.EncryptionKeyArn, "arn:aws:kms:"+c.region+":") {
			return nil, errInvalidParameter("EncryptionKeyArn %q must be a key in %s, the vault's Region", in.EncryptionKeyArn, c.region)
		}
	}
	arn := e.vaultArn(c.region, name)
	if _, ok := e.st.Vaults[arn]; ok {
		return nil, errAlreadyExists("Backup vault %s already exists in %s", name, c.region)
	}
	n := 0
	for _, v := range e.st.Vaults {
		if v.Region == c.region {
			n++
		}
	}
	if n >= maxVaultsPerRegion {
		return nil, errLimitExceeded("at most %d backup vaults per Region", maxVaultsPerRegion)
	}
	_, seq := e.nextID("vault")
	v := &vault{Name: name, Arn: arn, Region: c.region, EncryptionKeyArn: in.EncryptionKeyArn,
		CreatorRequestId: in.CreatorRequestId, Tags: in.BackupVaultTags, CreationDate: c.now, Seq: seq}
	e.st.Vaults[arn] = v
	e.dirty = true
	return map[string]any{"BackupVaultName": name, "BackupVaultArn": arn, "CreationDate": ts(c.now)}, nil
}

func (e *Emulator) describeBackupVault(c *call) (any, *apiError) {
	v, err := e.vaultIn(c, c.labels["backupVaultName"])
	if err != nil {
		return nil, err
	}
	return e.vaultWire(v), nil
}

func (e *Emulator) listBackupVaults(c *call) (any, *apiError) {
	// Every vault here is a BACKUP_VAULT of the account itself: filtering for another type
	// or for vaults shared with the account finds none.
	vaultType, shared := c.query.Get("vaultType"), c.query.Get("shared")
	var vs []*vault
	for _, v := range e.st.Vaults {
		if v.Region == c.region && (vaultType == "" || vaultType == "BACKUP_VAULT") && shared != "true" {
			vs = append(vs, v)
		}
	}
	slices.SortFunc(vs, func(a, b *vault) int { return int(a.Seq - b.Seq) })
	start, end, next, err := page(c, len(vs), func(i int) string { return ascKey(vs[i].Seq) })
	if err != nil {
		return nil, err
	}
	list := make([]backupVaultWire, 0, end-start)
	for _, v := range vs[start:end] {
		list = append(list, e.vaultWire(v))
	}
	return struct {
		BackupVaultList []backupVaultWire
		NextToken       *string `json:",omitempty"`
	}{list, next}, nil
}

func (e *Emulator) deleteBackupVault(c *call) (any, *apiError) {
	v, err := e.vaultIn(c, c.labels["backupVaultName"])
	if err != nil {
		return nil, err
	}
	if len(e.points.inVault(v.Arn)) > 0 {
		return nil, errInvalidRequest("Backup vault %s cannot be deleted because it contains recovery points", v.Name)
	}
	for _, j := range e.active {
		if j.active() && (j.VaultArn == v.Arn || j.DestVaultArn == v.Arn) {
			return nil, errInvalidRequest("Backup vault %s cannot be deleted while job %s uses it", v.Name, j.ID)
		}
	}
	delete(e.st.Vaults, v.Arn)
	e.dirty = true
	return nil, nil
}

func (e *Emulator) getSupportedResourceTypes(c *call) (any, *apiError) {
	return map[string]any{"ResourceTypes": supportedResourceTypes}, nil
}
