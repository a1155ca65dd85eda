package plan

import (
	"reflect"
	"strconv"
	"strings"
)

// decodeValue fills v from n exactly as the AWS CLI reads its JSON input: member names
// match exactly (botocore is case-sensitive, unlike encoding/json), unknown and duplicate
// members are problems, and a value of the wrong JSON type is a problem. Decoding goes on
// after a problem, so one pass reports every structural mistake.
func (r *report) decodeValue(n *node, v reflect.Value, path string) {
	r.pos[path] = n.off
	if n.kind == kindNull {
		return // null is "not given", as in the AWS CLI
	}
	switch v.Kind() {
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		r.decodeValue(n, p.Elem(), path)
		v.Set(p)
	case reflect.Struct:
		if !r.expect(n, kindObject, path) {
			return
		}
		r.decodeStruct(n, v, path)
	case reflect.Slice:
		if !r.expect(n, kindArray, path) {
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.elems), len(n.elems))
		for i, e := range n.elems {
			r.decodeValue(e, s.Index(i), path+"["+strconv.Itoa(i)+"]")
		}
		v.Set(s)
	case reflect.Map:
		if !r.expect(n, kindObject, path) {
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.members))
		for i, mb := range n.members {
			p := path + "[" + strconv.Quote(mb.key) + "]"
			if r.duplicate(n.members[:i], mb, p) {
				continue
			}
			e := reflect.New(v.Type().Elem()).Elem()
			r.decodeValue(mb.val, e, p)
			m.SetMapIndex(reflect.ValueOf(mb.key), e)
		}
		v.Set(m)
	case reflect.String:
		if r.expect(n, kindString, path) {
			v.SetString(n.text)
		}
	case reflect.Bool:
		if r.expect(n, kindBool, path) {
			v.SetBool(n.boolean)
		}
	case reflect.Int64:
		if !r.expect(n, kindNumber, path) {
			return
		}
		i, err := strconv.ParseInt(n.text, 10, 64)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				r.addAt(n.off, path, RuleJSONType, "%s is out of range for a 64-bit integer", n.text)
			} else {
				r.addAt(n.off, path, RuleJSONType, "must be a whole number, got %s", n.text)
			}
			return
		}
		v.SetInt(i)
	default:
		// The file types use only the kinds above; a new kind is a programming error
		// caught by the package's tests.
		panic("plan: unsupported field kind " + v.Kind().String())
	}
}

func (r *report) expect(n *node, k nodeKind, path string) bool {
	if n.kind == k {
		return true
	}
	r.addAt(n.off, path, RuleJSONType, "must be %s, got %s", k, n.kind)
	return false
}

func (r *report) duplicate(earlier []member, mb member, path string) bool {
	for _, e := range earlier {
		if e.key == mb.key {
			r.addAt(mb.keyOff, path, RuleDuplicateMember, "%q appears more than once in this object", mb.key)
			return true
		}
	}
	return false
}

func (r *report) decodeStruct(n *node, v reflect.Value, path string) {
	t := v.Type()
	names := make([]string, t.NumField())
	for i := range names {
		names[i] = jsonName(t.Field(i))
	}
	for i, mb := range n.members {
		p := joinPath(path, mb.key)
		if r.duplicate(n.members[:i], mb, p) {
			continue
		}
		idx := -1
		for j, name := range names {
			if name == mb.key {
				idx = j
				break
			}
		}
		if idx < 0 {
			r.unknownMember(mb, p, path, names)
			continue
		}
		r.decodeValue(mb.val, v.Field(idx), p)
	}
}

func (r *report) unknownMember(mb member, p, parent string, names []string) {
	var known []string
	for _, name := range names {
		if name == "" {
			continue
		}
		if strings.EqualFold(name, mb.key) {
			r.addAt(mb.keyOff, p, RuleUnknownMember, "unknown member %q: member names are case-sensitive, did you mean %q?", mb.key, name)
			return
		}
		known = append(known, name)
	}
	where := parent
	if where == "" {
		where = "the top level"
	}
	r.addAt(mb.keyOff, p, RuleUnknownMember, "unknown member %q; %s takes %s", mb.key, where, strings.Join(known, ", "))
}

// jsonName is the member name of a field: its json tag name, or the field name.
func jsonName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	if tag, ok := f.Tag.Lookup("json"); ok {
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			return ""
		}
		if name != "" {
			return name
		}
	}
	return f.Name
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}
