package temporalclient

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeClientCert writes a self-signed client certificate and its key as PEM files, as
// a Temporal Cloud namespace's mTLS setup hands them to a worker.
func writeClientCert(t *testing.T) (certPath, keyPath string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "regioncopy-worker"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certPath, keyPath = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certPath, keyPath
}

func TestLoadClientOptionsCloudMTLSFromEnvironment(t *testing.T) {
	clearTemporalEnv(t)
	cert, key := writeClientCert(t)
	t.Setenv("TEMPORAL_ADDRESS", "copies.a1b2c.tmprl.cloud:7233")
	t.Setenv("TEMPORAL_NAMESPACE", "copies.a1b2c")
	t.Setenv("TEMPORAL_TLS_CLIENT_CERT_PATH", cert)
	t.Setenv("TEMPORAL_TLS_CLIENT_KEY_PATH", key)
	opts, err := LoadClientOptions(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if opts.HostPort != "copies.a1b2c.tmprl.cloud:7233" || opts.Namespace != "copies.a1b2c" {
		t.Errorf("got %q/%q, want the Cloud namespace's endpoint and id", opts.HostPort, opts.Namespace)
	}
	if tls := opts.ConnectionOptions.TLS; tls == nil || len(tls.Certificates) != 1 {
		t.Errorf("TLS = %+v, want the client certificate loaded", opts.ConnectionOptions.TLS)
	}
	if opts.Credentials != nil {
		t.Error("mTLS alone must not bring API key credentials")
	}
}

func TestLoadClientOptionsCloudProfileWithAPIKey(t *testing.T) {
	clearTemporalEnv(t)
	file := filepath.Join(t.TempDir(), "temporal.toml")
	toml := "[profile.cloud]\naddress = \"us-east-1.aws.api.temporal.io:7233\"\nnamespace = \"copies.a1b2c\"\napi_key = \"key-from-the-cloud-ui\"\n"
	if err := os.WriteFile(file, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	// The worker takes no flags: the profile is chosen by TEMPORAL_PROFILE.
	t.Setenv("TEMPORAL_CONFIG_FILE", file)
	t.Setenv("TEMPORAL_PROFILE", "cloud")
	opts, err := LoadClientOptions(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if opts.HostPort != "us-east-1.aws.api.temporal.io:7233" || opts.Namespace != "copies.a1b2c" {
		t.Errorf("got %q/%q, want the profile's", opts.HostPort, opts.Namespace)
	}
	if opts.Credentials == nil || opts.ConnectionOptions.TLS == nil {
		t.Errorf("an API key must bring credentials and TLS, got Credentials=%v TLS=%v", opts.Credentials, opts.ConnectionOptions.TLS)
	}
}

func TestLoadClientOptionsRefusesAMissingClientCertificate(t *testing.T) {
	clearTemporalEnv(t)
	dir := t.TempDir()
	t.Setenv("TEMPORAL_TLS_CLIENT_CERT_PATH", filepath.Join(dir, "absent.pem"))
	t.Setenv("TEMPORAL_TLS_CLIENT_KEY_PATH", filepath.Join(dir, "absent.key"))
	_, err := LoadClientOptions(Options{})
	if err == nil || !strings.Contains(err.Error(), "TEMPORAL_") {
		t.Errorf("got %v, want an error naming the Temporal configuration", err)
	}
}
