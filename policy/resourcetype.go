package policy

// Resource type names exactly as AWS Backup spells them in ResourceType fields
// (DescribeRecoveryPoint, ListCopyJobs, GetSupportedResourceTypes).
const (
	TypeAurora         = "Aurora"
	TypeCloudFormation = "CloudFormation"
	TypeDocumentDB     = "DocumentDB"
	TypeDynamoDB       = "DynamoDB"
	TypeEBS            = "EBS"
	TypeEC2            = "EC2"
	TypeEFS            = "EFS"
	TypeFSx            = "FSx"
	TypeNeptune        = "Neptune"
	TypeRDS            = "RDS"
	TypeRedshift       = "Redshift"
	TypeS3             = "S3"
	TypeSAPHANA        = "SAP HANA on Amazon EC2"
	TypeStorageGateway = "Storage Gateway"
	TypeTimestream     = "Timestream"
	TypeVirtualMachine = "VirtualMachine"
)

// KnownResourceTypes lists every type above, sorted, for messages and rule validation.
var KnownResourceTypes = []string{
	TypeAurora, TypeCloudFormation, TypeDocumentDB, TypeDynamoDB, TypeEBS, TypeEC2, TypeEFS,
	TypeFSx, TypeNeptune, TypeRDS, TypeRedshift, TypeS3, TypeSAPHANA, TypeStorageGateway,
	TypeTimestream, TypeVirtualMachine,
}

// resourceTypeFor maps an ARN's service and the first segment of its resource part to a
// resource type. DocumentDB and Neptune clusters use the rds service and the same
// "cluster:" form as Aurora, so an ARN alone says Aurora for all three; the recovery
// point's own ResourceType (from DescribeRecoveryPoint) is authoritative and all three
// share the RDS-family rules anyway.
func resourceTypeFor(service, resourceKind string) string {
	switch service {
	case "ec2":
		switch resourceKind {
		case "volume":
			return TypeEBS
		case "instance":
			return TypeEC2
		}
	case "rds":
		switch resourceKind {
		case "db":
			return TypeRDS
		case "cluster":
			return TypeAurora
		}
	case "elasticfilesystem":
		if resourceKind == "file-system" {
			return TypeEFS
		}
	case "dynamodb":
		if resourceKind == "table" {
			return TypeDynamoDB
		}
	case "fsx":
		if resourceKind == "file-system" || resourceKind == "volume" {
			return TypeFSx
		}
	case "s3":
		return TypeS3
	case "storagegateway":
		if resourceKind == "gateway" {
			return TypeStorageGateway
		}
	case "redshift":
		if resourceKind == "cluster" {
			return TypeRedshift
		}
	case "timestream":
		if resourceKind == "database" {
			return TypeTimestream
		}
	case "cloudformation":
		if resourceKind == "stack" {
			return TypeCloudFormation
		}
	case "backup-gateway":
		if resourceKind == "vm" {
			return TypeVirtualMachine
		}
	case "ssm-sap":
		if resourceKind == "HANA" {
			return TypeSAPHANA
		}
	}
	return ""
}
