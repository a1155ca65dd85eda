package emulator

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// nextID returns a UUID-shaped id derived from the seed and a sequence number, so two runs
// with the same seed and the same requests hand out the same ids.
func (e *Emulator) nextID(kind string) (string, int64) {
	e.st.Seq++
	seq := e.st.Seq
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(e.cfg.Seed))
	binary.BigEndian.PutUint64(b[8:], uint64(seq))
	sum := sha256.Sum256(append([]byte(kind), b[:]...))
	u := sum[:16]
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32], seq
}

func hexFrom(id string, n int) string {
	return strings.ReplaceAll(id, "-", "")[:n]
}

func (e *Emulator) vaultArn(region, name string) string {
	return fmt.Sprintf("arn:aws:backup:%s:%s:backup-vault:%s", region, e.cfg.AccountID, name)
}

// defaultKeyArn is the AWS-managed aws/backup key of a Region: one per Region and account.
func (e *Emulator) defaultKeyArn(region string) string {
	sum := sha256.Sum256([]byte("aws/backup|" + e.cfg.AccountID + "|" + region))
	h := hex.EncodeToString(sum[:16])
	return fmt.Sprintf("arn:aws:kms:%s:%s:key/%s-%s-%s-%s-%s", region, e.cfg.AccountID, h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
}

// recoveryPointArn forms a recovery point ARN the way AWS does for the resource type.
func (e *Emulator) recoveryPointArn(region, resourceType, id string) string {
	switch resourceType {
	case "EBS":
		return fmt.Sprintf("arn:aws:ec2:%s::snapshot/snap-%s", region, hexFrom(id, 17))
	case "EC2":
		return fmt.Sprintf("arn:aws:ec2:%s::image/ami-%s", region, hexFrom(id, 17))
	case "RDS":
		return fmt.Sprintf("arn:aws:rds:%s:%s:snapshot:awsbackup:job-%s", region, e.cfg.AccountID, id)
	case "Aurora", "DocumentDB", "Neptune":
		return fmt.Sprintf("arn:aws:rds:%s:%s:cluster-snapshot:awsbackup:job-%s", region, e.cfg.AccountID, id)
	default:
		return fmt.Sprintf("arn:aws:backup:%s:%s:recovery-point:%s", region, e.cfg.AccountID, id)
	}
}

var (
	regionPattern    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	vaultNamePattern = regexp.MustCompile(`^[a-zA-Z0-9\-_]{2,50}$`)
	vaultArnPattern  = regexp.MustCompile(`^arn:aws:backup:([a-z0-9-]+):([0-9]{12}):backup-vault:([a-zA-Z0-9\-_]{2,50})$`)
	iamRolePattern   = regexp.MustCompile(`^arn:aws:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)
	kmsKeyPattern    = regexp.MustCompile(`^arn:aws:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)/[\w/-]{1,256}$`)
)

// parseVaultArn splits a backup vault ARN into Region, account and name.
func parseVaultArn(field, arn string) (region, account, name string, err *apiError) {
	m := vaultArnPattern.FindStringSubmatch(arn)
	if m == nil {
		return "", "", "", errInvalidParameter("%s %q is not a backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)", field, arn)
	}
	return m[1], m[2], m[3], nil
}

func validateVaultName(name string) *apiError {
	if name == "" {
		return errMissingParameter("BackupVaultName")
	}
	if !vaultNamePattern.MatchString(name) {
		return errInvalidParameter("BackupVaultName %q must be 2 to 50 letters, digits, hyphens or underscores", name)
	}
	return nil
}

func validateRole(role string) *apiError {
	if role == "" {
		return errMissingParameter("IamRoleArn")
	}
	if !iamRolePattern.MatchString(role) {
		return errInvalidParameter("IamRoleArn %q is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)", role)
	}
	return nil
}
