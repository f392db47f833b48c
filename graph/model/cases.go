package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/cases"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/individuals"
	"github.com/samverkanshub/hub/internal/personnummer"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// Individual is the GraphQL Individual.
type Individual struct {
	ID                 string
	Handle             string
	GivenName          *string
	FamilyName         *string
	Personnummer       *string
	IdentityNumberKind personnummer.Kind
	ProtectedIdentity  bool
	RegisteredAt       time.Time

	Key    uuid.UUID
	OrgKey uuid.UUID
}

// IsNode marks Individual as a Node.
func (Individual) IsNode() {}

// GetID returns the global id.
func (i Individual) GetID() string { return i.ID }

// FromIndividual converts a domain individual.
func FromIndividual(i individuals.Individual) *Individual {
	out := &Individual{
		ID: relay.ID(relay.TypeIndividual, i.ID), Handle: i.Handle, GivenName: i.GivenName, FamilyName: i.FamilyName,
		IdentityNumberKind: i.NumberKind, ProtectedIdentity: i.ProtectedIdentity, RegisteredAt: i.RegisteredAt,
		Key: i.ID, OrgKey: i.OrgID,
	}
	if i.Number != nil {
		f := i.Number.Formatted()
		out.Personnummer = &f
	}
	return out
}

// IndividualConnection is a page of individuals.
type IndividualConnection struct {
	Edges    []*IndividualEdge
	Nodes    []*Individual
	PageInfo *PageInfo
}

// NewIndividualConnection builds a connection from a page.
func NewIndividualConnection(p page.Result[individuals.Individual]) *IndividualConnection {
	c := &IndividualConnection{}
	c.Edges, c.Nodes, c.PageInfo = connect(p, FromIndividual, individuals.Key,
		func(cursor string, n *Individual) *IndividualEdge { return &IndividualEdge{Cursor: cursor, Node: n} })
	return c
}

// ConsentGrant is the GraphQL ConsentGrant.
type ConsentGrant struct {
	Classes []consent.Class

	OrgKey  uuid.UUID
	UnitKey *uuid.UUID
}

// Consent is the GraphQL Consent.
type Consent struct {
	ID                 string
	Kind               consent.Kind
	Purposes           []consent.Purpose
	Grants             []*ConsentGrant
	GivenBy            consent.Giver
	RepresentativeName *string
	ValidFrom          time.Time
	ValidUntil         time.Time
	Evidence           consent.Evidence
	FormReference      *string
	WitnessedBy        *string
	RegisteredAt       time.Time
	RegisteredBy       string
	RegisteredByName   string
	RevokedAt          *time.Time
	RevokedBy          *string
	RevocationReason   *string
	Status             consent.Status

	Key            uuid.UUID
	IndividualKey  uuid.UUID
	RequestedByKey uuid.UUID
}

// IsNode marks Consent as a Node.
func (Consent) IsNode() {}

// GetID returns the global id.
func (c Consent) GetID() string { return c.ID }

// FromConsent converts a domain consent; today decides its status.
func FromConsent(c consent.Consent, today time.Time) *Consent {
	out := &Consent{
		ID: relay.ID(relay.TypeConsent, c.ID), Kind: c.Kind, Purposes: nonNil(c.Purposes), GivenBy: c.GivenBy,
		RepresentativeName: c.RepresentativeName, ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil, Evidence: c.Evidence,
		FormReference: c.FormReference, WitnessedBy: c.WitnessedBy, RegisteredAt: c.RegisteredAt, RegisteredBy: c.RegisteredBy,
		RegisteredByName: c.RegisteredByName, RevokedAt: c.RevokedAt, RevokedBy: c.RevokedBy, RevocationReason: c.RevocationReason,
		Status: c.StatusOn(today), Grants: []*ConsentGrant{},
		Key: c.ID, IndividualKey: c.IndividualID, RequestedByKey: c.RequestedByOrgID,
	}
	for _, g := range c.Grants {
		out.Grants = append(out.Grants, &ConsentGrant{Classes: g.Classes, OrgKey: g.OrgID, UnitKey: g.UnitID})
	}
	return out
}

// CaseLead is the GraphQL CaseLead.
type CaseLead struct {
	UserID *string
	Name   *string

	UnitKey uuid.UUID
}

// Case is the GraphQL Case.
type Case struct {
	ID                 string
	Lead               *CaseLead
	Sgi                *cases.SGI
	OnForsorjningsstod *bool
	HealthObstacle     *bool
	CareContact        *bool
	AfStatus           *cases.AFStatus
	State              string
	OpenedAt           time.Time

	Key           uuid.UUID
	IndividualKey uuid.UUID
	OrgKey        uuid.UUID
	UnitKey       uuid.UUID
	FederationKey uuid.UUID
	RoutineKey    uuid.UUID
}

// IsNode marks Case as a Node.
func (Case) IsNode() {}

// GetID returns the global id.
func (c Case) GetID() string { return c.ID }

// FromCase converts a domain case.
func FromCase(c cases.Case) *Case {
	return &Case{
		ID: relay.ID(relay.TypeCase, c.ID), Lead: &CaseLead{UserID: c.LeadUserID, Name: c.LeadName, UnitKey: c.LeadUnitID},
		Sgi: c.SGI, OnForsorjningsstod: c.OnForsorjningsstod, HealthObstacle: c.HealthObstacle, CareContact: c.CareContact,
		AfStatus: c.AFStatus, State: c.State, OpenedAt: c.OpenedAt,
		Key: c.ID, IndividualKey: c.IndividualID, OrgKey: c.OrgID, UnitKey: c.UnitID, FederationKey: c.FederationID, RoutineKey: c.RoutineID,
	}
}

// CaseConnection is a page of cases.
type CaseConnection struct {
	Edges    []*CaseEdge
	Nodes    []*Case
	PageInfo *PageInfo

	Filter cases.Filter
}

// NewCaseConnection builds a connection from a page.
func NewCaseConnection(p page.Result[cases.Case], f cases.Filter) *CaseConnection {
	c := &CaseConnection{Filter: f}
	c.Edges, c.Nodes, c.PageInfo = connect(p, FromCase, cases.Key,
		func(cursor string, n *Case) *CaseEdge { return &CaseEdge{Cursor: cursor, Node: n} })
	return c
}

// CaseParticipant is the GraphQL CaseParticipant.
type CaseParticipant struct {
	AddedAt time.Time

	OrgKey  uuid.UUID
	UnitKey *uuid.UUID
}

// FromParticipant converts a domain participant.
func FromParticipant(p cases.Participant) *CaseParticipant {
	return &CaseParticipant{AddedAt: p.AddedAt, OrgKey: p.OrgID, UnitKey: p.UnitID}
}

// CaseItem is the GraphQL CaseItem.
type CaseItem struct {
	ID         string
	Class      consent.Class
	Purpose    consent.Purpose
	Summary    string
	RecordedAt time.Time
	RecordedBy string

	OrgKey uuid.UUID
}

// IsNode marks CaseItem as a Node.
func (CaseItem) IsNode() {}

// GetID returns the global id.
func (c CaseItem) GetID() string { return c.ID }

// FromItem converts a domain item.
func FromItem(it cases.Item) *CaseItem {
	return &CaseItem{
		ID: relay.ID(relay.TypeCaseItem, it.ID), Class: it.Class, Purpose: it.Purpose, Summary: it.Summary,
		RecordedAt: it.RecordedAt, RecordedBy: it.RecordedBy, OrgKey: it.OrgID,
	}
}

// AccessLogEntry is the GraphQL AccessLogEntry.
type AccessLogEntry struct {
	At        time.Time
	UserID    string
	Roles     []string
	Purpose   *consent.Purpose
	Operation string
	Action    string
	ObjectID  string
	ConsentID *string
	AuditLane int
	AuditSeq  int

	OrgKey  uuid.UUID
	UnitKey *uuid.UUID
}

// FromAccessEntry converts a loggutdrag row.
func FromAccessEntry(e audit.AccessEntry) *AccessLogEntry {
	out := &AccessLogEntry{
		At: e.At, UserID: e.UserID, Roles: nonNil(e.Roles), Operation: e.Operation, Action: e.Action,
		ObjectID: e.ObjectID, AuditLane: e.AuditLane, AuditSeq: int(e.AuditSeq), OrgKey: e.ActorOrgID, UnitKey: e.ActorUnitID,
	}
	if e.Purpose != nil {
		p := consent.Purpose(*e.Purpose)
		out.Purpose = &p
	}
	if e.ConsentID != nil {
		id := relay.ID(relay.TypeConsent, *e.ConsentID)
		out.ConsentID = &id
	}
	return out
}

// AccessLogConnection is a page of the loggutdrag.
type AccessLogConnection struct {
	Edges    []*AccessLogEdge
	Nodes    []*AccessLogEntry
	PageInfo *PageInfo

	IndividualKey uuid.UUID
}

// NewAccessLogConnection builds a connection from a page.
func NewAccessLogConnection(p page.Result[audit.AccessEntry], individual uuid.UUID) *AccessLogConnection {
	c := &AccessLogConnection{IndividualKey: individual}
	c.Edges, c.Nodes, c.PageInfo = connect(p, FromAccessEntry, audit.AccessKey,
		func(cursor string, n *AccessLogEntry) *AccessLogEdge { return &AccessLogEdge{Cursor: cursor, Node: n} })
	return c
}
