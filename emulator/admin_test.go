package emulator_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/backup"

	"github.com/regioncopy/regioncopy/emulator"
)

func admin(t *testing.T, method, url string, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %q: %v", method, url, b, err)
		}
	}
	return resp.StatusCode
}

func TestAdminAPI(t *testing.T) {
	s := start(t, emulator.Config{})
	var health map[string]string
	if code := admin(t, "GET", s.URL+"/_emulator/healthz", "", &health); code != 200 || health["Status"] != "ok" {
		t.Fatalf("healthz %d %v", code, health)
	}
	var clock struct {
		Now       time.Time
		TimeScale float64
	}
	admin(t, "GET", s.URL+"/_emulator/clock", "", &clock)
	before := clock.Now
	if code := admin(t, "POST", s.URL+"/_emulator/clock/advance", `{"Seconds": 86400}`, &clock); code != 200 || clock.Now.Sub(before) < 24*time.Hour {
		t.Fatalf("advance: %d, %v → %v", code, before, clock.Now)
	}
	if code := admin(t, "POST", s.URL+"/_emulator/clock/advance", `{"Seconds": -1}`, nil); code != 400 {
		t.Fatalf("negative advance answered %d", code)
	}

	// Seed a small volume: its backup and copy carry the seeded size.
	seed := `[{"ResourceArn":"` + volume + `","SizeBytes":1048576,"DailyWriteRate":0.2}]`
	if code := admin(t, "POST", s.URL+"/_emulator/resources", seed, nil); code != 200 {
		t.Fatalf("seed: %d", code)
	}
	if code := admin(t, "POST", s.URL+"/_emulator/resources", `[{"ResourceArn":"nope","SizeBytes":1}]`, nil); code != 400 {
		t.Fatalf("bad seed answered %d", code)
	}
	// A seed's tags reach the tagging API; a reserved tag key is refused.
	tagged := `{"Resources":[{"ResourceArn":"` + volume2 + `","SizeBytes":1048576,"Tags":{"env":"prod"}}]}`
	if code := admin(t, "POST", s.URL+"/_emulator/resources", tagged, nil); code != 200 {
		t.Fatalf("tagged seed: %d", code)
	}
	if got := tagsOf(getOne(t, s.TaggingClient(east), volume2)); len(got) != 1 || got["env"] != "prod" {
		t.Fatalf("seeded tags: %v", got)
	}
	if code := admin(t, "POST", s.URL+"/_emulator/resources", `[{"ResourceArn":"`+volume2+`","SizeBytes":1,"Tags":{"aws:x":"y"}}]`, nil); code != 400 {
		t.Fatalf("a seed with a reserved tag key answered %d", code)
	}
	c := s.Client(east)
	mustVault(t, c, "src", "")
	dstArn := mustVault(t, s.Client(west), "dst", "")
	b := completedBackup(t, s, c, "src", volume)
	if aws.ToInt64(b.BackupSizeInBytes) != 1<<20 {
		t.Fatalf("seeded volume backed up as %d bytes", aws.ToInt64(b.BackupSizeInBytes))
	}
	mustCopy(t, c, aws.ToString(b.RecoveryPointArn), "src", dstArn, func(in *backup.StartCopyJobInput) { in.IdempotencyToken = aws.String("tok") })
	s.Emulator.Advance(time.Minute)

	var counters emulator.Counters
	admin(t, "GET", s.URL+"/_emulator/counters", "", &counters)
	if counters.BytesTransferred[east+">"+west] != 1<<20 || counters.FullCopies != 1 || counters.StartCopyJobCalls["tok"] != 1 ||
		counters.Calls["StartCopyJob"] != 1 || counters.RecoveryPointsPerVault[dstArn] != 1 {
		t.Fatalf("counters %+v", counters)
	}

	var f emulator.Faults
	if code := admin(t, "POST", s.URL+"/_emulator/faults", `{"ThrottleRate":0.5,"Latency":"5ms"}`, &f); code != 200 || f.ThrottleRate != 0.5 || time.Duration(f.Latency) != 5*time.Millisecond {
		t.Fatalf("set faults: %d %+v", code, f)
	}
	if code := admin(t, "POST", s.URL+"/_emulator/faults", `{"ThrottleRate":2}`, nil); code != 400 {
		t.Fatalf("invalid faults answered %d", code)
	}
	if code := admin(t, "POST", s.URL+"/_emulator/faults", `{"Throttle":1}`, nil); code != 400 {
		t.Fatalf("unknown fault field answered %d", code)
	}
	var cleared emulator.Faults
	if code := admin(t, "DELETE", s.URL+"/_emulator/faults", "", &cleared); code != 200 || cleared.ThrottleRate != 0 || s.Emulator.Faults().Latency != 0 {
		t.Fatalf("clear faults: %d %+v", code, cleared)
	}
	if code := admin(t, "GET", s.URL+"/_emulator/nope", "", nil); code != 404 {
		t.Fatalf("unknown admin route answered %d", code)
	}
}
