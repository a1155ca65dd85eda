package activities

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/worker"

	"github.com/regioncopy/regioncopy/model"
)

// recordingRegistry records activity registrations; Register calls nothing else.
type recordingRegistry struct {
	worker.Registry
	names map[string]any
}

func (r *recordingRegistry) RegisterActivityWithOptions(fn any, o activity.RegisterOptions) {
	if _, dup := r.names[o.Name]; dup {
		panic("registered twice: " + o.Name)
	}
	r.names[o.Name] = fn
}

// activityNamesInModel reads every Act* constant declared in package model, so a name
// added there without an implementation here fails this test.
func activityNamesInModel(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir("../model")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("../model", e.Name()), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				for i, n := range vs.Names {
					if !strings.HasPrefix(n.Name, "Act") || i >= len(vs.Values) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok {
						t.Fatalf("model.%s is not a string literal", n.Name)
					}
					v, _ := strconv.Unquote(lit.Value)
					names = append(names, v)
				}
			}
		}
	}
	if len(names) < 10 {
		t.Fatalf("found only %d Act* constants in package model: %v", len(names), names)
	}
	return names
}

func TestRegisterCoversEveryModelActivity(t *testing.T) {
	reg := &recordingRegistry{names: map[string]any{}}
	Register(reg, NewBackup(aws.Config{}), &Chains{})
	RegisterAlerts(reg, NewAlerts(nil, nil))
	want := activityNamesInModel(t)
	for _, n := range want {
		if _, ok := reg.names[n]; !ok {
			t.Errorf("activity %q (model) is not registered", n)
		}
	}
	if len(reg.names) != len(want) {
		t.Errorf("registered %d activities, model declares %d", len(reg.names), len(want))
	}
}

// TestActivitiesRefuseEmptyInput runs every registered activity by its model name with
// an empty input: each must answer with a non-retryable InvalidParameter error naming a
// field, before calling AWS or Temporal (the Backup has no endpoint or credentials).
func TestActivitiesRefuseEmptyInput(t *testing.T) {
	inputs := map[string]any{
		model.ActDescribeRecoveryPoint:        model.DescribeRecoveryPointInput{},
		model.ActDescribeBackupVault:          model.DescribeBackupVaultInput{},
		model.ActStartCopyJob:                 model.StartCopyJobInput{},
		model.ActPollCopyJob:                  model.PollCopyJobInput{},
		model.ActDescribeCopyJob:              model.PollCopyJobInput{},
		model.ActUpdateRecoveryPointLifecycle: model.UpdateLifecycleInput{},
		model.ActDeleteRecoveryPoint:          model.DeleteRecoveryPointInput{},
		model.ActSurveyCopies:                 model.SurveyCopiesInput{},
		model.ActStartBackupJob:               model.StartBackupJobInput{},
		model.ActPollBackupJob:                model.PollBackupJobInput{},
		model.ActEnqueueCopy:                  model.EnqueueCopyInput{},
		model.ActAnswerRequester:              model.AnswerRequesterInput{},
		model.ActSendRpoAlert:                 model.RpoAlert{},
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	for name, fn := range activityFuncs(NewBackup(aws.Config{}), &Chains{}) {
		env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	for name, fn := range alertActivityFuncs(NewAlerts(nil, nil)) {
		env.RegisterActivityWithOptions(fn, activity.RegisterOptions{Name: name})
	}
	for _, name := range activityNamesInModel(t) {
		in, ok := inputs[name]
		if !ok {
			t.Errorf("no empty input known for %s", name)
			continue
		}
		_, err := env.ExecuteActivity(name, in)
		appErr, ok := errors.AsType[*temporal.ApplicationError](err)
		if !ok || appErr.Type() != model.ErrInvalidParameter || !appErr.NonRetryable() {
			t.Errorf("%s with empty input: got %v, want non-retryable %s", name, err, model.ErrInvalidParameter)
			continue
		}
		if !strings.Contains(appErr.Error(), "required field") {
			t.Errorf("%s: message %q does not name the missing fields", name, appErr.Error())
		}
	}
}

func TestStartCopyJobRefusesEmptyToken(t *testing.T) {
	b := NewBackup(aws.Config{})
	_, err := b.StartCopyJob(context.Background(), model.StartCopyJobInput{
		SourceRegion: "us-east-1", RecoveryPointArn: "arn:aws:backup:us-east-1:123456789012:recovery-point:1",
		SourceBackupVaultName: "src", DestinationBackupVaultArn: "arn:aws:backup:eu-west-1:123456789012:backup-vault:dst",
		IamRoleArn: "arn:aws:iam::123456789012:role/backup",
	})
	appErr, ok := errors.AsType[*temporal.ApplicationError](err)
	if !ok || !appErr.NonRetryable() || !strings.Contains(appErr.Error(), "IdempotencyToken") {
		t.Fatalf("got %v, want a non-retryable error naming IdempotencyToken", err)
	}
}
