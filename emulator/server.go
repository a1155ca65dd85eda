package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// maxBodyBytes bounds a request body; AWS Backup requests are small.
const maxBodyBytes = 4 << 20

// call is one decoded API request.
type call struct {
	op     string
	region string
	labels map[string]string
	query  url.Values
	body   []byte
	now    time.Time
}

type handlerFunc func(e *Emulator, c *call) (any, *apiError)

type route struct {
	method  string
	segs    []string // "{name}" segments are labels
	op      string
	handler handlerFunc
}

// routes are the operations served, with the HTTP method and URI of the AWS model. Paths
// match with and without a trailing slash.
var routes = []route{
	{"PUT", segs("/backup-vaults/{backupVaultName}"), "CreateBackupVault", (*Emulator).createBackupVault},
	{"GET", segs("/backup-vaults/{backupVaultName}"), "DescribeBackupVault", (*Emulator).describeBackupVault},
	{"GET", segs("/backup-vaults"), "ListBackupVaults", (*Emulator).listBackupVaults},
	{"DELETE", segs("/backup-vaults/{backupVaultName}"), "DeleteBackupVault", (*Emulator).deleteBackupVault},
	{"PUT", segs("/backup-jobs"), "StartBackupJob", (*Emulator).startBackupJob},
	{"GET", segs("/backup-jobs/{backupJobId}"), "DescribeBackupJob", (*Emulator).describeBackupJob},
	{"GET", segs("/backup-jobs"), "ListBackupJobs", (*Emulator).listBackupJobs},
	{"PUT", segs("/copy-jobs"), "StartCopyJob", (*Emulator).startCopyJob},
	{"GET", segs("/copy-jobs/{copyJobId}"), "DescribeCopyJob", (*Emulator).describeCopyJob},
	{"GET", segs("/copy-jobs"), "ListCopyJobs", (*Emulator).listCopyJobs},
	{"GET", segs("/backup-vaults/{backupVaultName}/recovery-points/{recoveryPointArn}"), "DescribeRecoveryPoint", (*Emulator).describeRecoveryPoint},
	{"GET", segs("/backup-vaults/{backupVaultName}/recovery-points"), "ListRecoveryPointsByBackupVault", (*Emulator).listRecoveryPointsByBackupVault},
	{"GET", segs("/resources/{resourceArn}/recovery-points"), "ListRecoveryPointsByResource", (*Emulator).listRecoveryPointsByResource},
	{"POST", segs("/backup-vaults/{backupVaultName}/recovery-points/{recoveryPointArn}"), "UpdateRecoveryPointLifecycle", (*Emulator).updateRecoveryPointLifecycle},
	{"DELETE", segs("/backup-vaults/{backupVaultName}/recovery-points/{recoveryPointArn}"), "DeleteRecoveryPoint", (*Emulator).deleteRecoveryPoint},
	{"PUT", segs("/backup/plans"), "CreateBackupPlan", (*Emulator).createBackupPlan},
	{"GET", segs("/backup/plans/{backupPlanId}"), "GetBackupPlan", (*Emulator).getBackupPlan},
	{"GET", segs("/backup/plans"), "ListBackupPlans", (*Emulator).listBackupPlans},
	{"DELETE", segs("/backup/plans/{backupPlanId}"), "DeleteBackupPlan", (*Emulator).deleteBackupPlan},
	{"PUT", segs("/backup/plans/{backupPlanId}/selections"), "CreateBackupSelection", (*Emulator).createBackupSelection},
	{"GET", segs("/supported-resource-types"), "GetSupportedResourceTypes", (*Emulator).getSupportedResourceTypes},
	{"GET", segs("/tags/{resourceArn}"), "ListTags", (*Emulator).listTags},
}

func segs(path string) []string { return strings.Split(strings.Trim(path, "/"), "/") }

// match finds the route for a method and raw (still escaped) path. Labels are unescaped
// after splitting, so percent-encoded ARNs (with %2F) stay one label.
func match(method, rawPath string) (*route, map[string]string, bool) {
	parts := strings.Split(strings.Trim(rawPath, "/"), "/")
	for i := range routes {
		r := &routes[i]
		if r.method != method || len(r.segs) != len(parts) {
			continue
		}
		labels := map[string]string{}
		ok := true
		for k, s := range r.segs {
			if strings.HasPrefix(s, "{") {
				v, err := url.PathUnescape(parts[k])
				if err != nil || v == "" {
					ok = false
					break
				}
				labels[s[1:len(s)-1]] = v
			} else if s != parts[k] {
				ok = false
				break
			}
		}
		if ok {
			return r, labels, true
		}
	}
	return nil, nil, false
}

var credentialScope = regexp.MustCompile(`Credential=([^/,\s]+)/([0-9]{8})/([^/,\s]+)/([^/,\s]+)/aws4_request`)

// regionOf reads the Region from the SigV4 credential scope, the only place a request to a
// shared endpoint carries it.
func regionOf(r *http.Request) (string, *apiError) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return "", &apiError{Code: "MissingAuthenticationTokenException", Status: http.StatusForbidden,
			Message: "Missing Authentication Token: requests must be signed with SigV4 (the Region comes from the credential scope)", Fault: "User"}
	}
	m := credentialScope.FindStringSubmatch(auth)
	if m == nil {
		return "", &apiError{Code: "IncompleteSignatureException", Status: http.StatusBadRequest,
			Message: "Authorization header has no Credential=<key>/<date>/<region>/<service>/aws4_request scope", Fault: "User"}
	}
	if !regionPattern.MatchString(m[3]) {
		return "", &apiError{Code: "InvalidSignatureException", Status: http.StatusBadRequest,
			Message: "credential scope Region " + m[3] + " is not a Region name", Fault: "User"}
	}
	return m[3], nil
}

// serveHTTP serves both APIs of the one endpoint: AWS Backup (restJson1, routed by method
// and path) and the Resource Groups Tagging API (awsJson1.1, routed by X-Amz-Target).
func (e *Emulator) serveHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", requestID())
	if strings.HasPrefix(r.URL.Path, adminPrefix) {
		e.serveAdmin(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		writeError(w, errSerialization("could not read the request body: %v", err))
		return
	}
	if len(body) > maxBodyBytes {
		writeError(w, errSerialization("request body exceeds %d bytes", maxBodyBytes))
		return
	}
	api := apiOf(r)
	var (
		op      = "UnknownOperation"
		handler handlerFunc
		labels  map[string]string
		found   bool
	)
	if api == apiTagging {
		w.Header().Set("Content-Type", taggingContentType) // answers and errors alike
		op, handler, found = taggingOperation(r)
	} else if rt, l, ok := match(r.Method, r.URL.EscapedPath()); ok {
		op, handler, labels, found = rt.op, rt.handler, l, true
	}

	e.mu.Lock()
	e.st.Counters.Calls[op]++
	delay, fault := e.requestFault(op)
	e.dirty = true
	e.requestSaveLocked() // calls refused below (faults, unknown routes, bad signatures) count too
	e.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}
	if api == apiTagging {
		fault = taggingFault(fault)
	}
	if fault != nil {
		writeError(w, fault)
		return
	}
	if !found {
		if api == apiTagging {
			writeError(w, errUnknownTaggingOperation(r))
		} else {
			writeError(w, errUnknownOperation())
		}
		return
	}
	if apiErr := e.verifySignature(r, body, api); apiErr != nil {
		writeError(w, apiErr)
		return
	}
	region, apiErr := regionOf(r)
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	c := &call{op: op, region: region, labels: labels, query: r.URL.Query(), body: body}

	e.mu.Lock()
	c.now = e.clock.now()
	e.settle(c.now)
	resp, apiErr := handler(e, c)
	if apiErr == nil {
		e.settle(c.now) // a new job may start at once
	}
	e.requestSaveLocked()
	e.mu.Unlock()

	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	if v == nil {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, &apiError{Code: "InternalFailure", Status: http.StatusInternalServerError, Message: "encoding the response: " + err.Error(), Fault: "Server"})
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeError answers as AWS does: the code in X-Amzn-ErrorType and in the body, with the
// message under both spellings SDKs read.
func writeError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("X-Amzn-ErrorType", e.Code)
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(e.Status)
	b, _ := json.Marshal(map[string]string{"__type": e.Code, "Code": e.Code, "Message": e.Message, "message": e.Message, "Type": e.Fault})
	_, _ = w.Write(b)
}
