// Package model holds the GraphQL types of the API and the converters from
// domain types. Types gqlgen generates live in models_gen.go; the ones here
// are written by hand because they carry domain keys that resolvers of their
// fields need.
package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Organization is the GraphQL Organization.
type Organization struct {
	ID        string
	Kind      tenancy.OrganizationKind
	Name      string
	OrgNumber string
	CreatedAt time.Time

	Key uuid.UUID // domain id
}

// IsNode marks Organization as a Node.
func (Organization) IsNode() {}

// GetID returns the global id.
func (o Organization) GetID() string { return o.ID }

// FromOrganization converts a domain organisation.
func FromOrganization(o tenancy.Organization) *Organization {
	return &Organization{
		ID:        relay.ID(relay.TypeOrganization, o.ID),
		Kind:      o.Kind,
		Name:      o.Name,
		OrgNumber: o.OrgNumber,
		CreatedAt: o.CreatedAt,
		Key:       o.ID,
	}
}

// Unit is the GraphQL Unit.
type Unit struct {
	ID   string
	Kind tenancy.UnitKind
	Name string

	Key       uuid.UUID
	OrgKey    uuid.UUID
	ParentKey *uuid.UUID
}

// IsNode marks Unit as a Node.
func (Unit) IsNode() {}

// GetID returns the global id.
func (u Unit) GetID() string { return u.ID }

// FromUnit converts a domain unit.
func FromUnit(u tenancy.Unit) *Unit {
	return &Unit{
		ID:        relay.ID(relay.TypeUnit, u.ID),
		Kind:      u.Kind,
		Name:      u.Name,
		Key:       u.ID,
		OrgKey:    u.OrgID,
		ParentKey: u.ParentID,
	}
}

// Municipality is the GraphQL Municipality.
type Municipality struct {
	Code       string
	Name       string
	CountyCode string
	CountyName string
}

// FromMunicipality converts a domain municipality.
func FromMunicipality(m tenancy.Municipality) *Municipality {
	return &Municipality{Code: m.Code, Name: m.Name, CountyCode: m.CountyCode, CountyName: m.CountyName}
}

// Federation is the GraphQL Federation.
type Federation struct {
	ID   string
	Name string

	Key    uuid.UUID
	OrgKey uuid.UUID
}

// IsNode marks Federation as a Node.
func (Federation) IsNode() {}

// GetID returns the global id.
func (f Federation) GetID() string { return f.ID }

// FromFederation converts a domain federation.
func FromFederation(f tenancy.Federation) *Federation {
	return &Federation{ID: relay.ID(relay.TypeFederation, f.ID), Name: f.Name, Key: f.ID, OrgKey: f.OrgID}
}

// FederationMembership is the GraphQL FederationMembership.
type FederationMembership struct {
	ValidFrom time.Time
	ValidTo   *time.Time
	Active    bool

	FederationKey uuid.UUID
	MemberKey     uuid.UUID
}

// FromMembership converts a domain membership; today decides Active.
func FromMembership(m tenancy.Membership, today time.Time) *FederationMembership {
	return &FederationMembership{
		ValidFrom:     m.ValidFrom,
		ValidTo:       m.ValidTo,
		Active:        m.ActiveOn(today),
		FederationKey: m.FederationID,
		MemberKey:     m.MemberOrgID,
	}
}

// OrganizationConnection is a page of organisations.
type OrganizationConnection struct {
	Edges    []*OrganizationEdge
	Nodes    []*Organization
	PageInfo *PageInfo

	// Filter is kept for totalCount, which is counted only when asked for.
	Filter tenancy.OrganizationFilter
}

// NewOrganizationConnection builds a connection from a page.
func NewOrganizationConnection(p page.Result[tenancy.Organization], f tenancy.OrganizationFilter) *OrganizationConnection {
	c := &OrganizationConnection{Filter: f}
	c.Edges, c.Nodes, c.PageInfo = connect(p, FromOrganization, tenancy.OrganizationKey,
		func(cursor string, n *Organization) *OrganizationEdge {
			return &OrganizationEdge{Cursor: cursor, Node: n}
		})
	return c
}

// FederationConnection is a page of federations.
type FederationConnection struct {
	Edges    []*FederationEdge
	Nodes    []*Federation
	PageInfo *PageInfo
}

// NewFederationConnection builds a connection from a page.
func NewFederationConnection(p page.Result[tenancy.Federation]) *FederationConnection {
	c := &FederationConnection{}
	c.Edges, c.Nodes, c.PageInfo = connect(p, FromFederation, tenancy.FederationKey,
		func(cursor string, n *Federation) *FederationEdge { return &FederationEdge{Cursor: cursor, Node: n} })
	return c
}

// connect builds the edges, nodes and page info of a connection from a page
// of domain items: conv converts an item, key gives its cursor position and
// edge wraps a node with its cursor.
func connect[D, N, E any](p page.Result[D], conv func(D) *N, key func(D) page.Key, edge func(string, *N) *E) ([]*E, []*N, *PageInfo) {
	edges, nodes := make([]*E, 0, len(p.Items)), make([]*N, 0, len(p.Items))
	pi := &PageInfo{HasNextPage: p.HasNext}
	for i, it := range p.Items {
		n := conv(it)
		cursor := page.Encode(key(it))
		nodes = append(nodes, n)
		edges = append(edges, edge(cursor, n))
		if i == 0 {
			pi.StartCursor = &cursor
		}
		pi.EndCursor = &cursor
	}
	return edges, nodes, pi
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// Me is the GraphQL Me: the request's principal.
type Me struct {
	UserID      string
	DisplayName string
	Roles       []identity.Role
	Issuer      string

	OrgKey  uuid.UUID
	UnitKey *uuid.UUID
}

// FromPrincipal converts the request's principal.
func FromPrincipal(p *identity.Principal) *Me {
	return &Me{
		UserID: p.UserID, DisplayName: p.DisplayName, Roles: p.Roles, Issuer: p.Issuer,
		OrgKey: p.OrgID, UnitKey: p.UnitID,
	}
}

// AuditRecord is the GraphQL AuditRecord.
type AuditRecord struct {
	ID            string
	Lane          int
	Seq           int
	At            time.Time
	RequestID     string
	UserID        string
	Roles         []string
	ClientID      *string
	OperationType string
	OperationName string
	ObjectIds     []string
	Decision      audit.Decision
	Reason        *string
	Purpose       *string
	ConsentID     *string
	// ClientOperationName is the name the client gave; not trusted.
	ClientOperationName *string

	UnitKey *uuid.UUID
}

// FromAuditRecord converts a domain audit record.
func FromAuditRecord(r audit.Record) *AuditRecord {
	out := &AuditRecord{
		ID: r.ID.String(), Lane: r.Lane, Seq: int(r.Seq), At: r.At, RequestID: r.RequestID, UserID: r.UserID,
		Roles: nonNil(r.Roles), ClientID: r.ClientID, OperationType: r.OperationType, OperationName: r.OperationName,
		ObjectIds: nonNil(r.ObjectIDs), Decision: r.Decision, Reason: r.Reason, Purpose: r.Purpose,
		ClientOperationName: r.ClientOperationName, UnitKey: r.UnitID,
	}
	if r.ConsentID != nil {
		s := r.ConsentID.String()
		out.ConsentID = &s
	}
	return out
}

// AuditRecordConnection is a page of audit records.
type AuditRecordConnection struct {
	Edges    []*AuditRecordEdge
	Nodes    []*AuditRecord
	PageInfo *PageInfo

	OrgKey uuid.UUID
	Filter audit.Filter
}

// NewAuditRecordConnection builds a connection from a page.
func NewAuditRecordConnection(p page.Result[audit.Record], orgID uuid.UUID, f audit.Filter) *AuditRecordConnection {
	c := &AuditRecordConnection{OrgKey: orgID, Filter: f}
	c.Edges, c.Nodes, c.PageInfo = connect(p, FromAuditRecord, audit.Key,
		func(cursor string, n *AuditRecord) *AuditRecordEdge { return &AuditRecordEdge{Cursor: cursor, Node: n} })
	return c
}
