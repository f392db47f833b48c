package graph_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/samverkanshub/hub/graph"
)

// The public schema's contract with partner developers
// (docs/schema-changelog.md): graph/schema.snapshot.graphql is the schema
// as served at /graphql/schema.graphql, committed. A change that would
// break a client written against the snapshot fails the test; an element
// may be removed only after it was @deprecated in the snapshot. Any other
// change fails until the snapshot is refreshed, so that the snapshot (and
// the typed client compiled against it, examples/goclient) stays current.
var (
	updateSnapshot = flag.Bool("update", false, "rewrite graph/schema.snapshot.graphql (refused when the change breaks clients)")
	allowBreaking  = flag.Bool("allow-breaking", false, "with -update: write the snapshot even though the change breaks clients (a decision to write down in docs/schema-changelog.md)")
)

const snapshotPath = "schema.snapshot.graphql"

const refreshHint = "refresh the snapshot: go test ./graph -run TestSchemaSnapshot -update"

func TestSchemaSnapshot(t *testing.T) {
	t.Parallel()
	current := graph.SchemaSDL()
	committed, err := os.ReadFile(snapshotPath)
	if os.IsNotExist(err) && *updateSnapshot {
		require.NoError(t, os.WriteFile(snapshotPath, current, 0o644))
		return
	}
	require.NoError(t, err, "the committed snapshot; create it with: go test ./graph -run TestSchemaSnapshot -update")
	if bytes.Equal(committed, current) {
		return
	}
	breaking, err := breakingChanges(string(committed), string(current))
	require.NoError(t, err)
	if len(breaking) > 0 && !*allowBreaking {
		t.Fatalf("the schema breaks clients written against %s:\n  - %s\n"+
			"Deprecate first (@deprecated(reason: \"use … instead\"), refresh the snapshot, release), "+
			"remove in a later change: docs/schema-changelog.md.",
			snapshotPath, strings.Join(breaking, "\n  - "))
	}
	if *updateSnapshot {
		require.NoError(t, os.WriteFile(snapshotPath, current, 0o644))
		t.Logf("wrote %s; add a line to docs/schema-changelog.md", snapshotPath)
		return
	}
	t.Fatalf("the schema changed compatibly (%s differs from the executable schema); %s, and add a line to docs/schema-changelog.md", snapshotPath, refreshHint)
}

// breakingChanges lists what a client written against the old SDL could
// no longer do against the new one, in a stable order. Removing an element
// that was deprecated in old is not breaking: that is how it is meant to
// go.
func breakingChanges(oldSDL, newSDL string) ([]string, error) {
	old, err := gqlparser.LoadSchema(&ast.Source{Name: "snapshot", Input: oldSDL})
	if err != nil {
		return nil, fmt.Errorf("read the old schema: %w", err)
	}
	cur, err := gqlparser.LoadSchema(&ast.Source{Name: "current", Input: newSDL})
	if err != nil {
		return nil, fmt.Errorf("read the new schema: %w", err)
	}
	var out []string
	bad := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	used := typesUsedByLiveElements(old)
	for name, o := range old.Types {
		if o.BuiltIn {
			continue
		}
		n, ok := cur.Types[name]
		switch {
		case !ok && used[name]:
			bad("type %s was removed", name)
		case !ok:
		case o.Kind != n.Kind:
			bad("type %s changed from %s to %s", name, o.Kind, n.Kind)
		default:
			compareType(o, n, bad)
		}
	}
	slices.Sort(out)
	return out, nil
}

// compareType reports what breaks in one type that kept its kind.
func compareType(o, n *ast.Definition, bad func(string, ...any)) {
	name := o.Name
	switch o.Kind {
	case ast.Object, ast.Interface:
		for _, of := range o.Fields {
			nf := n.Fields.ForName(of.Name)
			if nf == nil {
				if !deprecated(of.Directives) {
					bad("field %s.%s was removed without being deprecated first", name, of.Name)
				}
				continue
			}
			if !outputCompatible(of.Type, nf.Type) {
				bad("field %s.%s changed type from %s to %s", name, of.Name, of.Type, nf.Type)
			}
			compareArguments(name+"."+of.Name, of.Arguments, nf.Arguments, bad)
		}
		for _, i := range o.Interfaces {
			if !slices.Contains(n.Interfaces, i) {
				bad("type %s no longer implements %s", name, i)
			}
		}
	case ast.InputObject:
		for _, of := range o.Fields {
			nf := n.Fields.ForName(of.Name)
			if nf == nil {
				if !deprecated(of.Directives) {
					bad("input field %s.%s was removed without being deprecated first", name, of.Name)
				}
				continue
			}
			if !inputCompatible(of.Type, nf.Type) {
				bad("input field %s.%s changed type from %s to %s", name, of.Name, of.Type, nf.Type)
			}
		}
		for _, nf := range n.Fields {
			if o.Fields.ForName(nf.Name) == nil && required(nf.Type, nf.DefaultValue) {
				bad("input %s has a new required field %s", name, nf.Name)
			}
		}
	case ast.Enum:
		for _, ov := range o.EnumValues {
			if n.EnumValues.ForName(ov.Name) == nil && !deprecated(ov.Directives) {
				bad("enum value %s.%s was removed without being deprecated first", name, ov.Name)
			}
		}
	case ast.Union:
		for _, t := range o.Types {
			if !slices.Contains(n.Types, t) {
				bad("union %s no longer has the member %s", name, t)
			}
		}
	}
}

func compareArguments(field string, old, cur ast.ArgumentDefinitionList, bad func(string, ...any)) {
	for _, oa := range old {
		na := cur.ForName(oa.Name)
		if na == nil {
			if !deprecated(oa.Directives) {
				bad("argument %s(%s) was removed without being deprecated first", field, oa.Name)
			}
			continue
		}
		if !inputCompatible(oa.Type, na.Type) {
			bad("argument %s(%s) changed type from %s to %s", field, oa.Name, oa.Type, na.Type)
		}
	}
	for _, na := range cur {
		if old.ForName(na.Name) == nil && required(na.Type, na.DefaultValue) {
			bad("field %s has a new required argument %s", field, na.Name)
		}
	}
}

// outputCompatible: a client reading the field still understands every
// value it gets. The new type may only be stricter (nullable → non-null).
func outputCompatible(old, cur *ast.Type) bool {
	if old.NonNull && !cur.NonNull {
		return false
	}
	if (old.Elem == nil) != (cur.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return outputCompatible(old.Elem, cur.Elem)
	}
	return old.NamedType == cur.NamedType
}

// inputCompatible: every value a client sends is still accepted. The new
// type may only be looser (non-null → nullable).
func inputCompatible(old, cur *ast.Type) bool {
	if !old.NonNull && cur.NonNull {
		return false
	}
	if (old.Elem == nil) != (cur.Elem == nil) {
		return false
	}
	if old.Elem != nil {
		return inputCompatible(old.Elem, cur.Elem)
	}
	return old.NamedType == cur.NamedType
}

func required(t *ast.Type, def *ast.Value) bool { return t.NonNull && def == nil }

func deprecated(ds ast.DirectiveList) bool { return ds.ForName("deprecated") != nil }

// typesUsedByLiveElements are the named types a client can reach through
// an element that is not deprecated: a type that only deprecated fields or
// arguments used may go with them.
func typesUsedByLiveElements(s *ast.Schema) map[string]bool {
	used := map[string]bool{}
	for _, root := range []*ast.Definition{s.Query, s.Mutation, s.Subscription} {
		if root != nil {
			used[root.Name] = true
		}
	}
	for _, d := range s.Types {
		if d.BuiltIn {
			continue
		}
		for _, f := range d.Fields {
			if deprecated(f.Directives) {
				continue
			}
			used[f.Type.Name()] = true
			for _, a := range f.Arguments {
				if !deprecated(a.Directives) {
					used[a.Type.Name()] = true
				}
			}
		}
		for _, t := range d.Types {
			used[t] = true
		}
		for _, i := range d.Interfaces {
			used[i] = true
		}
	}
	return used
}

// The rules of breakingChanges, each as an old and a new schema: a reader
// learns from this table what a partner developer can rely on.
func TestBreakingChanges_FollowTheDeprecateFirstRule(t *testing.T) {
	t.Parallel()
	const base = `
type Query { case(id: ID!, first: Int): Case  cases: [Case!]!  items: [Item!]!  old: Old @deprecated(reason: "use cases") }
type Old { a: Int }
type Case { id: ID!  name: String  state: State!  legacy: Int @deprecated(reason: "gone") }
enum State { OPEN CLOSED ARCHIVED @deprecated(reason: "use CLOSED") }
input CaseInput { name: String!  note: String }
type Mutation { save(input: CaseInput!): Case! }
union Item = Case
`
	edit := func(pairs ...string) string {
		s := base
		for i := 0; i < len(pairs); i += 2 {
			require.Contains(t, s, pairs[i])
			s = strings.Replace(s, pairs[i], pairs[i+1], 1)
		}
		return s
	}
	tests := []struct {
		name     string
		newSDL   string
		breaking []string
	}{
		{"a new type, field, optional argument, enum value and optional input field is additive", edit(
			"legacy: Int", "added: String  legacy: Int",
			"first: Int)", "first: Int, after: String)",
			"OPEN CLOSED", "OPEN CLOSED PAUSED",
			"note: String }", "note: String  tag: String  size: Int! = 1 }",
		) + "type Extra { a: Int }", nil},
		{"removing a deprecated field (with the type only it used) or enum value is allowed", edit(
			`legacy: Int @deprecated(reason: "gone")`, "",
			`ARCHIVED @deprecated(reason: "use CLOSED")`, "",
			`old: Old @deprecated(reason: "use cases")`, "",
			"type Old { a: Int }", "",
		), nil},
		{"removing a field that was not deprecated breaks", edit("name: String  state", "state"),
			[]string{"field Case.name was removed without being deprecated first"}},
		{"removing an argument breaks", edit("case(id: ID!, first: Int)", "case(id: ID!)"),
			[]string{"argument Query.case(first) was removed without being deprecated first"}},
		{"removing an enum value breaks", edit("OPEN CLOSED", "OPEN"),
			[]string{"enum value State.CLOSED was removed without being deprecated first"}},
		{"removing a type in use breaks", edit("union Item = Case", "", "items: [Item!]!", ""),
			[]string{"field Query.items was removed without being deprecated first", "type Item was removed"}},
		{"a new required argument breaks", edit("first: Int)", "first: Int, org: ID!)"),
			[]string{"field Query.case has a new required argument org"}},
		{"a new required input field breaks", edit("note: String }", "note: String  org: ID! }"),
			[]string{"input CaseInput has a new required field org"}},
		{"an input that becomes non-null breaks", edit("note: String }", "note: String! }"),
			[]string{"input field CaseInput.note changed type from String to String!"}},
		{"an input that becomes nullable is fine", edit("name: String!  note", "name: String  note"), nil},
		{"an output that becomes nullable breaks", edit("state: State!", "state: State"),
			[]string{"field Case.state changed type from State! to State"}},
		{"an output that becomes non-null is fine", edit("name: String  state", "name: String!  state"), nil},
		{"a changed type breaks", edit("first: Int)", "first: String)", "cases: [Case!]!", "cases: Case!"),
			[]string{"argument Query.case(first) changed type from Int to String", "field Query.cases changed type from [Case!]! to Case!"}},
		{"a changed kind breaks", edit("enum State { OPEN CLOSED ARCHIVED @deprecated(reason: \"use CLOSED\") }", "scalar State"),
			[]string{"type State changed from ENUM to SCALAR"}},
		{"a union that loses a member breaks", edit("union Item = Case", "union Item = Other  type Other { a: Int }"),
			[]string{"union Item no longer has the member Case"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := breakingChanges(base, tt.newSDL)
			require.NoError(t, err)
			require.Equal(t, tt.breaking, got)
		})
	}
}
