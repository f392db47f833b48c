// Package consent keeps samtycken and is the one place where the sharing
// rule lives (DESIGN §7). A principal of another organisation sees an
// individual, a case and each information class of it only while an
// active samtycke names their organisation (or unit), the purpose the
// request declared, and that class.
//
// The rule itself is the database view consent_grants_in_force (migration
// 011). This package renders it as SQL predicates for the other domain
// packages, so that single objects, lists and counts are all filtered
// inside Postgres, in the request's transaction, and row-level security
// applies the same view again underneath.
package consent

import (
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/tenancy"
)

// Kind is the legal kind of a samtycke. The three are not interchangeable.
type Kind string

// The kinds.
const (
	// OSL governs sharing between agencies (a secrecy waiver, OSL 12 kap. 2 §).
	OSL Kind = "OSL_SEKRETESSBRYTANDE"
	// PDL governs VARD_* information between care providers.
	PDL Kind = "PDL_SAMMANHALLEN_JOURNALFORING"
	// Uppfoljning only allows the person to be counted by name in follow-up;
	// it shares nothing.
	Uppfoljning Kind = "UPPFOLJNING"
)

// Kinds lists every kind.
var Kinds = []Kind{OSL, PDL, Uppfoljning}

// Purpose is what a request, and a samtycke, is for.
type Purpose string

// The purposes.
const (
	SamordnadRehabilitering          Purpose = "SAMORDNAD_REHABILITERING"
	SIP                              Purpose = "SIP"
	GemensamKartlaggning             Purpose = "GEMENSAM_KARTLAGGNING"
	AnsokanErsattning                Purpose = "ANSOKAN_ERSATTNING"
	ArbetslivsinriktadRehabilitering Purpose = "ARBETSLIVSINRIKTAD_REHABILITERING"
	PurposeUppfoljning               Purpose = "UPPFOLJNING"
)

// Purposes lists every purpose.
var Purposes = []Purpose{SamordnadRehabilitering, SIP, GemensamKartlaggning, AnsokanErsattning, ArbetslivsinriktadRehabilitering, PurposeUppfoljning}

// Class is an information class: whose information, of what kind.
type Class string

// The classes; the prefix names the party the information comes from.
const (
	KommunEkonomisktBistand Class = "KOMMUN_EKONOMISKT_BISTAND"
	KommunPlanering         Class = "KOMMUN_PLANERING"
	FKBeslut                Class = "FK_BESLUT"
	FKSamordning            Class = "FK_SAMORDNING"
	AFInskrivningsstatus    Class = "AF_INSKRIVNINGSSTATUS"
	AFInsatser              Class = "AF_INSATSER"
	VardSjukskrivning       Class = "VARD_SJUKSKRIVNING"
	VardMedicinsktUnderlag  Class = "VARD_MEDICINSKT_UNDERLAG"
	VardRehabilitering      Class = "VARD_REHABILITERING"
)

// Classes lists every class.
var Classes = []Class{KommunEkonomisktBistand, KommunPlanering, FKBeslut, FKSamordning, AFInskrivningsstatus, AFInsatser, VardSjukskrivning, VardMedicinsktUnderlag, VardRehabilitering}

// Source is the kind of organisation whose information a class holds: only
// such an organisation writes items of the class.
func (c Class) Source() tenancy.OrganizationKind {
	switch {
	case strings.HasPrefix(string(c), "KOMMUN_"):
		return tenancy.Kommun
	case strings.HasPrefix(string(c), "FK_"):
		return tenancy.FK
	case strings.HasPrefix(string(c), "AF_"):
		return tenancy.AF
	default:
		return tenancy.Region
	}
}

// JoinClasses lists classes in prose: "FK_BESLUT, FK_SAMORDNING".
func JoinClasses(cs []Class) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = string(c)
	}
	return strings.Join(s, ", ")
}

// ClassesOf lists the classes an organisation of kind k writes.
func ClassesOf(k tenancy.OrganizationKind) []Class {
	var out []Class
	for _, c := range Classes {
		if c.Source() == k {
			out = append(out, c)
		}
	}
	return out
}

// Giver says who gave the samtycke.
type Giver string

// Givers.
const (
	GivenByPerson              Giver = "PERSON"
	GivenByLegalRepresentative Giver = "LEGAL_REPRESENTATIVE"
)

// Evidence says how the samtycke was given.
type Evidence string

// Evidence kinds.
const (
	Written Evidence = "WRITTEN"
	Oral    Evidence = "ORAL"
)

// Status is where a samtycke stands today.
type Status string

// Statuses.
const (
	Active      Status = "ACTIVE"
	NotYetValid Status = "NOT_YET_VALID"
	Expired     Status = "EXPIRED"
	Revoked     Status = "REVOKED"
)

// Grant is what one grantee may receive.
type Grant struct {
	OrgID   uuid.UUID
	UnitID  *uuid.UUID
	Classes []Class
}

// Consent is one recorded samtycke.
type Consent struct {
	ID                 uuid.UUID  `db:"id"`
	OrgID              uuid.UUID  `db:"org_id"`
	IndividualID       uuid.UUID  `db:"individual_id"`
	Kind               Kind       `db:"kind"`
	Purposes           []Purpose  `db:"purposes"`
	GivenBy            Giver      `db:"given_by"`
	RepresentativeName *string    `db:"representative_name"`
	ValidFrom          time.Time  `db:"valid_from"`
	ValidUntil         time.Time  `db:"valid_until"`
	Evidence           Evidence   `db:"evidence"`
	FormReference      *string    `db:"form_reference"`
	WitnessedBy        *string    `db:"witnessed_by"`
	RequestedByOrgID   uuid.UUID  `db:"requested_by_org_id"`
	RegisteredAt       time.Time  `db:"registered_at"`
	RegisteredBy       string     `db:"registered_by"`
	RegisteredByName   string     `db:"registered_by_name"`
	RevokedAt          *time.Time `db:"revoked_at"`
	RevokedBy          *string    `db:"revoked_by"`
	RevocationReason   *string    `db:"revocation_reason"`
	Grants             []Grant    `db:"-"`
}

// StatusOn says where the samtycke stands on a given Swedish calendar day.
func (c Consent) StatusOn(today time.Time) Status {
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch {
	case c.RevokedAt != nil:
		return Revoked
	case day.Before(c.ValidFrom):
		return NotYetValid
	case day.After(c.ValidUntil):
		return Expired
	}
	return Active
}
