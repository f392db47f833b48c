package graph

// This file names an operation in the audit trail and the loggutdrag: by
// what the server ran, and, apart, by what the client called it.

import (
	"slices"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// maxRootFields bounds the root fields that name an operation; more are
// counted ("…+N"), so that a query of many root fields cannot make its
// audit record as long as it likes.
const maxRootFields = 20

// operationName names the operation in the audit trail and the loggutdrag:
// the root fields the server executes, by field name (an alias is the
// client's label), each once, in the query's order, after fragments and
// @skip/@include, joined by ",": `cases`, `cases,individuals`. Never the
// operation name the client gave: that is the client's to choose, and
// `query directoryLookup { cases { … } }` would otherwise show a person
// "directoryLookup" where their data was read (clientOperationName keeps
// it, labelled). The fields are collected as the executor collects them,
// so what is named is what ran.
func operationName(oc *graphql.OperationContext) string {
	names := rootFieldNames(oc)
	if n := len(names); n > maxRootFields {
		return strings.Join(names[:maxRootFields], ",") + ",…+" + strconv.Itoa(n-maxRootFields)
	}
	return strings.Join(names, ",")
}

// rootFieldNames lists the root fields the server executes, each once, in
// the query's order (see operationName).
func rootFieldNames(oc *graphql.OperationContext) []string {
	root := map[ast.Operation]string{ast.Query: "Query", ast.Mutation: "Mutation", ast.Subscription: "Subscription"}[oc.Operation.Operation]
	var names []string
	for _, f := range graphql.CollectFields(oc, oc.Operation.SelectionSet, []string{root}) {
		if !slices.Contains(names, f.Name) {
			names = append(names, f.Name)
		}
	}
	return names
}

// maxClientOperationName bounds the client's operation name as recorded,
// in characters (the column's check, migration 018).
const maxClientOperationName = 100

// clientOperationName is the operation name the client gave (nil: none),
// cut to maxClientOperationName characters. It is recorded as what the
// client called the operation, never as what ran.
func clientOperationName(oc *graphql.OperationContext) *string {
	if oc.Operation.Name == "" {
		return nil
	}
	name := truncate(oc.Operation.Name, maxClientOperationName-1)
	return &name
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
