package policy

import (
	"strings"
	"testing"
)

func TestParseARNClassifies(t *testing.T) {
	for _, tc := range []struct {
		arn             string
		kind            ARNKind
		resourceType    string
		region, account string
		name            string
	}{
		{"arn:aws:ec2:us-east-1:123456789012:volume/vol-0abc1234def567890", KindResource, TypeEBS, "us-east-1", "123456789012", "vol-0abc1234def567890"},
		{"arn:aws:ec2:us-east-1:123456789012:instance/i-0abc1234def567890", KindResource, TypeEC2, "us-east-1", "123456789012", "i-0abc1234def567890"},
		{"arn:aws:rds:eu-west-1:123456789012:db:orders", KindResource, TypeRDS, "eu-west-1", "123456789012", "orders"},
		{"arn:aws:rds:eu-west-1:123456789012:cluster:orders-aurora", KindResource, TypeAurora, "eu-west-1", "123456789012", "orders-aurora"},
		{"arn:aws:elasticfilesystem:us-west-2:123456789012:file-system/fs-0123abcd", KindResource, TypeEFS, "us-west-2", "123456789012", "fs-0123abcd"},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/orders", KindResource, TypeDynamoDB, "us-east-1", "123456789012", "orders"},
		{"arn:aws:fsx:us-east-1:123456789012:file-system/fs-0123456789abcdef0", KindResource, TypeFSx, "us-east-1", "123456789012", "fs-0123456789abcdef0"},
		{"arn:aws:fsx:us-east-1:123456789012:volume/fs-0123456789abcdef0/fsvol-0123456789abcdef0", KindResource, TypeFSx, "us-east-1", "123456789012", "fsvol-0123456789abcdef0"},
		{"arn:aws:s3:::my-bucket", KindResource, TypeS3, "", "", "my-bucket"},
		{"arn:aws:storagegateway:us-east-1:123456789012:gateway/sgw-12A3456B/volume/vol-1122AABB", KindResource, TypeStorageGateway, "us-east-1", "123456789012", "vol-1122AABB"},
		{"arn:aws:redshift:us-east-1:123456789012:cluster:analytics", KindResource, TypeRedshift, "us-east-1", "123456789012", "analytics"},
		{"arn:aws:backup:us-east-1:123456789012:backup-vault:Default", KindBackupVault, "", "us-east-1", "123456789012", "Default"},
		{"arn:aws-us-gov:backup:us-gov-west-1:123456789012:backup-vault:gov_vault-1", KindBackupVault, "", "us-gov-west-1", "123456789012", "gov_vault-1"},
		{"arn:aws:backup:us-east-1:123456789012:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45", KindRecoveryPoint, "", "us-east-1", "123456789012", "1EB3B5E7-9EB0-435A-A80B-108B488B0D45"},
		{"arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0", KindRecoveryPoint, TypeEBS, "us-east-1", "", "snap-0123456789abcdef0"},
		{"arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0", KindRecoveryPoint, TypeEC2, "us-east-1", "", "ami-0123456789abcdef0"},
		{"arn:aws:rds:us-east-1:123456789012:snapshot:awsbackup:job-be59cf2a-2343-4402-bd8b-226993d23453", KindRecoveryPoint, TypeRDS, "us-east-1", "123456789012", "awsbackup:job-be59cf2a-2343-4402-bd8b-226993d23453"},
		{"arn:aws:rds:us-east-1:123456789012:cluster-snapshot:awsbackup:job-1", KindRecoveryPoint, TypeAurora, "us-east-1", "123456789012", "awsbackup:job-1"},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/01489602797149-73d8d5bc", KindRecoveryPoint, TypeDynamoDB, "us-east-1", "123456789012", "01489602797149-73d8d5bc"},
		{"arn:aws:dynamodb:eu-west-1:123456789012:table/app.orders_v2/backup/01634045367847-c5a1bb3f", KindRecoveryPoint, TypeDynamoDB, "eu-west-1", "123456789012", "01634045367847-c5a1bb3f"},
		{"arn:aws:iam::123456789012:role/service-role/AWSBackupDefaultServiceRole", KindIAMRole, "", "", "123456789012", "AWSBackupDefaultServiceRole"},
	} {
		a, err := ParseARN(tc.arn, "Arn")
		if err != nil {
			t.Errorf("ParseARN(%q): %v", tc.arn, err)
			continue
		}
		if a.Kind != tc.kind || a.ResourceType != tc.resourceType || a.Region != tc.region || a.AccountID != tc.account || a.Name != tc.name {
			t.Errorf("ParseARN(%q) = kind %q type %q region %q account %q name %q; want %q %q %q %q %q",
				tc.arn, a.Kind, a.ResourceType, a.Region, a.AccountID, a.Name, tc.kind, tc.resourceType, tc.region, tc.account, tc.name)
		}
	}
}

func TestParseARNRejects(t *testing.T) {
	for _, tc := range []struct {
		arn  string
		rule string
	}{
		{"", RuleRequired},
		{"vault", RuleARNSyntax},
		{"arn:aws:backup:us-east-1:123456789012", RuleARNSyntax},
		{"urn:aws:backup:us-east-1:123456789012:backup-vault:v1", RuleARNSyntax},
		{"arn:gcp:backup:us-east-1:123456789012:backup-vault:v1", RuleARNSyntax},
		{"arn:aws:backup:useast1:123456789012:backup-vault:v1", RuleRegionSyntax},
		{"arn:aws:backup:us-east-1:12345:backup-vault:v1", RuleARNSyntax},
		{"arn:aws:backup:us-east-1:123456789012:", RuleARNSyntax},
		{"arn:aws:backup:us-east-1:123456789012:backup-vault:v", RuleARNSyntax},                                  // name too short
		{"arn:aws:backup:us-east-1:123456789012:backup-vault:bad name", RuleARNSyntax},                           // space
		{"arn:aws:backup::123456789012:backup-vault:vault1", RuleARNSyntax},                                      // no Region
		{"arn:aws:backup:us-east-1:123456789012:recovery-point:", RuleARNSyntax},                                 // empty id
		{"arn:aws:ec2:us-east-1::snapshot/vol-0123456789abcdef0", RuleARNSyntax},                                 // not a snapshot id
		{"arn:aws:ec2:us-east-1:123456789012:security-group/sg-1", RuleARNSyntax},                                // not protected
		{"arn:aws:sns:us-east-1:123456789012:topic", RuleARNSyntax},                                              // not protected
		{"arn:aws:iam:us-east-1:123456789012:role/x", RuleARNSyntax},                                             // IAM has no Region
		{"arn:aws:iam::123456789012:user/alice", RuleARNSyntax},                                                  // not a role
		{"arn:aws:s3:us-east-1::my-bucket", RuleARNSyntax},                                                       // buckets are global
		{"arn:aws:s3:::my-bucket/key", RuleARNSyntax},                                                            // an object
		{"arn:aws:dynamodb:us-east-1:123456789012:table/", RuleARNSyntax},                                        // empty table
		{"arn:aws:dynamodb:us-east-1::table/orders", RuleARNSyntax},                                              // no account
		{"arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/", RuleARNSyntax},                          // empty backup id
		{"arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup", RuleARNSyntax},                           // no backup id
		{"arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/01489602797149-73d8d5bc/x", RuleARNSyntax}, // extra segment
		{"arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/backup-1", RuleARNSyntax},                  // not DynamoDB's id shape
		{"arn:aws:dynamodb:us-east-1:123456789012:table/ab/backup/01489602797149-73d8d5bc", RuleARNSyntax},       // table name too short
		{"arn:aws:dynamodb:us-east-1::table/orders/backup/01489602797149-73d8d5bc", RuleARNSyntax},               // no account
	} {
		_, err := ParseARN(tc.arn, "Arn")
		assertViolations(t, err, want{"Arn", tc.rule})
	}
}

func TestParseKindSpecific(t *testing.T) {
	vault := "arn:aws:backup:us-east-1:123456789012:backup-vault:Default"
	rp := "arn:aws:backup:us-east-1:123456789012:recovery-point:abc-123"
	ebsRP := "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0"
	dynamoRP := "arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/01489602797149-73d8d5bc"
	vol := "arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0"
	role := "arn:aws:iam::123456789012:role/backup"

	for _, tc := range []struct {
		name  string
		parse func(s, field string) (ARN, error)
		ok    []string
		wrong []string
	}{
		{"vault", ParseVaultARN, []string{vault}, []string{rp, ebsRP, vol, role}},
		{"recovery point", ParseRecoveryPointARN, []string{rp, ebsRP, dynamoRP}, []string{vault, vol, role}},
		{"resource", ParseResourceARN, []string{vol}, []string{vault, rp, ebsRP, dynamoRP, role}},
		{"role", ParseRoleARN, []string{role}, []string{vault, rp, vol}},
	} {
		for _, s := range tc.ok {
			if _, err := tc.parse(s, "F"); err != nil {
				t.Errorf("%s: %q: %v", tc.name, s, err)
			}
		}
		for _, s := range tc.wrong {
			_, err := tc.parse(s, "F")
			assertViolations(t, err, want{"F", RuleARNKind})
		}
	}
}

func TestResourceTypeFromARN(t *testing.T) {
	typ, err := ResourceTypeFromARN("arn:aws:dynamodb:us-east-1:123456789012:table/orders", "ResourceArn")
	if err != nil || typ != TypeDynamoDB {
		t.Fatalf("got %q, %v; want DynamoDB", typ, err)
	}
	_, err = ResourceTypeFromARN("arn:aws:backup:us-east-1:123456789012:backup-vault:Default", "ResourceArn")
	assertViolations(t, err, want{"ResourceArn", RuleARNKind})
}

func TestParseResourceSelector(t *testing.T) {
	for _, tc := range []struct {
		s        string
		typ      string
		wildcard bool
	}{
		{"*", "", true},
		{"arn:aws:ec2:*:*:volume/*", TypeEBS, true},
		{"arn:aws:dynamodb:us-east-1:123456789012:table/app-*", TypeDynamoDB, true},
		{"arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/*", TypeEFS, true},
		{"arn:aws:s3:::logs-*", TypeS3, true},
		{"arn:aws:rds:us-east-1:123456789012:*", "", true},
		{"arn:aws:ec2:us-east-1:123456789012:volume/vol-0123456789abcdef0", TypeEBS, false},
	} {
		a, err := ParseResourceSelector(tc.s, "Resources[0]")
		if err != nil {
			t.Errorf("ParseResourceSelector(%q): %v", tc.s, err)
			continue
		}
		if a.ResourceType != tc.typ || a.Wildcard != tc.wildcard {
			t.Errorf("ParseResourceSelector(%q) = type %q wildcard %v, want %q %v", tc.s, a.ResourceType, a.Wildcard, tc.typ, tc.wildcard)
		}
	}
	for _, tc := range []struct {
		s    string
		rule string
	}{
		{"arn:aws:s3:::*-logs", RuleARNSyntax},
		{"arn:aws:*:us-east-1:123456789012:table/*", RuleARNSyntax},
		{"arn:aws:ec2:us-*:123456789012:volume/*", RuleRegionSyntax},
		{"vol-*", RuleARNSyntax},
	} {
		_, err := ParseResourceSelector(tc.s, "Resources[0]")
		assertViolations(t, err, want{"Resources[0]", tc.rule})
	}
}

// A DynamoDB backup's own ARN is a well-formed recovery point of a type AWS cannot copy to
// another Region: a copy of it is refused for that reason, not as a malformed ARN.
func TestDynamoDBBackupARNIsRefusedAsNotCopyable(t *testing.T) {
	const backupArn = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/backup/01489602797149-73d8d5bc"
	rp, err := ParseRecoveryPointARN(backupArn, "RecoveryPointArn")
	if err != nil {
		t.Fatalf("ParseRecoveryPointARN: %v", err)
	}
	err = Default().CheckCopy(CopyCheck{
		ResourceType:        rp.ResourceType,
		SourceRegion:        rp.Region,
		DestinationRegion:   "eu-west-1",
		DestinationVaultArn: "arn:aws:backup:eu-west-1:123456789012:backup-vault:Default",
		Field:               "Copy",
	})
	assertViolations(t, err, want{"Copy.ResourceType", RuleTypeNotCopyable})
}

// A malformed ARN in a field that expects one kind says which form the field expects,
// so a misspelt "backup-vualt" is not read as a resource of no known type.
func TestMalformedARNSaysWhatTheFieldExpects(t *testing.T) {
	_, err := ParseVaultARN("arn:aws:backup:eu-west-1:123456789012:backup-vualt:dr", "--destination-backup-vault-arn")
	vs := Violations(err)
	if len(vs) != 1 || vs[0].Field != "--destination-backup-vault-arn" || vs[0].Rule != RuleARNSyntax ||
		!strings.Contains(vs[0].Message, "expected a backup-vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)") {
		t.Errorf("got %v", err)
	}
	if _, err := ParseResourceARN("arn:aws:nosuch:us-east-1:123456789012:thing/x", "ResourceArn"); err == nil || strings.Contains(err.Error(), "expected a") {
		t.Errorf("a resource ARN field: %v, want the plain syntax error", err)
	}
}

// The kind a role field expects reads "an iam-role ARN".
func TestMalformedRoleARNSaysAnIAMRole(t *testing.T) {
	_, err := ParseRoleARN("arn:aws:iam::123456789012:rol/backup", "IamRoleArn")
	if err == nil || !strings.Contains(err.Error(), "; expected an iam-role ARN (arn:aws:iam::<account>:role/<name>)") {
		t.Errorf("malformed role ARN: %v", err)
	}
	_, err = ParseRoleARN("arn:aws:backup:eu-west-1:123456789012:backup-vault:dr", "IamRoleArn")
	if err == nil || !strings.Contains(err.Error(), "is a backup-vault ARN, expected an iam-role ARN") {
		t.Errorf("vault ARN as a role: %v", err)
	}
}
