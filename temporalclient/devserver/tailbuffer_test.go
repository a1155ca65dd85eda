package devserver

import (
	"strings"
	"testing"
)

// A long failing output keeps its first lines (a panic's message) and its last ones.
func TestTailBufferKeepsHeadAndTail(t *testing.T) {
	b := &tailBuffer{max: 64}
	b.Write([]byte("panic: listen tcp: address already in use\n"))
	for range 100 {
		b.Write([]byte("goroutine frame\n"))
	}
	b.Write([]byte("exit status 2"))
	got := b.String()
	if !strings.HasPrefix(got, "panic: listen tcp: ad") || !strings.HasSuffix(got, "exit status 2") || !strings.Contains(got, "[...]") {
		t.Errorf("kept %q, want the panic's start, a gap and the end", got)
	}
	if len(got) > 64+len("\n[...]\n") {
		t.Errorf("kept %d bytes, want at most the bound", len(got))
	}

	short := &tailBuffer{max: 64}
	short.Write([]byte("one\n"))
	short.Write([]byte("two\n"))
	if got := short.String(); got != "one\ntwo\n" {
		t.Errorf("short output kept as %q, want it whole", got)
	}
}
