package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regioncopy/regioncopy/devstack"
)

// syncBuffer lets the test read what the command writes while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// `regioncopy dev` prints where everything is and a ready copy command, runs until it is
// interrupted, then stops everything: exit 0 and nothing left listening.
func TestDevRunsUntilInterruptedAndStopsEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the Temporal dev server")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	env := &Env{Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}
	port, uiPort := closedPort(t), closedPort(t)
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"dev", "--output", "json", "--data-dir", t.TempDir(), "--port", strconv.Itoa(port),
			"--ui-port", strconv.Itoa(uiPort), "--emulator-listen", "127.0.0.1:0", "--time-scale", "60"}, env)
	}()

	var info devInfo
	deadline := time.Now().Add(90 * time.Second)
	for json.Unmarshal([]byte(out.String()), &info) != nil {
		select {
		case code := <-done:
			t.Fatalf("dev exited %d before it was ready: %s", code, errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("dev not ready: %s %s", out.String(), errOut.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	cmd := strings.Join(info.CopyCommand, " ")
	for _, want := range []string{"copy", "--recovery-point-arn " + info.Sample.RecoveryPointArns[0], "--time-scale 60", "eu-west-1", "us-west-2"} {
		if !strings.Contains(cmd, want) {
			t.Errorf("copy command %q lacks %q", cmd, want)
		}
	}
	if info.SamplePlan.Name != "regioncopy-sample" || len(info.SamplePlan.ScheduleIDs) != 1 {
		t.Errorf("sample plan %+v, want regioncopy-sample with its hourly schedule", info.SamplePlan)
	}
	if info.UIURL != "http://localhost:"+strconv.Itoa(uiPort) {
		t.Errorf("UI URL %q", info.UIURL)
	}

	cancel() // Ctrl-C
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("dev exited %d after interrupt: %s", code, errOut.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatal("dev did not stop after interrupt")
	}
	for _, addr := range []string{info.TemporalAddress, "127.0.0.1:" + strconv.Itoa(uiPort), strings.TrimPrefix(info.EmulatorURL, "http://")} {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			t.Errorf("%s still listening after dev stopped", addr)
		}
	}
}

// The text a newcomer reads names the applied sample plan with commands that reach the
// stack's own dev server, and says nothing of a plan when none was applied.
func TestDevInfoTextNamesTheSamplePlan(t *testing.T) {
	sample := devstack.DefaultSample()
	sample.RecoveryPointArns = []string{"arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0"}
	st := &devstack.Stack{Temporal: &devstack.TemporalServer{Address: "127.0.0.1:7999"}, Sample: sample, TimeScale: 1, TaskQueue: "regioncopy"}
	info := devInfo{TemporalAddress: "127.0.0.1:7999", EmulatorURL: "http://127.0.0.1:4566", TimeScale: 1, Sample: sample,
		SamplePlan: devstack.SamplePlan{Name: "regioncopy-sample", ScheduleIDs: []string{"plan/regioncopy-sample/hourly"}}}
	var out bytes.Buffer
	printDevInfo(&App{Env: &Env{Stdout: &out}}, st, info, "")
	for _, want := range []string{
		"Plan regioncopy-sample is applied: schedule plan/regioncopy-sample/hourly",
		"plan trigger regioncopy-sample --address 127.0.0.1:7999",
		"plan pause regioncopy-sample --address 127.0.0.1:7999",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dev's text lacks %q:\n%s", want, out.String())
		}
	}

	if strings.Contains(out.String(), "--rules") {
		t.Errorf("dev's text names a rules file none was given:\n%s", out.String())
	}

	info.SamplePlan = devstack.SamplePlan{}
	out.Reset()
	printDevInfo(&App{Env: &Env{Stdout: &out}}, st, info, "")
	if strings.Contains(out.String(), "plan trigger") {
		t.Errorf("dev's text offers a plan none was applied:\n%s", out.String())
	}

	// A stack that follows a rules document passes it on in the copy command it prints.
	out.Reset()
	printDevInfo(&App{Env: &Env{Stdout: &out}}, st, info, "late.json")
	for _, want := range []string{"--rules late.json", "export REGIONCOPY_RULES=late.json"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("dev's text with rules lacks %q:\n%s", want, out.String())
		}
	}
}

// The commands dev prints start the way the program was started: bin/regioncopy under
// make dev (as the README writes them), go run ./starter under go run.
func TestProgramNameIsHowItWasRun(t *testing.T) {
	for arg0, want := range map[string]string{
		"bin/regioncopy":                     "bin/regioncopy",
		"./bin/regioncopy":                   "./bin/regioncopy",
		"regioncopy":                         "regioncopy",
		"/opt/rc/rc":                         "/opt/rc/rc",
		"/tmp/go-build1234/b001/exe/starter": "go run ./starter",
		"/tmp/cli.test":                      "regioncopy",
		"/tmp/go-build1234/b001/cli.test":    "regioncopy",
	} {
		if got := programNameFor(arg0); got != want {
			t.Errorf("programNameFor(%q) = %q, want %q", arg0, got, want)
		}
	}
}
