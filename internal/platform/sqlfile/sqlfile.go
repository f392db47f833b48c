// Package sqlfile loads named SQL statements from .sql files, so that a
// domain package's static SQL is read in one place, next to the package,
// instead of in string literals scattered through its Go code.
//
// A file holds statements, each after a line naming it:
//
//	-- name: organizations_by_id
//	-- Loads organisations by id ($1); missing ids are absent.
//	SELECT {{organization_columns}}
//	FROM organizations o WHERE o.id = ANY($1)
//
// The comment lines between the name line and the first line of SQL
// document the statement; they are not sent to the server (comments inside
// the SQL are). A trailing semicolon is optional. Comments and blank lines
// before the first name line describe the file.
//
// A statement may name holes, {{name}}. A hole that names another statement
// of the set includes it (a fragment: a column list, a CTE, a condition);
// {{name arg ...}} includes a fragment with holes of its own, filled in
// order with the arguments (identifiers, such as a table alias); included
// without arguments, its holes become the including statement's. Any other
// hole is left for the Go code to fill (Template): the truly dynamic part
// of a statement, such as a WHERE built from a filter.
//
// A package parses its files once and looks its statements up into
// package-level variables, so that a missing or misspelt name panics when
// the package is loaded (every test and binary fails at once) and never
// when a request runs:
//
//	//go:embed queries.sql
//	var queryFiles embed.FS
//
//	var queries = sqlfile.MustParse(queryFiles, "queries.sql")
//
//	var qOrganizationsByID = queries.Must("organizations_by_id")
package sqlfile

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Statement is one named statement of a file, its fragments included.
type Statement struct {
	Name string
	// Doc is the comment block under the name line, without the "--".
	Doc string
	// SQL is the statement's text with its fragments included; Holes
	// are the holes left in it, in order of first appearance.
	SQL   string
	Holes []string
	// File and Line say where the name line is.
	File string
	Line int
}

// Set is the statements of some .sql files, by name.
type Set struct {
	stmts map[string]*Statement
	files []string

	mu   sync.Mutex
	used map[string]bool // looked up or included
}

var (
	nameLine    = regexp.MustCompile(`^--\s*name:(.*)$`)
	validName   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	holePattern = regexp.MustCompile(`\{\{\s*([a-z][a-z0-9_]*)((?:\s+[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}`)
)

// MustParse is Parse for package initialisation: it panics on any error.
func MustParse(fsys fs.FS, patterns ...string) *Set {
	s, err := Parse(fsys, patterns...)
	if err != nil {
		panic(err)
	}
	return s
}

// Parse reads the files of fsys matching the glob patterns (each must match
// at least one) and returns their statements. It refuses text before the
// first name line, names that are not lower_snake_case, a name given twice
// (in any of the files), a statement without SQL or with more than one,
// malformed holes, unknown or recursive fragments, and fragments given the
// wrong number of arguments.
func Parse(fsys fs.FS, patterns ...string) (*Set, error) {
	s := &Set{stmts: map[string]*Statement{}, used: map[string]bool{}}
	var errs []error
	for _, p := range patterns {
		names, err := fs.Glob(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("sqlfile: pattern %q: %w", p, err)
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("sqlfile: no file matches %q", p)
		}
		for _, name := range names {
			if slices.Contains(s.files, name) {
				continue
			}
			text, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, fmt.Errorf("sqlfile: %w", err)
			}
			s.files = append(s.files, name)
			errs = append(errs, s.parseFile(name, string(text))...)
		}
	}
	if len(errs) == 0 {
		errs = s.expand()
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return s, nil
}

// raw is a statement as written, before its fragments are included.
type raw struct {
	Statement
	body string
}

func (s *Set) parseFile(file, text string) []error {
	var errs []error
	fail := func(line int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("sqlfile: %s:%d: %s", file, line, fmt.Sprintf(format, args...)))
	}
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var cur *Statement
	var doc, body []string
	var bodyLine int
	skipping := false // the body of a statement whose name was refused
	finish := func() {
		if cur == nil {
			return
		}
		// Comments and blank lines after the last line of SQL belong to
		// the gap before the next statement, not to this one.
		for len(body) > 0 && (isBlank(body[len(body)-1]) || isComment(body[len(body)-1])) {
			body = body[:len(body)-1]
		}
		if len(body) == 0 {
			fail(cur.Line, "statement %q has no SQL", cur.Name)
			return
		}
		last := strings.TrimRight(body[len(body)-1], " \t")
		body[len(body)-1] = strings.TrimSuffix(last, ";")
		for i, l := range body[:len(body)-1] {
			if l := strings.TrimSpace(l); strings.HasSuffix(l, ";") && !isComment(l) {
				fail(bodyLine+i, "statement %q holds more than one statement (a line ends with ;): give each its own name", cur.Name)
				return
			}
		}
		cur.Doc = strings.TrimSpace(strings.Join(doc, "\n"))
		cur.SQL = strings.Join(body, "\n")
		if prev, ok := s.stmts[cur.Name]; ok {
			fail(cur.Line, "statement %q is named twice (first at %s:%d)", cur.Name, prev.File, prev.Line)
			return
		}
		s.stmts[cur.Name] = cur
	}
	for i, l := range lines {
		n := i + 1
		l = strings.TrimRight(l, " \t")
		if m := nameLine.FindStringSubmatch(l); m != nil {
			finish()
			cur, doc, body, skipping = nil, nil, nil, false
			name := strings.TrimSpace(m[1])
			if !validName.MatchString(name) {
				fail(n, "statement name %q is not lower_snake_case (a-z, 0-9, _; a letter first)", name)
				skipping = true
				continue
			}
			cur = &Statement{Name: name, File: file, Line: n}
			continue
		}
		switch {
		case skipping:
		case cur == nil:
			if !isBlank(l) && !isComment(l) {
				fail(n, "SQL before the first \"-- name:\" line")
				return errs
			}
		case len(body) == 0 && (isBlank(l) || isComment(l)):
			doc = append(doc, strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(l), "--"), " "))
		default:
			if len(body) == 0 {
				bodyLine = n
			}
			body = append(body, l)
		}
	}
	finish()
	return errs
}

func isBlank(l string) bool   { return strings.TrimSpace(l) == "" }
func isComment(l string) bool { return strings.HasPrefix(strings.TrimSpace(l), "--") }

// expand includes the fragments into every statement and lists the holes
// that are left.
func (s *Set) expand() []error {
	var errs []error
	const (
		visiting = iota + 1
		expanded
		failed
	)
	state := map[string]int{}
	var visit func(st *Statement, path []string) bool
	visit = func(st *Statement, path []string) bool {
		switch state[st.Name] {
		case expanded:
			return true
		case failed:
			return false
		case visiting:
			errs = append(errs, fmt.Errorf("sqlfile: %s:%d: statement %q includes itself (%s)",
				st.File, st.Line, st.Name, strings.Join(append(path, st.Name), " → ")))
			return false
		}
		state[st.Name] = visiting
		path = append(path, st.Name)
		ok := true
		if bad := malformedHole(st.SQL); bad != "" {
			errs = append(errs, fmt.Errorf("sqlfile: %s:%d: statement %q has a malformed hole %q: write {{name}} or {{fragment arg ...}} (lower_snake_case names, identifiers as arguments)",
				st.File, st.Line, st.Name, bad))
			ok = false
		} else {
			st.SQL = holePattern.ReplaceAllStringFunc(st.SQL, func(hole string) string {
				m := holePattern.FindStringSubmatch(hole)
				name, args := m[1], strings.Fields(m[2])
				frag, isFragment := s.stmts[name]
				if !isFragment {
					if len(args) > 0 {
						errs = append(errs, fmt.Errorf("sqlfile: %s:%d: statement %q includes %s, but no statement is named %q",
							st.File, st.Line, st.Name, hole, name))
						ok = false
					}
					return hole // a hole for the Go code to fill
				}
				if !visit(frag, path) {
					ok = false
					return hole
				}
				s.used[name] = true
				if len(args) == 0 {
					return frag.SQL // its holes, if any, are the includer's
				}
				if len(args) != len(frag.Holes) {
					errs = append(errs, fmt.Errorf("sqlfile: %s:%d: statement %q includes %s with %d arguments, but fragment %q has %d holes (%s)",
						st.File, st.Line, st.Name, hole, len(args), name, len(frag.Holes), strings.Join(frag.Holes, ", ")))
					ok = false
					return hole
				}
				return newTemplate(frag.Name, frag.SQL).Render(args...)
			})
		}
		if !ok {
			state[st.Name] = failed
			return false
		}
		st.Holes = holesOf(st.SQL)
		state[st.Name] = expanded
		return true
	}
	for _, name := range s.Names() {
		visit(s.stmts[name], nil)
	}
	return errs
}

// malformedHole returns the first "{{…}}" (or unclosed "{{") in sql that is
// not a well-formed hole, or "".
func malformedHole(sql string) string {
	rest := holePattern.ReplaceAllString(sql, "")
	i := strings.Index(rest, "{{")
	if i < 0 {
		if j := strings.Index(rest, "}}"); j >= 0 {
			return rest[max(0, j-20) : j+2]
		}
		return ""
	}
	end := strings.Index(rest[i:], "}}")
	if end < 0 || end > 60 {
		return rest[i:min(len(rest), i+20)] + "…"
	}
	return rest[i : i+end+2]
}

// holesOf lists the holes of sql in order of first appearance.
func holesOf(sql string) []string {
	var holes []string
	for _, m := range holePattern.FindAllStringSubmatch(sql, -1) {
		if !slices.Contains(holes, m[1]) {
			holes = append(holes, m[1])
		}
	}
	return holes
}

// Names lists the statements' names, sorted.
func (s *Set) Names() []string {
	names := make([]string, 0, len(s.stmts))
	for n := range s.stmts {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Lookup returns the statement named name.
func (s *Set) Lookup(name string) (Statement, bool) {
	st, ok := s.stmts[name]
	if !ok {
		return Statement{}, false
	}
	s.mu.Lock()
	s.used[name] = true
	s.mu.Unlock()
	return *st, true
}

// Must returns the SQL of the statement named name, and panics if there is
// none or if it has holes to fill (those are Templates). Call it in a
// package-level variable's initialiser.
func (s *Set) Must(name string) string {
	st := s.mustLookup(name)
	if len(st.Holes) > 0 {
		panic(fmt.Sprintf("sqlfile: statement %q (%s:%d) has holes to fill (%s): look it up with Template",
			name, st.File, st.Line, strings.Join(st.Holes, ", ")))
	}
	known.add(st.SQL, name, false)
	return st.SQL
}

// Template returns the statement named name as a template whose holes are
// exactly holes, in the order Render takes their values. It panics if
// there is no such statement or if its holes are not those. Call it in a
// package-level variable's initialiser.
func (s *Set) Template(name string, holes ...string) Template {
	st := s.mustLookup(name)
	if a, b := slices.Sorted(slices.Values(holes)), slices.Sorted(slices.Values(st.Holes)); !slices.Equal(a, b) {
		panic(fmt.Sprintf("sqlfile: statement %q (%s:%d) has the holes (%s), not (%s)",
			name, st.File, st.Line, strings.Join(st.Holes, ", "), strings.Join(holes, ", ")))
	}
	t := newTemplate(name, st.SQL).withOrder(holes)
	known.add(t.parts[0], name, true)
	return t
}

// known remembers the statements the program looked up (Must, Template),
// so that a tracer can name the statement it sees run (NameOf) without
// recording its text or its values.
var known = &registry{exact: map[string]string{}}

type registry struct {
	mu    sync.RWMutex
	exact map[string]string // a statement's SQL → its name
	// prefixes are templates' static beginnings, longest first: a
	// rendered template is named by the longest one it begins with.
	prefixes []namedPrefix
}

type namedPrefix struct{ prefix, name string }

// minTemplatePrefix is the shortest static beginning that names a
// template: "SELECT " alone would name every statement.
const minTemplatePrefix = 24

func (r *registry) add(sql, name string, prefix bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !prefix {
		r.exact[sql] = name
		return
	}
	if len(strings.TrimSpace(sql)) < minTemplatePrefix {
		return
	}
	for _, p := range r.prefixes {
		if p.prefix == sql {
			return
		}
	}
	r.prefixes = append(r.prefixes, namedPrefix{sql, name})
	slices.SortStableFunc(r.prefixes, func(a, b namedPrefix) int { return len(b.prefix) - len(a.prefix) })
}

// NameOf returns the name of the statement whose SQL is sql, if the
// program looked it up with Must, or of the template it was rendered from
// (found by the template's text before its first hole); "" if unknown.
func NameOf(sql string) string {
	known.mu.RLock()
	defer known.mu.RUnlock()
	if name, ok := known.exact[sql]; ok {
		return name
	}
	for _, p := range known.prefixes {
		if strings.HasPrefix(sql, p.prefix) {
			return p.name
		}
	}
	return ""
}

func (s *Set) mustLookup(name string) Statement {
	st, ok := s.Lookup(name)
	if !ok {
		msg := fmt.Sprintf("sqlfile: no statement named %q in %s", name, strings.Join(s.files, ", "))
		if near := s.nearest(name); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		}
		panic(msg)
	}
	return st
}

// nearest returns the name most like name, if one is close.
func (s *Set) nearest(name string) string {
	best, bestD := "", 4
	for _, n := range s.Names() {
		if d := distance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// distance is the Levenshtein distance of a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// Unused lists the statements nobody looked up or included, sorted: a
// package's test can require there are none, so that a statement left
// behind when its Go code went is noticed.
func (s *Set) Unused() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, n := range s.Names() {
		if !s.used[n] {
			out = append(out, n)
		}
	}
	return out
}

// Template is a statement with holes that the Go code fills: the static
// text around them is the file's, split once when the package loads.
type Template struct {
	name  string
	parts []string // text before each hole, then the text after the last
	value []int    // for each hole in the text, the index of its value
	order []string // the holes in the order Render takes values
}

func newTemplate(name, sql string) Template {
	t := Template{name: name, order: holesOf(sql)}
	last := 0
	for _, m := range holePattern.FindAllStringSubmatchIndex(sql, -1) {
		t.parts = append(t.parts, sql[last:m[0]])
		t.value = append(t.value, slices.Index(t.order, sql[m[2]:m[3]]))
		last = m[1]
	}
	t.parts = append(t.parts, sql[last:])
	return t
}

// withOrder returns t taking its values in the order of holes (the same
// holes as t's).
func (t Template) withOrder(holes []string) Template {
	value := make([]int, len(t.value))
	for i, v := range t.value {
		value[i] = slices.Index(holes, t.order[v])
	}
	t.value, t.order = value, slices.Clone(holes)
	return t
}

// Holes lists the template's holes in the order Render takes their values.
func (t Template) Holes() []string { return slices.Clone(t.order) }

// Render fills the holes with values, given in the order the holes were
// named to Template. It panics if the number of values is not the number
// of holes: a mistake every test of the statement finds.
func (t Template) Render(values ...string) string {
	if len(values) != len(t.order) {
		panic(fmt.Sprintf("sqlfile: statement %q has %d holes (%s), rendered with %d values",
			t.name, len(t.order), strings.Join(t.order, ", "), len(values)))
	}
	n := 0
	for _, p := range t.parts {
		n += len(p)
	}
	for _, v := range t.value {
		n += len(values[v])
	}
	var b strings.Builder
	b.Grow(n)
	for i, v := range t.value {
		b.WriteString(t.parts[i])
		b.WriteString(values[v])
	}
	b.WriteString(t.parts[len(t.parts)-1])
	return b.String()
}
