package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// What one operation may cost is decided before it runs, from the
// document alone:
//
//   - its complexity: every field priced by complexity() (a list by what it
//     can return; a search, a count, a personal-data root field by a base
//     price that reflects its SQL), at most MaxComplexity;
//   - how many costly fields it holds (searches, counts, personal-data root
//     fields), at most MaxCostlyFields: aliases multiply them, and each
//     runs its own SQL;
//   - how many identity numbers it looks up (individualByPersonnummer), at
//     most MaxLookups: each number tried is a probe of the register;
//   - introspection: off unless the server allows it, and then at most one
//     __schema or __type per operation, priced like data;
//   - no @defer or @stream: their fields would run after the operation's
//     transaction has committed and its audit record was written, so what
//     they read would go unrecorded.
//
// What it costs while running is bounded by executionBudget (budget.go).

// Error codes of the cost limits; protocol errors (HTTP 400 with
// application/graphql-response+json), presented as BAD_USER_INPUT.
const (
	codeComplexityLimit = "COMPLEXITY_LIMIT_EXCEEDED"
	codeCostlyLimit     = "COSTLY_FIELDS_LIMIT_EXCEEDED"
)

func init() {
	errcode.RegisterErrorType(codeComplexityLimit, errcode.KindProtocol)
	errcode.RegisterErrorType(codeCostlyLimit, errcode.KindProtocol)
}

// Defaults of the cost limits.
const (
	DefaultMaxCostlyFields = 10
	DefaultMaxLookups      = 5
)

// Prices of what is not a plain field (see also complexity()).
const (
	// schemaIntrospectionPrice is the price of a __schema selection: the
	// whole schema, with its types, fields and arguments.
	schemaIntrospectionPrice = 5000
	// typeIntrospectionPrice is the price of a __type selection.
	typeIntrospectionPrice = 500
)

// costlyRootFields are the root fields that run searches, counts or reads
// of personal data: each occurrence counts against MaxCostlyFields.
var costlyRootFields = map[string]bool{
	"directorySearch": true, "directoryCoverage": true,
	"individuals": true, "individualByPersonnummer": true, "cases": true, "tasks": true, "meetings": true,
	"accessLog": true, "auditTrail": true, "node": true, "nodes": true,
}

// lookupField is the root field that looks a person up by identity number.
const lookupField = "individualByPersonnummer"

// operationCost refuses operations that would cost too much, before they
// run. It replaces gqlgen's complexity limit: that one does not price
// introspection at all, and walks a fragment once for every place it is
// spread, which nested fragments turn into exponential work.
type operationCost struct {
	maxComplexity   int
	maxCostlyFields int
	maxLookups      int
	introspection   bool

	es graphql.ExecutableSchema
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = &operationCost{}

func (*operationCost) ExtensionName() string { return "OperationCost" }

func (c *operationCost) Validate(es graphql.ExecutableSchema) error {
	c.es = es
	return nil
}

// cost is what a selection set holds.
type cost struct {
	complexity int
	// once is complexity paid once for the operation however many items
	// its parents return: counts and introspection.
	once          int
	costly        int
	lookups       int
	introspection int // __schema and __type selections
	deferred      int // @defer and @stream directives
}

func (a cost) plus(b cost) cost {
	return cost{
		complexity:    saturatingAdd(a.complexity, b.complexity),
		once:          saturatingAdd(a.once, b.once),
		costly:        saturatingAdd(a.costly, b.costly),
		lookups:       saturatingAdd(a.lookups, b.lookups),
		introspection: saturatingAdd(a.introspection, b.introspection),
		deferred:      saturatingAdd(a.deferred, b.deferred),
	}
}

func saturatingAdd(a, b int) int {
	if a < 0 || b < 0 {
		return max(a, b, 0)
	}
	if s := a + b; s >= a {
		return s
	}
	return int(^uint(0) >> 1)
}

func (c *operationCost) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := costWalker{es: c.es, schema: c.es.Schema(), vars: oc.Variables, frags: oc.Doc.Fragments, memo: map[string]cost{}}
	total := w.selections(ctx, oc.Operation.SelectionSet)

	limit := func(code, format string, args ...any) *gqlerror.Error {
		err := gqlerror.Errorf(format, args...)
		errcode.Set(err, code)
		return err
	}
	switch {
	case total.deferred > 0:
		return limit(codeCostlyLimit, "@defer and @stream are not supported: ask for the fields in the operation itself, or in a second request")
	case total.introspection > 0 && !c.introspection:
		return limit(codeCostlyLimit, "introspection is off on this server; the schema is published at /graphql/schema.graphql")
	case total.introspection > 1:
		return limit(codeCostlyLimit, "an operation may hold at most one __schema or __type selection (it has %d)", total.introspection)
	case total.lookups > c.maxLookups:
		return limit(codeCostlyLimit, "an operation may look up at most %d identity numbers (individualByPersonnummer; it has %d): send one request per person", c.maxLookups, total.lookups)
	case total.costly > c.maxCostlyFields:
		return limit(codeCostlyLimit, "an operation may hold at most %d searches, counts (totalCount) and personal-data lists (it has %d); split it into several requests", c.maxCostlyFields, total.costly)
	case saturatingAdd(total.complexity, total.once) > c.maxComplexity:
		return limit(codeComplexityLimit, "operation has complexity %d, which exceeds the limit of %d: ask for smaller pages (first) or fewer fields",
			saturatingAdd(total.complexity, total.once), c.maxComplexity)
	}
	return nil
}

type costWalker struct {
	es     graphql.ExecutableSchema
	schema *ast.Schema
	vars   map[string]any
	frags  ast.FragmentDefinitionList
	memo   map[string]cost // by fragment: each is priced once, however often it is spread
}

func (w *costWalker) selections(ctx context.Context, set ast.SelectionSet) cost {
	var total cost
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			total.deferred += deferrals(s.Directives)
			total = total.plus(w.field(ctx, s))
		case *ast.InlineFragment:
			total.deferred += deferrals(s.Directives)
			total = total.plus(w.selections(ctx, s.SelectionSet))
		case *ast.FragmentSpread:
			total.deferred += deferrals(s.Directives)
			c, ok := w.memo[s.Name]
			if !ok {
				if f := w.frags.ForName(s.Name); f != nil {
					w.memo[s.Name] = cost{} // a cycle (refused by validation) costs nothing twice
					c = w.selections(ctx, f.SelectionSet)
				}
				w.memo[s.Name] = c
			}
			total = total.plus(c)
		}
	}
	return total
}

func (w *costWalker) field(ctx context.Context, f *ast.Field) cost {
	switch f.Name {
	case "__typename":
		return cost{}
	case "__schema":
		return cost{once: schemaIntrospectionPrice, introspection: 1}
	case "__type":
		return cost{once: typeIntrospectionPrice, introspection: 1}
	}
	if f.Definition == nil || f.ObjectDefinition == nil {
		return cost{complexity: 1} // refused by validation
	}
	child := w.selections(ctx, f.SelectionSet)
	own := child
	own.complexity = 0 // priced below, from the child's
	if f.ObjectDefinition.Name == w.schema.Query.Name && costlyRootFields[f.Name] {
		own.costly++
	}
	if price, ok := countPrices[f.ObjectDefinition.Name]; ok && f.Name == "totalCount" {
		own.costly++
		own.once = saturatingAdd(own.once, price)
	}
	if f.ObjectDefinition.Name == w.schema.Query.Name && f.Name == lookupField {
		own.lookups++
	}
	args := f.ArgumentMap(w.vars)
	if f.ObjectDefinition.Kind == ast.Interface {
		// Priced as the dearest of the types that implement it.
		for _, t := range w.schema.GetPossibleTypes(f.ObjectDefinition) {
			own.complexity = max(own.complexity, w.fieldComplexity(ctx, t.Name, f, child.complexity, args))
		}
	} else {
		own.complexity = w.fieldComplexity(ctx, f.ObjectDefinition.Name, f, child.complexity, args)
	}
	return own
}

// deferrals counts @defer and @stream among a selection's directives.
func deferrals(d ast.DirectiveList) int {
	n := 0
	for _, x := range d {
		if x.Name == "defer" || x.Name == "stream" {
			n++
		}
	}
	return n
}

func (w *costWalker) fieldComplexity(ctx context.Context, typeName string, f *ast.Field, child int, args map[string]any) int {
	if len(f.SelectionSet) > 0 {
		// An object costs at least 1 even when all it selects is free
		// (__typename): a list of them is still read row by row.
		child = max(child, 1)
	}
	if c, ok := w.es.Complexity(ctx, typeName, f.Name, child, args); ok && c >= 1 {
		return c
	}
	return saturatingAdd(1, child)
}
