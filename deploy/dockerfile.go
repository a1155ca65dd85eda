package deploy

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// escapeDirective is the parser directive that changes the continuation character.
var escapeDirective = regexp.MustCompile(`(?i)^#\s*escape\s*=`)

// Instruction is one Dockerfile instruction: its keyword in upper case, its --flags
// (--from=build) and the rest of its line, continuation lines joined with a space.
type Instruction struct {
	Line    int
	Keyword string
	Flags   []string
	Args    string
}

// Stage is the instructions from one FROM to the next.
type Stage struct {
	// Image is FROM's image reference and Name its AS name ("" when it has none).
	Image, Name  string
	Instructions []Instruction
}

// ParseDockerfile reads the instructions of a Dockerfile, grouped by stage. It knows
// what the regioncopy Dockerfile uses: comments, backslash continuations and
// instruction flags; here-documents and a changed escape character are refused rather
// than misread. (BuildKit's own parser needs a newer Go than this module's go line.)
func ParseDockerfile(r io.Reader) ([]Stage, error) {
	var (
		stages []Stage
		sc     = bufio.NewScanner(r)
		n      int
		start  int
		buf    strings.Builder
	)
	flush := func() error {
		text := strings.TrimSpace(buf.String())
		buf.Reset()
		if text == "" {
			return nil
		}
		in, err := parseInstruction(start, text)
		if err != nil {
			return err
		}
		if in.Keyword == "FROM" {
			image, name, err := parseFrom(in)
			if err != nil {
				return err
			}
			stages = append(stages, Stage{Image: image, Name: name})
		}
		if len(stages) == 0 && in.Keyword != "ARG" {
			return fmt.Errorf("line %d: %s before the first FROM", in.Line, in.Keyword)
		}
		if len(stages) > 0 {
			s := &stages[len(stages)-1]
			s.Instructions = append(s.Instructions, in)
		}
		return nil
	}
	for sc.Scan() {
		n++
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			if len(stages) == 0 && buf.Len() == 0 && escapeDirective.MatchString(trimmed) {
				return nil, fmt.Errorf("line %d: the escape directive is not supported", n)
			}
			continue // a comment, also between continuation lines
		}
		if buf.Len() == 0 {
			if trimmed == "" {
				continue
			}
			start = n
		}
		if strings.Contains(line, "<<") && buf.Len() == 0 && isHeredocStart(trimmed) {
			return nil, fmt.Errorf("line %d: here-documents are not supported", n)
		}
		if cont, ok := strings.CutSuffix(strings.TrimRight(line, " \t"), `\`); ok {
			buf.WriteString(strings.TrimSpace(cont))
			buf.WriteByte(' ')
			continue
		}
		buf.WriteString(trimmed)
		if err := flush(); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if buf.Len() > 0 {
		return nil, fmt.Errorf("line %d: the last instruction ends with a continuation", start)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return stages, nil
}

func isHeredocStart(trimmed string) bool {
	for _, f := range strings.Fields(trimmed) {
		if strings.HasPrefix(f, "<<") && len(f) > 2 && f[2] != '<' {
			return true
		}
	}
	return false
}

func parseInstruction(line int, text string) (Instruction, error) {
	keyword, rest, _ := strings.Cut(text, " ")
	in := Instruction{Line: line, Keyword: strings.ToUpper(keyword)}
	rest = strings.TrimSpace(rest)
	for strings.HasPrefix(rest, "--") {
		flag, after, _ := strings.Cut(rest, " ")
		in.Flags = append(in.Flags, flag)
		rest = strings.TrimSpace(after)
	}
	in.Args = rest
	if in.Args == "" {
		return in, fmt.Errorf("line %d: %s has no arguments", line, in.Keyword)
	}
	return in, nil
}

// parseFrom reads "FROM image [AS name]".
func parseFrom(in Instruction) (image, name string, err error) {
	f := strings.Fields(in.Args)
	switch {
	case len(f) == 1:
		return f[0], "", nil
	case len(f) == 3 && strings.EqualFold(f[1], "AS"):
		return f[0], f[2], nil
	}
	return "", "", fmt.Errorf("line %d: FROM %q is not FROM <image> [AS <name>]", in.Line, in.Args)
}

// Flag is the value of instruction flag --name (COPY --from=build: "build"), or "".
func (in Instruction) Flag(name string) string {
	for _, f := range in.Flags {
		if v, ok := strings.CutPrefix(f, "--"+name+"="); ok {
			return v
		}
	}
	return ""
}
