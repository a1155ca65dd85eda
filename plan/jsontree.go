package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// node is one JSON value with the byte offset where it starts, so that every problem
// found later can point at its line and column. Object members keep their order and
// duplicates, which encoding/json would silently collapse.
type node struct {
	kind    nodeKind
	off     int64
	members []member // kindObject
	elems   []*node  // kindArray
	text    string   // kindString: the value; kindNumber: the literal
	boolean bool     // kindBool
}

type member struct {
	key    string
	keyOff int64
	val    *node
}

type nodeKind int

const (
	kindNull nodeKind = iota
	kindObject
	kindArray
	kindString
	kindNumber
	kindBool
)

func (k nodeKind) String() string {
	return [...]string{"null", "an object", "an array", "a string", "a number", "a boolean"}[k]
}

// maxDepth bounds nesting: a plan file is at most six levels deep, and a bound keeps a
// hostile file from exhausting the stack.
const maxDepth = 32

// syntaxError is a JSON syntax error at a byte offset.
type syntaxError struct {
	off int64
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

// parseTree reads exactly one JSON value from data.
func parseTree(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	t := &treeReader{dec: dec, data: data}
	root, err := t.value(0)
	if err != nil {
		return nil, err
	}
	end := t.start()
	if _, err := dec.Token(); err != io.EOF {
		return nil, &syntaxError{off: end, msg: "unexpected data after the end of the plan's JSON object"}
	}
	return root, nil
}

type treeReader struct {
	dec  *json.Decoder
	data []byte
}

// start returns the offset of the next token: InputOffset points just after the previous
// token, before any whitespace, ':' or ','.
func (t *treeReader) start() int64 {
	off := t.dec.InputOffset()
	for off < int64(len(t.data)) {
		switch t.data[off] {
		case ' ', '\t', '\n', '\r', ':', ',':
			off++
			continue
		}
		break
	}
	return off
}

// token reads the token starting at off. A syntax error is placed at the start of the
// token that failed: json.Decoder counts some SyntaxError offsets from the start of the
// value it was reading, not from the start of the input.
func (t *treeReader) token(off int64) (json.Token, error) {
	tok, err := t.dec.Token()
	if err == nil {
		return tok, nil
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return nil, &syntaxError{off: off, msg: "invalid JSON: " + se.Error()}
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		return nil, &syntaxError{off: int64(len(t.data)), msg: "invalid JSON: unexpected end of file"}
	}
	return nil, &syntaxError{off: off, msg: "invalid JSON: " + err.Error()}
}

func (t *treeReader) value(depth int) (*node, error) {
	if depth > maxDepth {
		return nil, &syntaxError{off: t.start(), msg: fmt.Sprintf("JSON nested deeper than %d levels", maxDepth)}
	}
	off := t.start()
	tok, err := t.token(off)
	if err != nil {
		return nil, err
	}
	n := &node{off: off}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			n.kind = kindObject
			for t.dec.More() {
				keyOff := t.start()
				k, err := t.token(keyOff)
				if err != nil {
					return nil, err
				}
				key, _ := k.(string) // the decoder guarantees object keys are strings
				val, err := t.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.members = append(n.members, member{key: key, keyOff: keyOff, val: val})
			}
		case '[':
			n.kind = kindArray
			for t.dec.More() {
				val, err := t.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, val)
			}
		}
		if _, err := t.token(t.start()); err != nil { // the closing delimiter
			return nil, err
		}
	case string:
		n.kind, n.text = kindString, v
	case json.Number:
		n.kind, n.text = kindNumber, string(v)
	case bool:
		n.kind, n.boolean = kindBool, v
	case nil:
		n.kind = kindNull
	}
	return n, nil
}
