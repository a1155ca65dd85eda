package emulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// newJobID hands out a job id in AWS's style (upper-case UUID).
func (e *Emulator) newJobID(kind string) (string, int64) {
	id, seq := e.nextID(kind)
	return strings.ToUpper(id), seq
}

// idempotent looks up an idempotency token. It returns the job the token already started
// when the input is the same, an error when the token was used for a different input, and
// (nil, nil) when the token is new or empty.
func (e *Emulator) idempotent(c *call, token string, input any) (*job, string, *apiError) {
	if token == "" {
		return nil, "", nil
	}
	fp, _ := json.Marshal(input)
	key := c.region + "|" + c.op + "|" + token
	if t, ok := e.st.Tokens[key]; ok {
		if t.Fingerprint != string(fp) {
			return nil, "", errInvalidRequest("IdempotencyToken %q was already used for a different %s request", token, c.op)
		}
		return e.st.Jobs[t.JobID], key, nil
	}
	return nil, key, nil
}

func (e *Emulator) rememberToken(key string, input any, jobID string) {
	if key == "" {
		return
	}
	fp, _ := json.Marshal(input)
	e.st.Tokens[key] = &tokenEntry{Fingerprint: string(fp), JobID: jobID}
}

// newJob fills what every job shares, drawing its faults.
func (e *Emulator) newJob(c *call, kind, resourceArn, resourceType, role string) *job {
	id, seq := e.newJobID(kind)
	j := &job{Kind: kind, ID: id, Seq: seq, Region: c.region, ResourceArn: resourceArn, ResourceType: resourceType,
		IamRoleArn: role, State: jobCreated, CreationDate: c.now}
	reason, hold := e.jobFault(kind)
	j.FailReason = reason
	if hold > 0 {
		j.HoldUntil = c.now.Add(hold)
	}
	e.st.Jobs[id] = j
	e.active[id] = j
	k := jobListKey(j.Region, kind)
	e.listed[k] = append(e.listed[k], j)
	e.dirty = true
	return j
}

func (j *job) percentDone(now time.Time) string {
	switch {
	case j.State == jobCompleted:
		return "100.0"
	case j.State != jobRunning || !j.EndDate.After(j.StartDate):
		return "0.0"
	}
	f := float64(now.Sub(j.StartDate)) / float64(j.EndDate.Sub(j.StartDate)) * 100
	return fmt.Sprintf("%.1f", min(max(f, 0), 100))
}

// jobFilter holds the list filters shared by ListBackupJobs and ListCopyJobs.
type jobFilter struct {
	resourceArn, state, resourceType, accountID, parentJobID, messageCategory string
	createdBefore, createdAfter, completeBefore, completeAfter                time.Time
}

var jobStates = []string{"CREATED", "PENDING", "RUNNING", "ABORTING", "ABORTED", "COMPLETED", "FAILED", "EXPIRED", "PARTIAL"}

func parseJobFilter(c *call) (jobFilter, *apiError) {
	q := c.query
	f := jobFilter{resourceArn: q.Get("resourceArn"), state: q.Get("state"), resourceType: q.Get("resourceType"),
		accountID: q.Get("accountId"), parentJobID: q.Get("parentJobId"), messageCategory: q.Get("messageCategory")}
	if f.state != "" && !slices.Contains(jobStates, f.state) {
		return f, errInvalidParameter("state %q must be one of %s", f.state, strings.Join(jobStates, ", "))
	}
	if f.resourceType != "" && !slices.Contains(supportedResourceTypes, f.resourceType) {
		return f, errInvalidParameter("resourceType %q is not a supported resource type", f.resourceType)
	}
	for name, dst := range map[string]*time.Time{"createdBefore": &f.createdBefore, "createdAfter": &f.createdAfter,
		"completeBefore": &f.completeBefore, "completeAfter": &f.completeAfter} {
		if v := q.Get(name); v != "" {
			t, err := parseQueryTime(name, v)
			if err != nil {
				return f, err
			}
			*dst = t
		}
	}
	return f, nil
}

func (f jobFilter) keep(e *Emulator, j *job) bool {
	switch {
	case f.resourceArn != "" && j.ResourceArn != f.resourceArn,
		f.state != "" && j.State != f.state,
		f.resourceType != "" && j.ResourceType != f.resourceType,
		f.accountID != "" && f.accountID != e.cfg.AccountID,
		f.parentJobID != "", // no composite jobs are modelled: no job has a parent
		f.messageCategory != "" && f.messageCategory != "AGGREGATE_ALL" && f.messageCategory != messageCategory(j),
		!f.createdBefore.IsZero() && !wireTime(j.CreationDate).Before(f.createdBefore),
		!f.createdAfter.IsZero() && !wireTime(j.CreationDate).After(f.createdAfter),
		!f.completeBefore.IsZero() && (j.CompletionDate.IsZero() || !wireTime(j.CompletionDate).Before(f.completeBefore)),
		!f.completeAfter.IsZero() && (j.CompletionDate.IsZero() || !wireTime(j.CompletionDate).After(f.completeAfter)):
		return false
	}
	return true
}

// messageCategory summarises how a job ended, as AWS's MessageCategory does.
func messageCategory(j *job) string {
	switch j.State {
	case jobCompleted:
		return "SUCCESS"
	case jobFailed, jobExpired:
		return "FAILURE"
	}
	return ""
}

// listJobs returns the Region's jobs of one kind that pass keep, newest first (as AWS
// lists them).
func (e *Emulator) listJobs(c *call, kind string, keep func(*job) bool) []*job {
	var out []*job
	jobs := e.listed[jobListKey(c.region, kind)]
	for i := len(jobs) - 1; i >= 0; i-- {
		if keep(jobs[i]) {
			out = append(out, jobs[i])
		}
	}
	return out
}

func jobListKey(region, kind string) string { return region + "|" + kind }
