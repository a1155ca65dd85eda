package emulator

type startCopyJobInput struct {
	RecoveryPointArn          string
	SourceBackupVaultName     string
	DestinationBackupVaultArn string
	IamRoleArn                string
	IdempotencyToken          string `json:"-"`
	Lifecycle                 *Lifecycle
}

type startCopyJobBody struct {
	startCopyJobInput
	IdempotencyToken string
}

func (e *Emulator) startCopyJob(c *call) (any, *apiError) {
	var body startCopyJobBody
	if err := decodeBody(c.body, &body); err != nil {
		return nil, err
	}
	in := body.startCopyJobInput
	e.st.Counters.StartCopyJobCalls[body.IdempotencyToken]++
	switch {
	case in.RecoveryPointArn == "":
		return nil, errMissingParameter("RecoveryPointArn")
	case in.SourceBackupVaultName == "":
		return nil, errMissingParameter("SourceBackupVaultName")
	case in.DestinationBackupVaultArn == "":
		return nil, errMissingParameter("DestinationBackupVaultArn")
	}
	if err := validateRole(in.IamRoleArn); err != nil {
		return nil, err
	}
	if err := e.validateLifecycle("Lifecycle", in.Lifecycle); err != nil {
		return nil, err
	}
	dstRegion, dstAccount, _, err := parseVaultArn("DestinationBackupVaultArn", in.DestinationBackupVaultArn)
	if err != nil {
		return nil, err
	}
	prior, tokenKey, err := e.idempotent(c, body.IdempotencyToken, in)
	if err != nil {
		return nil, err
	}
	if prior != nil {
		return startCopyJobOutput(prior), nil
	}
	srcVault, err := e.vaultIn(c, in.SourceBackupVaultName)
	if err != nil {
		return nil, err
	}
	src, ok := e.st.Points[in.RecoveryPointArn]
	if !ok || src.VaultArn != srcVault.Arn {
		return nil, errNotFound("Recovery point %s does not exist in backup vault %s", in.RecoveryPointArn, srcVault.Name)
	}
	if src.Status != pointCompleted {
		return nil, errInvalidRequest("Recovery point %s is %s; only COMPLETED recovery points can be copied", src.Arn, src.Status)
	}
	if e.storageClass(src, c.now) == "COLD" {
		return nil, errInvalidRequest("Recovery point %s is in cold storage and cannot be copied", src.Arn)
	}
	if dstAccount != e.cfg.AccountID {
		return nil, errAccessDenied("Cross-account copy to account %s is not permitted: the emulator models account %s only", dstAccount, e.cfg.AccountID)
	}
	if dstRegion != c.region {
		if contains(e.cfg.NoCrossRegionTypes, src.ResourceType) {
			return nil, errInvalidRequest("Cross-Region copy is not supported for resource type %s", src.ResourceType)
		}
		for _, r := range []string{c.region, dstRegion} {
			if contains(e.cfg.NoCrossRegionRegions, r) {
				return nil, errInvalidRequest("Cross-Region copy from or to %s is not supported", r)
			}
		}
	}
	if _, ok := e.st.Vaults[in.DestinationBackupVaultArn]; !ok || !regionPattern.MatchString(dstRegion) {
		// AWS answers a copy to a missing vault as an authorisation failure.
		return nil, errAccessDenied("Destination backup vault %s does not exist or you do not have access to it", in.DestinationBackupVaultArn)
	}
	j := e.newJob(c, kindCopy, src.ResourceArn, src.ResourceType, in.IamRoleArn)
	j.SourceVaultArn, j.SourcePointArn = srcVault.Arn, src.Arn
	j.DestVaultArn, j.DestRegion = in.DestinationBackupVaultArn, dstRegion
	pointID, _ := e.nextID("recovery-point")
	j.DestPointArn = e.recoveryPointArn(dstRegion, src.ResourceType, pointID)
	j.SizeBytes = src.SizeBytes
	j.Lifecycle = in.Lifecycle.clone()
	e.st.Counters.CopyJobs++
	e.st.Counters.CopyJobsPerToken[body.IdempotencyToken]++
	e.rememberToken(tokenKey, in, j.ID)
	return startCopyJobOutput(j), nil
}

func startCopyJobOutput(j *job) any {
	return map[string]any{"CopyJobId": j.ID, "CreationDate": ts(j.CreationDate), "IsParent": false}
}

type copyJobWire struct {
	AccountId                         string
	CopyJobId                         string
	SourceBackupVaultArn              string
	SourceRecoveryPointArn            string
	DestinationBackupVaultArn         string
	DestinationVaultType              string
	DestinationRecoveryPointArn       string     `json:",omitempty"`
	DestinationEncryptionKeyArn       string     `json:",omitempty"`
	DestinationRecoveryPointLifecycle *Lifecycle `json:",omitempty"`
	ResourceArn                       string
	ResourceType                      string
	CreationDate                      *epochTime `json:",omitempty"`
	CompletionDate                    *epochTime `json:",omitempty"`
	State                             string
	StatusMessage                     string `json:",omitempty"`
	BackupSizeInBytes                 int64
	IamRoleArn                        string
	IsParent                          bool
	MessageCategory                   string `json:",omitempty"`
}

func (e *Emulator) copyJobWire(j *job) copyJobWire {
	w := copyJobWire{
		AccountId: e.cfg.AccountID, CopyJobId: j.ID, SourceBackupVaultArn: j.SourceVaultArn,
		SourceRecoveryPointArn: j.SourcePointArn, DestinationBackupVaultArn: j.DestVaultArn,
		DestinationVaultType: "BACKUP_VAULT", DestinationRecoveryPointLifecycle: j.Lifecycle,
		ResourceArn: j.ResourceArn, ResourceType: j.ResourceType, CreationDate: ts(j.CreationDate),
		CompletionDate: ts(j.CompletionDate), State: j.State, StatusMessage: j.StatusMessage,
		BackupSizeInBytes: j.SizeBytes, IamRoleArn: j.IamRoleArn, MessageCategory: messageCategory(j),
	}
	if j.State == jobRunning || j.State == jobCompleted {
		w.DestinationRecoveryPointArn = j.DestPointArn
		w.DestinationEncryptionKeyArn = j.DestKeyArn
	}
	return w
}

func (e *Emulator) describeCopyJob(c *call) (any, *apiError) {
	j, ok := e.st.Jobs[c.labels["copyJobId"]]
	if !ok || j.Kind != kindCopy || j.Region != c.region {
		return nil, errNotFound("Copy job %s does not exist in %s", c.labels["copyJobId"], c.region)
	}
	return map[string]any{"CopyJob": e.copyJobWire(j)}, nil
}

func (e *Emulator) listCopyJobs(c *call) (any, *apiError) {
	f, err := parseJobFilter(c)
	if err != nil {
		return nil, err
	}
	dest := c.query.Get("destinationVaultArn")
	srcPoint := c.query.Get("sourceRecoveryPointArn")
	jobs := e.listJobs(c, kindCopy, func(j *job) bool {
		return f.keep(e, j) && (dest == "" || j.DestVaultArn == dest) && (srcPoint == "" || j.SourcePointArn == srcPoint)
	})
	start, end, next, err := page(c, len(jobs), func(i int) string { return descKey(jobs[i].Seq) })
	if err != nil {
		return nil, err
	}
	out := make([]copyJobWire, 0, end-start)
	for _, j := range jobs[start:end] {
		out = append(out, e.copyJobWire(j))
	}
	return struct {
		CopyJobs  []copyJobWire
		NextToken *string `json:",omitempty"`
	}{out, next}, nil
}
