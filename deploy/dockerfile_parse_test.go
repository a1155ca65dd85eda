package deploy

import (
	"strings"
	"testing"
)

func TestParseDockerfile(t *testing.T) {
	stages, err := ParseDockerfile(strings.NewReader(`# syntax=docker/dockerfile:1
ARG BASE=x
FROM golang:1.26.8-bookworm AS build
RUN set -eu; \
    # a comment between continuation lines
    go build -o /out/a ./a; \
    go build -o /out/b ./b

FROM gcr.io/distroless/static-debian12:nonroot
copy --from=build --chown=1:1 /out/ /usr/local/bin/
USER nonroot:nonroot
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(stages) != 2 || stages[0].Image != "golang:1.26.8-bookworm" || stages[0].Name != "build" || stages[1].Name != "" {
		t.Fatalf("stages = %+v", stages)
	}
	run := stages[0].Instructions[1]
	if run.Keyword != "RUN" || run.Line != 4 || run.Args != "set -eu; go build -o /out/a ./a; go build -o /out/b ./b" {
		t.Errorf("RUN = %+v", run)
	}
	cp := stages[1].Instructions[1]
	if cp.Keyword != "COPY" || cp.Flag("from") != "build" || cp.Flag("chown") != "1:1" || cp.Args != "/out/ /usr/local/bin/" {
		t.Errorf("COPY = %+v", cp)
	}

	for name, bad := range map[string]string{
		"heredoc":            "FROM a:1\nRUN <<EOF\necho\nEOF\n",
		"escape":             "# escape=`\nFROM a:1\n",
		"before FROM":        "RUN echo\n",
		"dangling backslash": "FROM a:1\nRUN echo \\\n",
		"FROM form":          "FROM a:1 b c d\n",
	} {
		if _, err := ParseDockerfile(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
