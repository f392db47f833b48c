package graph

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// codeInvalidText is the error code of text with control characters;
// presented as BAD_USER_INPUT.
const codeInvalidText = "INVALID_TEXT"

func init() {
	errcode.RegisterErrorType(codeInvalidText, errcode.KindProtocol)
}

// multilineDirective marks arguments and input fields whose text may span
// lines (a summary, a description, a reason): they may hold newlines and
// tabs. Every other string is one line.
const multilineDirective = "multiline"

// textInput checks every string an operation passes in, before anything
// runs: literal arguments, variables, and strings nested in input objects
// and lists. Control characters (NUL, escape, the C1 range…) are refused
// everywhere: Postgres cannot store NUL at all, and the others are never
// part of a name or a note but make logs and exports lie. Newline, carriage
// return and tab are allowed in multi-line text only. The error names the
// argument or field, so a client knows what to fix.
type textInput struct {
	schema *ast.Schema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &textInput{}

func (*textInput) ExtensionName() string { return "TextInput" }

func (t *textInput) Validate(s graphql.ExecutableSchema) error {
	t.schema = s.Schema()
	return nil
}

func (t *textInput) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := textWalker{schema: t.schema, vars: oc.Variables, frags: oc.Doc.Fragments, seen: map[string]bool{}}
	if err := w.selections(oc.Operation.SelectionSet); err != nil {
		errcode.Set(err, codeInvalidText)
		return err
	}
	return nil
}

type textWalker struct {
	schema *ast.Schema
	vars   map[string]any
	frags  ast.FragmentDefinitionList
	seen   map[string]bool // fragments already checked
}

func (w *textWalker) selections(set ast.SelectionSet) *gqlerror.Error {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			for _, arg := range s.Arguments {
				var def *ast.ArgumentDefinition
				if s.Definition != nil {
					def = s.Definition.Arguments.ForName(arg.Name)
				}
				if def == nil {
					continue // validation already refused it
				}
				if err := w.value(arg.Value, def.Type, isMultiline(def.Directives), s.Name+"("+arg.Name+")"); err != nil {
					return err
				}
			}
			if err := w.selections(s.SelectionSet); err != nil {
				return err
			}
		case *ast.InlineFragment:
			if err := w.selections(s.SelectionSet); err != nil {
				return err
			}
		case *ast.FragmentSpread:
			if w.seen[s.Name] {
				continue
			}
			w.seen[s.Name] = true
			if f := w.frags.ForName(s.Name); f != nil {
				if err := w.selections(f.SelectionSet); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// value checks a literal (or a variable, through its value) of type typ.
func (w *textWalker) value(v *ast.Value, typ *ast.Type, multiline bool, path string) *gqlerror.Error {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case ast.Variable:
		return w.raw(w.vars[v.Raw], typ, multiline, path)
	case ast.StringValue, ast.BlockValue:
		return checkText(v.Raw, multiline, path)
	case ast.ListValue:
		elem := typ
		if typ != nil && typ.Elem != nil {
			elem = typ.Elem
		}
		for i, c := range v.Children {
			if err := w.value(c.Value, elem, multiline, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case ast.ObjectValue:
		def := w.inputObject(typ)
		for _, c := range v.Children {
			ft, ml := w.field(def, c.Name)
			if err := w.value(c.Value, ft, ml, path+"."+c.Name); err != nil {
				return err
			}
		}
	}
	return nil
}

// raw checks a variable's value (decoded JSON) of type typ.
func (w *textWalker) raw(v any, typ *ast.Type, multiline bool, path string) *gqlerror.Error {
	switch x := v.(type) {
	case string:
		return checkText(x, multiline, path)
	case []any:
		elem := typ
		if typ != nil && typ.Elem != nil {
			elem = typ.Elem
		}
		for i, e := range x {
			if err := w.raw(e, elem, multiline, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case map[string]any:
		def := w.inputObject(typ)
		for _, name := range slices.Sorted(maps.Keys(x)) { // the same error every time
			if err := checkText(name, false, path); err != nil {
				return err
			}
			ft, ml := w.field(def, name)
			if err := w.raw(x[name], ft, ml, path+"."+name); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *textWalker) inputObject(typ *ast.Type) *ast.Definition {
	if typ == nil {
		return nil
	}
	return w.schema.Types[typ.Name()]
}

// field returns the type of an input object's field and whether it is
// multi-line text; unknown fields (refused by validation) are one line.
func (w *textWalker) field(def *ast.Definition, name string) (*ast.Type, bool) {
	if def == nil {
		return nil, false
	}
	f := def.Fields.ForName(name)
	if f == nil {
		return nil, false
	}
	return f.Type, isMultiline(f.Directives)
}

func isMultiline(d ast.DirectiveList) bool { return d.ForName(multilineDirective) != nil }

// checkText refuses in s: bytes that are not UTF-8 (a GET query string
// can carry them; Postgres refuses them), control characters except line
// breaks and tabs in multi-line text, the Unicode line and paragraph
// separators in one line of text, and the bidirectional embeddings,
// overrides and isolates, which make text display in another order than
// it is stored (a name, a log line or an export that lies).
func checkText(s string, multiline bool, path string) *gqlerror.Error {
	path = strings.TrimSpace(path)
	if !utf8.ValidString(s) {
		return gqlerror.Errorf("%s: is not valid UTF-8 text", path)
	}
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t' || r == '\u2028' || r == '\u2029':
			if !multiline {
				return gqlerror.Errorf("%s: contains a line break or tab (U+%04X); it is one line of text", path, r)
			}
		case unicode.IsControl(r):
			return gqlerror.Errorf("%s: contains a control character (U+%04X), which text may not contain", path, r)
		case isBidiControl(r):
			return gqlerror.Errorf("%s: contains a bidirectional control character (U+%04X), which text may not contain", path, r)
		}
	}
	return nil
}

// isBidiControl reports the explicit directional embeddings, overrides
// and isolates (U+202A–U+202E, U+2066–U+2069). The marks LRM, RLM and ALM,
// which text in right-to-left scripts needs, stay allowed.
func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}
