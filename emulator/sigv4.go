package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"
)

// maxClockSkew is how far a request's X-Amz-Date may be from the wall clock, as on AWS.
const maxClockSkew = 15 * time.Minute

var authHeaderPattern = regexp.MustCompile(`^AWS4-HMAC-SHA256 Credential=([^/]+)/([0-9]{8})/([^/]+)/([^/]+)/aws4_request,\s*SignedHeaders=([a-z0-9;\-]+),\s*Signature=([0-9a-f]{64})$`)

func sigError(code, format string, args ...any) *apiError {
	return &apiError{Code: code, Status: http.StatusForbidden, Message: fmt.Sprintf(format, args...), Fault: "User"}
}

// verifySignature checks a request's SigV4 signature against the configured keys, scoped to
// the signing name of the API it calls (backup or tagging). Dates are checked against the
// wall clock, not the emulator clock: clients sign with real time.
func (e *Emulator) verifySignature(r *http.Request, body []byte, api string) *apiError {
	if len(e.cfg.Credentials) == 0 {
		return nil
	}
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return sigError("MissingAuthenticationTokenException", "Missing Authentication Token")
	}
	m := authHeaderPattern.FindStringSubmatch(auth)
	if m == nil {
		return sigError("IncompleteSignatureException", "Authorization header is not a well-formed AWS4-HMAC-SHA256 signature")
	}
	keyID, date, region, service, signedHeaders, signature := m[1], m[2], m[3], m[4], m[5], m[6]
	secret, ok := e.cfg.Credentials[keyID]
	if !ok {
		return sigError("UnrecognizedClientException", "The security token included in the request is invalid: unknown access key %s", keyID)
	}
	if service != api {
		return sigError("InvalidSignatureException", "Credential should be scoped to correct service: '%s', not %q", api, service)
	}
	amzDate := r.Header.Get("X-Amz-Date")
	signedAt, err := time.Parse("20060102T150405Z", amzDate)
	if err != nil {
		return sigError("IncompleteSignatureException", "X-Amz-Date %q is missing or not in the form 20060102T150405Z", amzDate)
	}
	if skew := time.Since(signedAt); skew > maxClockSkew || skew < -maxClockSkew {
		return sigError("InvalidSignatureException", "Signature expired: %s is more than %v from the current time", amzDate, maxClockSkew)
	}
	if amzDate[:8] != date {
		return sigError("InvalidSignatureException", "Credential date %s does not match X-Amz-Date %s", date, amzDate)
	}
	sum := sha256.Sum256(body)
	payloadHash := hex.EncodeToString(sum[:])
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" && h != "UNSIGNED-PAYLOAD" {
		if h != payloadHash {
			return sigError("InvalidSignatureException", "X-Amz-Content-Sha256 does not match the request body")
		}
	} else if h == "UNSIGNED-PAYLOAD" {
		payloadHash = h
	}
	headerNames := strings.Split(signedHeaders, ";")
	if !strings.Contains(";"+signedHeaders+";", ";host;") {
		return sigError("InvalidSignatureException", "SignedHeaders must include host")
	}
	var canon strings.Builder
	canon.WriteString(r.Method + "\n")
	canon.WriteString(uriEncode(r.URL.EscapedPath(), false) + "\n")
	canon.WriteString(canonicalQuery(r.URL.RawQuery) + "\n")
	for _, name := range headerNames {
		canon.WriteString(name + ":" + canonicalHeaderValue(r, name) + "\n")
	}
	canon.WriteString("\n" + signedHeaders + "\n" + payloadHash)
	scope := date + "/" + region + "/" + service + "/aws4_request"
	crHash := sha256.Sum256([]byte(canon.String()))
	stringToSign := "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex.EncodeToString(crHash[:])
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, "aws4_request")
	want := hex.EncodeToString(hmacSHA256(k, stringToSign))
	if !hmac.Equal([]byte(want), []byte(signature)) {
		return sigError("InvalidSignatureException", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.")
	}
	return nil
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

func canonicalHeaderValue(r *http.Request, name string) string {
	var values []string
	switch name {
	case "host":
		values = []string{r.Host}
	case "content-length":
		values = r.Header.Values("Content-Length")
		if len(values) == 0 && r.ContentLength >= 0 {
			values = []string{fmt.Sprint(r.ContentLength)}
		}
	default:
		values = r.Header.Values(name)
	}
	for i, v := range values {
		values[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(values, ",")
}

// canonicalQuery sorts the query parameters and encodes them as SigV4 requires.
func canonicalQuery(raw string) string {
	type kv struct{ k, v string }
	var pairs []kv
	for _, part := range strings.Split(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		k, _ = url.QueryUnescape(k)
		v, _ = url.QueryUnescape(v)
		pairs = append(pairs, kv{uriEncode(k, true), uriEncode(v, true)})
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	out := make([]string, len(pairs))
	for i, p := range pairs {
		out[i] = p.k + "=" + p.v
	}
	return strings.Join(out, "&")
}

// uriEncode percent-encodes everything but RFC 3986 unreserved characters (and "/" unless
// encodeSlash). Applied to an already escaped path it yields the double encoding SigV4
// uses for every service but S3.
func uriEncode(s string, encodeSlash bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
