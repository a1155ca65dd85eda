package emulator_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/regioncopy/regioncopy/emulator"
	"github.com/regioncopy/regioncopy/emulator/emulatortest"
)

// boto3Script drives a backup and a cross-Region copy with boto3, a third client of the AWS
// model, and prints OK when every check passed.
const boto3Script = `
import sys, boto3
from urllib.parse import quote
url, vol, role, west_key = sys.argv[1:5]
def client(region):
    return boto3.client("backup", endpoint_url=url, region_name=region,
                        aws_access_key_id="AKIABOTO3", aws_secret_access_key="boto3-secret")
east, west = client("us-east-1"), client("eu-west-1")
east.create_backup_vault(BackupVaultName="src")
dst = west.create_backup_vault(BackupVaultName="dst", EncryptionKeyArn=west_key)["BackupVaultArn"]
job = east.start_backup_job(BackupVaultName="src", ResourceArn=vol, IamRoleArn=role)
while east.describe_backup_job(BackupJobId=job["BackupJobId"])["State"] != "COMPLETED":
    pass
rp = east.describe_recovery_point(BackupVaultName="src", RecoveryPointArn=job["RecoveryPointArn"])
assert rp["Status"] == "COMPLETED" and rp["CreationDate"].year >= 2026, rp
cj = east.start_copy_job(RecoveryPointArn=job["RecoveryPointArn"], SourceBackupVaultName="src",
                         DestinationBackupVaultArn=dst, IamRoleArn=role, IdempotencyToken="boto3-1")
while east.describe_copy_job(CopyJobId=cj["CopyJobId"])["CopyJob"]["State"] != "COMPLETED":
    pass
jobs = east.list_copy_jobs(ByState="COMPLETED", ByCreatedAfter=rp["CreationDate"], ByResourceArn=vol)["CopyJobs"]
assert [j["CopyJobId"] for j in jobs] == [cj["CopyJobId"]], jobs
points = west.list_recovery_points_by_backup_vault(BackupVaultName="dst")["RecoveryPoints"]
assert len(points) == 1 and points[0]["EncryptionKeyArn"] == west_key and points[0]["CreationDate"] == rp["CreationDate"], points
try:
    west.describe_backup_vault(BackupVaultName="nope")
    raise SystemExit("describe of a missing vault succeeded")
except west.exceptions.ResourceNotFoundException:
    pass
print("OK")
`

func TestBoto3BackupAndCrossRegionCopy(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil || exec.Command(python, "-c", "import boto3").Run() != nil {
		t.Skip("python3 with boto3 not found")
	}
	s := emulatortest.Start(t, emulator.Config{TimeScale: 5000, Credentials: map[string]string{"AKIABOTO3": "boto3-secret"}})
	cmd := exec.Command(python, "-c", boto3Script, s.URL, volume, role, westKey)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "AWS_CONFIG_FILE=/nonexistent", "AWS_SHARED_CREDENTIALS_FILE=/nonexistent", "AWS_EC2_METADATA_DISABLED=true"}
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "OK" {
		t.Fatalf("boto3 run: %v\n%s", err, out)
	}
}
