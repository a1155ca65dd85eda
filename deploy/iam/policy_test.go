// Package iam holds the IAM documents a regioncopy deployment needs; its tests keep
// them true to the code.
package iam

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// activitiesPkg is the only package that calls AWS (docs/design.md).
const activitiesPkg = "github.com/regioncopy/regioncopy/activities"

// servicePrefixes maps each aws-sdk-go-v2 service package the activities use to its IAM
// service prefix. A service the activities start using without an entry here fails the
// test, so its actions are never silently left out of the policy.
var servicePrefixes = map[string]string{
	"github.com/aws/aws-sdk-go-v2/service/backup":                   "backup",
	"github.com/aws/aws-sdk-go-v2/service/resourcegroupstaggingapi": "tag",
	"github.com/aws/aws-sdk-go-v2/service/sts":                      "sts",
}

// unauthorizedActions are actions the code calls that IAM does not authorize, so the
// policy does not list them: STS answers GetCallerIdentity to every principal, even one
// whose policy denies it explicitly.
var unauthorizedActions = map[string]bool{
	"sts:GetCallerIdentity": true,
}

// impliedActions are the permissions a call needs beyond its own action, which no
// client method names: StartBackupJob and StartCopyJob hand AWS Backup the IamRoleArn
// of their input, and handing a role to a service is iam:PassRole on that role.
var impliedActions = map[string][]string{
	"backup:StartBackupJob": {"iam:PassRole"},
	"backup:StartCopyJob":   {"iam:PassRole"},
}

var paginatorOrWaiter = regexp.MustCompile(`^New(\w+?)(Paginator|Waiter)$`)

// TestWorkerPolicyGrantsExactlyTheActionsTheActivitiesCall type-checks package
// activities and collects every use of an AWS service client's method (backup.Client.X
// is backup:X) and of a paginator or waiter constructor (backup.NewXPaginator calls X),
// adds the implied actions, and compares the result with worker-policy.json both ways:
// a new AWS call without its action in the policy fails, and so does an action the code
// no longer needs.
func TestWorkerPolicyGrantsExactlyTheActionsTheActivitiesCall(t *testing.T) {
	used := actionsUsedByActivities(t)
	need := map[string]bool{}
	for action := range used {
		if unauthorizedActions[action] {
			continue
		}
		need[action] = true
		for _, implied := range impliedActions[action] {
			need[implied] = true
		}
	}
	granted := map[string]bool{}
	for _, s := range readPolicy(t, "worker-policy.json").Statement {
		if s.Effect != "Allow" {
			t.Errorf("statement %s: Effect %q, want Allow", s.Sid, s.Effect)
		}
		for _, a := range s.Action {
			if strings.Contains(a, "*") {
				t.Errorf("statement %s grants the wildcard %s: list each action", s.Sid, a)
			}
			granted[a] = true
		}
	}
	for _, a := range sortedKeys(need) {
		if !granted[a] {
			t.Errorf("the activities need %s (%s) but worker-policy.json does not grant it", a, strings.Join(used[a], ", "))
		}
	}
	for _, a := range sortedKeys(granted) {
		if !need[a] {
			t.Errorf("worker-policy.json grants %s, which no activity calls", a)
		}
	}
	if len(used) < 10 {
		t.Errorf("found only %d AWS actions in package activities: %v", len(used), sortedKeys(used))
	}
	t.Logf("actions: %s", strings.Join(sortedKeys(need), ", "))
}

// TestPassRoleIsLimitedToTheBackupRoleAndService checks that the worker can hand only
// the backup service role, and only to AWS Backup, and that the role, its trust policy
// and the key policy statements name one and the same role.
func TestPassRoleIsLimitedToTheBackupRoleAndService(t *testing.T) {
	var role struct {
		RoleName                 string
		Description              string
		AssumeRolePolicyDocument policyDoc
		ManagedPolicyArns        []string
	}
	readJSON(t, "backup-service-role.json", &role)
	var passRole *statement
	for _, s := range readPolicy(t, "worker-policy.json").Statement {
		if slices.Contains(s.Action, "iam:PassRole") {
			passRole = &s
		}
	}
	if passRole == nil {
		t.Fatal("no iam:PassRole statement")
	}
	roleArn := "arn:aws:iam::111122223333:role/" + role.RoleName
	if len(passRole.Action) != 1 || len(passRole.Resource) != 1 || passRole.Resource[0] != roleArn {
		t.Errorf("iam:PassRole statement %+v: want it alone, on %s only", passRole, roleArn)
	}
	if got := passRole.Condition["StringEquals"]["iam:PassedToService"]; got != "backup.amazonaws.com" {
		t.Errorf("iam:PassRole condition iam:PassedToService = %v, want backup.amazonaws.com", got)
	}
	trust := role.AssumeRolePolicyDocument.Statement
	if len(trust) != 1 || trust[0].Principal["Service"] != "backup.amazonaws.com" || !slices.Equal(trust[0].Action, []string{"sts:AssumeRole"}) {
		t.Errorf("trust policy %+v: want backup.amazonaws.com allowed sts:AssumeRole", trust)
	}
	if !slices.Contains(role.ManagedPolicyArns, "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup") {
		t.Errorf("managed policies %v lack AWSBackupServiceRolePolicyForBackup", role.ManagedPolicyArns)
	}
	var keyStatements []statement
	readJSON(t, "destination-key-policy-statements.json", &keyStatements)
	for _, s := range keyStatements {
		if s.Principal["AWS"] != roleArn {
			t.Errorf("key policy statement %s is for %v, want %s", s.Sid, s.Principal["AWS"], roleArn)
		}
	}
}

// statement is one IAM policy statement; Action and Resource accept a string or a list.
type statement struct {
	Sid       string
	Effect    string
	Principal map[string]any
	Action    stringList
	Resource  stringList
	Condition map[string]map[string]any
}

type policyDoc struct {
	Version   string
	Statement []statement
}

type stringList []string

func (l *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*l = []string{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(l))
}

func readPolicy(t *testing.T, name string) policyDoc {
	t.Helper()
	var p policyDoc
	readJSON(t, name, &p)
	if p.Version != "2012-10-17" {
		t.Errorf("%s: Version %q, want 2012-10-17", name, p.Version)
	}
	return p
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// actionsUsedByActivities maps each IAM action the non-test code of package activities
// calls to the places that call it.
func actionsUsedByActivities(t *testing.T) map[string][]string {
	t.Helper()
	dir, exports := packageExports(t)
	fset := token.NewFileSet()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		file, ok := exports[path]
		if !ok || file == "" {
			return nil, fmt.Errorf("no export data for %s", path)
		}
		return os.Open(file)
	})}
	info := &types.Info{Uses: map[*ast.Ident]types.Object{}}
	if _, err := conf.Check(activitiesPkg, fset, files, info); err != nil {
		t.Fatalf("type-check %s: %v", activitiesPkg, err)
	}
	used := map[string][]string{}
	for id, obj := range info.Uses {
		fn, ok := obj.(*types.Func)
		if !ok || fn.Pkg() == nil || !strings.HasPrefix(fn.Pkg().Path(), "github.com/aws/aws-sdk-go-v2/service/") {
			continue
		}
		operation := ""
		if recv := fn.Signature().Recv(); recv != nil {
			if named, ok := derefNamed(recv.Type()); ok && named.Obj().Name() == "Client" {
				operation = fn.Name()
			}
		} else if m := paginatorOrWaiter.FindStringSubmatch(fn.Name()); m != nil {
			operation = m[1]
		}
		if operation == "" {
			continue
		}
		prefix, known := servicePrefixes[fn.Pkg().Path()]
		if !known {
			t.Errorf("%s calls %s.%s: add the IAM prefix of %s to servicePrefixes and its actions to the policy",
				fset.Position(id.Pos()), fn.Pkg().Name(), fn.Name(), fn.Pkg().Path())
			continue
		}
		pos := fset.Position(id.Pos())
		used[prefix+":"+operation] = append(used[prefix+":"+operation], fmt.Sprintf("%s:%d", filepath.Base(pos.Filename), pos.Line))
	}
	for a := range used {
		slices.Sort(used[a])
	}
	return used
}

func derefNamed(t types.Type) (*types.Named, bool) {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	return n, ok
}

// packageExports returns the directory of package activities and the compiler's export
// data file of every package it depends on, as `go list -export` builds them.
func packageExports(t *testing.T) (string, map[string]string) {
	t.Helper()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goBin, "list", "-deps", "-export", "-f", "{{.ImportPath}}\t{{.Export}}\t{{.Dir}}", activitiesPkg).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	exports := map[string]string{}
	dir := ""
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		parts := strings.Split(sc.Text(), "\t")
		if len(parts) != 3 {
			continue
		}
		exports[parts[0]] = parts[1]
		if parts[0] == activitiesPkg {
			dir = parts[2]
		}
	}
	if dir == "" {
		t.Fatalf("go list did not list %s", activitiesPkg)
	}
	return dir, exports
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
