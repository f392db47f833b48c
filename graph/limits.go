package graph

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/samverkanshub/hub/graph/generated"
	"github.com/samverkanshub/hub/internal/app/vagin"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/evidence"
	"github.com/samverkanshub/hub/internal/meetings"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/routine"
	"github.com/samverkanshub/hub/internal/tasks"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Error codes of the limits; registered as protocol errors so that gqlgen
// answers them like validation errors (HTTP 400 for
// application/graphql-response+json). The presenter turns them into
// BAD_USER_INPUT.
const (
	codeDepthLimit = "DEPTH_LIMIT_EXCEEDED"
)

func init() {
	errcode.RegisterErrorType(codeDepthLimit, errcode.KindProtocol)
}

// depthLimit rejects operations nested deeper than Max selection levels.
// gqlgen has no depth limit of its own; complexity alone lets a narrow but
// deep query through. Introspection (__schema, __type) has a limit of its
// own, maxIntrospectionDepth: GraphiQL's introspection query is deep by
// nature (a type reference unwraps ofType eight times), but the type graph
// is not a tree, and each level deeper can multiply the response by the
// fields of a type.
type depthLimit struct{ Max int }

// maxIntrospectionDepth is the deepest introspection selection, counted
// from __schema or __type: GraphiQL's (graphql-js's) introspection query
// needs 14.
const maxIntrospectionDepth = 16

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string                   { return "DepthLimit" }
func (depthLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(_ context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if oc.Operation == nil {
		return nil
	}
	w := depthWalker{frags: oc.Doc.Fragments, memo: map[depthKey]int{}, max: max(d.Max, maxIntrospectionDepth)}
	if depth := w.depth(oc.Operation.SelectionSet, true); depth > d.Max {
		err := gqlerror.Errorf("query is nested too deeply: more than %d levels of fields (limit %d); split it into several queries", d.Max, d.Max)
		errcode.Set(err, codeDepthLimit)
		return err
	}
	if depth := w.introspection(oc.Operation.SelectionSet, map[string]bool{}); depth > maxIntrospectionDepth {
		err := gqlerror.Errorf("introspection is nested too deeply: more than %d levels from __schema or __type (limit %d)", maxIntrospectionDepth, maxIntrospectionDepth)
		errcode.Set(err, codeDepthLimit)
		return err
	}
	return nil
}

// depthWalker measures how deeply selections nest. Each fragment is
// measured once (memo), however often it is spread: a chain of fragments
// that each spread the next twice would otherwise take exponential time.
type depthWalker struct {
	frags ast.FragmentDefinitionList
	memo  map[depthKey]int
	max   int // stop measuring past this depth
}

type depthKey struct {
	fragment string
	root     bool
}

// depth is the number of field levels in set. At the root, introspection
// (__schema, __type) is left to introspection().
func (w *depthWalker) depth(set ast.SelectionSet, root bool) int {
	deepest := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if root && (s.Name == "__schema" || s.Name == "__type") {
				continue
			}
			deepest = max(deepest, 1+w.depth(s.SelectionSet, false))
		case *ast.InlineFragment:
			deepest = max(deepest, w.depth(s.SelectionSet, root))
		case *ast.FragmentSpread:
			key := depthKey{s.Name, root}
			d, ok := w.memo[key]
			if !ok {
				w.memo[key] = 0 // a cycle (refused by validation) ends here
				if f := w.frags.ForName(s.Name); f != nil {
					d = w.depth(f.SelectionSet, root)
				}
				w.memo[key] = d
			}
			deepest = max(deepest, d)
		}
		if deepest > w.max {
			return deepest
		}
	}
	return deepest
}

// introspection is the depth of the deepest __schema or __type selection
// at the root of set, counted from that field.
func (w *depthWalker) introspection(set ast.SelectionSet, seen map[string]bool) int {
	deepest := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if s.Name == "__schema" || s.Name == "__type" {
				deepest = max(deepest, 1+w.depth(s.SelectionSet, false))
			}
		case *ast.InlineFragment:
			deepest = max(deepest, w.introspection(s.SelectionSet, seen))
		case *ast.FragmentSpread:
			if f := w.frags.ForName(s.Name); f != nil && !seen[s.Name] {
				seen[s.Name] = true
				deepest = max(deepest, w.introspection(f.SelectionSet, seen))
			}
		}
	}
	return deepest
}

// Base prices of root fields and counts that run SQL of their own, in
// complexity points (a plain field costs 1). They are set so that a few
// fit in one operation under the default limit of 20,000, and hundreds of
// aliases do not (MaxCostlyFields refuses those first).
const (
	// searchPrice: directorySearch runs several ranked rounds over the
	// directory's terms (tens of milliseconds at national scale).
	searchPrice = 500
	// coveragePrice: a federation's topic × municipality report.
	coveragePrice = 500
	// personalListPrice: a page of personal data under the sharing rule.
	personalListPrice = 100
	// lookupPrice: one identity number sealed, indexed and looked up.
	lookupPrice = 100
	// waysInPrice: one answer of en väg in, when the replica has not kept
	// it (all 13 topics of a municipality in one operation cost 650).
	waysInPrice = 50
	// tenancyListPrice: a page of organisations or federations.
	tenancyListPrice = 10
)

// countPrices price a connection's totalCount, which runs a statement of
// its own over up to page.MaxCount rows. A count is priced once for its
// connection, not once per item of the page like the rest of the
// connection's selection (see cost.go).
var countPrices = map[string]int{
	"AccessLogConnection":      250,
	"AuditRecordConnection":    250,
	"CaseConnection":           250,
	"DirectoryEntryConnection": 250,
	"IndividualConnection":     250,
	// Organisations and federations: small tables.
	"FederationConnection":   10,
	"OrganizationConnection": 10,
}

// maxCoverageMunicipalities prices a coverage report: the largest
// förbund have some twenty member municipalities.
const maxCoverageMunicipalities = 30

// complexity prices list fields by the number of items they can return, so
// that the complexity limit bounds the rows a query can make the server
// read. A connection costs its page size times its selection; an
// unpaginated list a typical size times its selection.
func complexity() generated.ComplexityRoot {
	var c generated.ComplexityRoot
	pageOf := func(first *int) int {
		// Out-of-range sizes are rejected by the resolver with a precise
		// message; price them at the maximum so that message is what the
		// client sees.
		if first == nil {
			return page.DefaultSize
		}
		if *first < 1 || *first > page.MaxSize {
			return page.MaxSize
		}
		return *first
	}
	list := func(typical int) func(int) int {
		return func(child int) int { return 1 + typical*child }
	}
	c.Query.Organizations = func(child int, first *int, _ *string, _ *string, _ *time.Time, _ *tenancy.OrganizationKind, _ *string) int {
		return tenancyListPrice + pageOf(first)*child
	}
	c.Query.Federations = func(child int, first *int, _ *string) int { return tenancyListPrice + pageOf(first)*child }
	c.Query.Nodes = func(child int, ids []string) int { return 1 + len(ids)*child }
	c.Query.AuditTrail = func(child int, first *int, _, _, _ *string, _, _ *time.Time) int {
		return personalListPrice + pageOf(first)*child
	}
	c.Organization.Units = list(20)
	c.Organization.Municipalities = list(10)
	c.Organization.Memberships = list(5)
	c.Unit.Children = list(10)
	c.Unit.Municipalities = list(10)
	c.Federation.Members = func(child int, _ *time.Time) int { return 1 + 20*child }
	c.Federation.Municipalities = list(10)
	c.Query.WaysIn = func(child int, _ directory.Topic, _ string, _ *tenancy.OrganizationKind, first *int) int {
		n := directory.MaxWaysIn
		if first != nil && *first >= 1 && *first <= directory.MaxWaysIn {
			n = *first
		}
		return waysInPrice + n*child
	}
	// Lists without paging are priced at the most they can return.
	c.DirectoryEntry.Channels = list(directory.MaxChannels)
	c.WayIn.FallbackChain = list(vagin.MaxFallbacks)
	c.ArchiveDirectoryEntryPayload.FallbackOf = list(directory.MaxFallbackOf)
	c.CoverageReport.Cells = list(len(directory.Topics) * maxCoverageMunicipalities)
	c.Query.DirectorySearch = func(child int, _ string, first *int, _ *string, _ *tenancy.OrganizationKind, _ *string, _ *directory.Topic) int {
		return searchPrice + pageOf(first)*child
	}
	c.Query.DirectoryCoverage = func(child int, _ string) int { return coveragePrice + child }
	// Personal data. A person's cases, samtycken and a case's items and
	// parties are not paged: they are priced at what a heavy case has.
	c.Query.Cases = func(child int, first *int, _ *string, _ *string) int { return personalListPrice + pageOf(first)*child }
	c.Query.Individuals = func(child int, first *int, _ *string) int { return personalListPrice + pageOf(first)*child }
	c.Query.AccessLog = func(child int, _ string, first *int, _ *string) int { return personalListPrice + pageOf(first)*child }
	c.Query.IndividualByPersonnummer = func(child int, _ string) int { return lookupPrice + child }

	c.Individual.Cases = list(10)
	c.Individual.Consents = list(20)
	c.Case.Participants = list(10)
	c.Case.Items = func(child int, _ []consent.Class) int { return 1 + 50*child }
	c.Case.SharedClasses = list(len(consent.Classes))
	// A case's history grows with each step (a long case loops through
	// follow-up for years); routines are bounded by their validation.
	c.Case.Transitions = list(50)
	c.CaseTransition.Parties = list(routine.MaxParties)
	c.Query.Routines = func(child int, _ *string) int { return tenancyListPrice + 20*child }
	c.Routine.States = list(routine.MaxStates)
	c.Routine.Transitions = list(routine.MaxTransitions)
	c.Routine.Screening = list(routine.MaxCriteria)
	// Tasks between agencies: a page of an inbox, each task's history
	// (sent, received, accepted, started, done, a few assignments and
	// escalations).
	c.Query.Tasks = func(child int, _ *tasks.Box, _ *tasks.State, _ *tasks.Kind, _ *time.Time, _ *string, first *int, _ *string) int {
		return personalListPrice + pageOf(first)*child
	}
	c.Task.History = list(20)
	c.Task.JointWith = list(tasks.MaxJointTasks)
	// Meetings: a page of a unit's coming meetings, a case's meetings
	// (a few a month over a long case), each with its parties.
	c.Query.Meetings = func(child int, _ *time.Time, _ *time.Time, first *int, _ *string) int {
		return personalListPrice + pageOf(first)*child
	}
	c.Case.Meetings = list(50)
	c.Meeting.Parties = list(meetings.MaxParties + 1)
	c.Meeting.Minutes = list(10)
	// Plans, the checklist and repayments (issue 14) are not paged either:
	// priced at what a heavy case has (two plans revised at each
	// follow-up, a dozen insatser, a repayment a month over a year).
	c.Case.Plans = list(2)
	c.Plan.Versions = list(10)
	c.PlanVersion.Insatser = list(12)
	c.Case.Evidence = list(len(evidence.Checklist))
	c.Case.Repayments = list(12)
	return c
}
