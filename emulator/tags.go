package emulator

import "maps"

// listTags answers ListTags for a recovery point or a backup vault of the call's
// Region: the tags StartBackupJob's RecoveryPointTags or CreateBackupVault's
// BackupVaultTags gave it. A resource has at most 50 tags, so one page holds them all.
func (e *Emulator) listTags(c *call) (any, *apiError) {
	arn := c.labels["resourceArn"]
	tags := map[string]string{}
	if p, ok := e.st.Points[arn]; ok && p.Region == c.region {
		maps.Copy(tags, p.Tags)
	} else if v, ok := e.st.Vaults[arn]; ok && v.Region == c.region {
		maps.Copy(tags, v.Tags)
	} else {
		return nil, errNotFound("Resource %s does not exist in %s", arn, c.region)
	}
	return map[string]any{"Tags": tags}, nil
}
