// Package probe is the health check the regioncopy binaries run on themselves in a
// container: the image has no shell, curl or wget, so `regioncopy-worker --probe URL`
// and `backup-emulator --probe URL` ask their own HTTP endpoint instead.
package probe

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// Timeout bounds one probe; a container health check's own timeout is longer.
const Timeout = 5 * time.Second

// Get succeeds when url answers GET with a 2xx status within Timeout.
func Get(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("probe %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("probe %s: status %s", url, resp.Status)
	}
	return nil
}
