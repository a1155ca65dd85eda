package emulator

import "time"

type startBackupJobInput struct {
	BackupVaultName       string
	ResourceArn           string
	IamRoleArn            string
	IdempotencyToken      string `json:"-"`
	StartWindowMinutes    *int64
	CompleteWindowMinutes *int64
	Lifecycle             *Lifecycle
	RecoveryPointTags     map[string]string
	BackupOptions         map[string]string
	Index                 string
}

// startBackupJobBody is the body as sent; the token is split off for fingerprinting.
type startBackupJobBody struct {
	startBackupJobInput
	IdempotencyToken string
}

const defaultStartWindow = 8 * time.Hour

func (e *Emulator) startBackupJob(c *call) (any, *apiError) {
	var body startBackupJobBody
	if err := decodeBody(c.body, &body); err != nil {
		return nil, err
	}
	in := body.startBackupJobInput
	if in.BackupVaultName == "" {
		return nil, errMissingParameter("BackupVaultName")
	}
	if in.ResourceArn == "" {
		return nil, errMissingParameter("ResourceArn")
	}
	if err := validateRole(in.IamRoleArn); err != nil {
		return nil, err
	}
	typ, resRegion, ok := classifyResource(in.ResourceArn)
	if !ok {
		return nil, errInvalidParameter("ResourceArn %q is not a well-formed ARN of a supported resource type", in.ResourceArn)
	}
	if resRegion != "" && resRegion != c.region {
		return nil, errInvalidParameter("ResourceArn %q is in %s; StartBackupJob in %s backs up resources of %s only", in.ResourceArn, resRegion, c.region, c.region)
	}
	startWindow := defaultStartWindow
	if w := in.StartWindowMinutes; w != nil {
		if *w < 60 || *w > 60*24*365 {
			return nil, errInvalidParameter("StartWindowMinutes %d must be at least 60", *w)
		}
		startWindow = time.Duration(*w) * time.Minute
	}
	if w := in.CompleteWindowMinutes; w != nil && *w < 1 {
		return nil, errInvalidParameter("CompleteWindowMinutes %d must be positive", *w)
	}
	if err := e.validateLifecycle("Lifecycle", in.Lifecycle); err != nil {
		return nil, err
	}
	prior, tokenKey, err := e.idempotent(c, body.IdempotencyToken, in)
	if err != nil {
		return nil, err
	}
	if prior != nil {
		return startBackupJobOutput(prior), nil
	}
	v, err := e.vaultIn(c, in.BackupVaultName)
	if err != nil {
		return nil, err
	}
	e.resourceFor(in.ResourceArn, typ, resRegion)
	j := e.newJob(c, kindBackup, in.ResourceArn, typ, in.IamRoleArn)
	j.VaultName, j.VaultArn = v.Name, v.Arn
	pointID, _ := e.nextID("recovery-point")
	j.RecoveryPointArn = e.recoveryPointArn(c.region, typ, pointID)
	j.StartBy = c.now.Add(startWindow)
	j.Lifecycle = in.Lifecycle.clone()
	j.Tags = in.RecoveryPointTags
	e.st.Counters.BackupJobs++
	e.rememberToken(tokenKey, in, j.ID)
	return startBackupJobOutput(j), nil
}

func startBackupJobOutput(j *job) any {
	return map[string]any{"BackupJobId": j.ID, "RecoveryPointArn": j.RecoveryPointArn, "CreationDate": ts(j.CreationDate), "IsParent": false}
}

type backupJobWire struct {
	AccountId              string
	BackupJobId            string
	BackupVaultName        string
	BackupVaultArn         string
	VaultType              string
	RecoveryPointArn       string
	RecoveryPointLifecycle *Lifecycle `json:",omitempty"`
	EncryptionKeyArn       string     `json:",omitempty"`
	IsEncrypted            bool
	ResourceArn            string
	ResourceType           string
	CreationDate           *epochTime `json:",omitempty"`
	InitiationDate         *epochTime `json:",omitempty"`
	CompletionDate         *epochTime `json:",omitempty"`
	ExpectedCompletionDate *epochTime `json:",omitempty"`
	StartBy                *epochTime `json:",omitempty"`
	State                  string
	StatusMessage          string `json:",omitempty"`
	PercentDone            string
	BackupSizeInBytes      int64
	BytesTransferred       int64
	IamRoleArn             string
	IsParent               bool
	MessageCategory        string `json:",omitempty"`
}

func (e *Emulator) backupJobWire(j *job, now time.Time) backupJobWire {
	w := backupJobWire{
		AccountId: e.cfg.AccountID, BackupJobId: j.ID, BackupVaultName: j.VaultName, BackupVaultArn: j.VaultArn,
		VaultType: "BACKUP_VAULT", RecoveryPointArn: j.RecoveryPointArn, RecoveryPointLifecycle: j.Lifecycle,
		ResourceArn: j.ResourceArn, ResourceType: j.ResourceType, CreationDate: ts(j.CreationDate),
		InitiationDate: ts(j.StartDate), CompletionDate: ts(j.CompletionDate), StartBy: ts(j.StartBy),
		State: j.State, StatusMessage: j.StatusMessage, PercentDone: j.percentDone(now),
		BackupSizeInBytes: j.SizeBytes, IamRoleArn: j.IamRoleArn, MessageCategory: messageCategory(j),
	}
	if j.State == jobRunning {
		w.ExpectedCompletionDate = ts(j.EndDate)
	}
	if j.State == jobRunning || j.State == jobCompleted {
		w.BytesTransferred = j.BytesTransferred
		w.EncryptionKeyArn = e.vaultKey(e.st.Vaults[j.VaultArn], j.Region)
		w.IsEncrypted = true
	}
	return w
}

func (e *Emulator) describeBackupJob(c *call) (any, *apiError) {
	j, ok := e.st.Jobs[c.labels["backupJobId"]]
	if !ok || j.Kind != kindBackup || j.Region != c.region {
		return nil, errNotFound("Backup job %s does not exist in %s", c.labels["backupJobId"], c.region)
	}
	return e.backupJobWire(j, c.now), nil
}

func (e *Emulator) listBackupJobs(c *call) (any, *apiError) {
	f, err := parseJobFilter(c)
	if err != nil {
		return nil, err
	}
	vaultName := c.query.Get("backupVaultName")
	jobs := e.listJobs(c, kindBackup, func(j *job) bool {
		return f.keep(e, j) && (vaultName == "" || j.VaultName == vaultName)
	})
	start, end, next, err := page(c, len(jobs), func(i int) string { return descKey(jobs[i].Seq) })
	if err != nil {
		return nil, err
	}
	out := make([]backupJobWire, 0, end-start)
	for _, j := range jobs[start:end] {
		out = append(out, e.backupJobWire(j, c.now))
	}
	return struct {
		BackupJobs []backupJobWire
		NextToken  *string `json:",omitempty"`
	}{out, next}, nil
}
