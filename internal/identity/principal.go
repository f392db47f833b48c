// Package identity turns a bearer token into a Principal: the person, the
// organisation and unit they act for, and their roles. Tokens are verified
// with go-oidc against the issuers each organisation registered; no claim
// about organisation membership is trusted unless that organisation's own
// registered issuer signed it.
package identity

import (
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/tenancy"
)

// Role is what a person may act as within their organisation.
type Role string

// The roles of the hub.
const (
	Socialsekreterare       Role = "SOCIALSEKRETERARE"
	ForsteSocialsekreterare Role = "FORSTE_SOCIALSEKRETERARE"
	Samverkanskoordinator   Role = "SAMVERKANSKOORDINATOR"
	PersonligHandlaggare    Role = "PERSONLIG_HANDLAGGARE"
	Teamkoordinator         Role = "TEAMKOORDINATOR"
	AFHandlaggare           Role = "AF_HANDLAGGARE"
	Rehabkoordinator        Role = "REHABKOORDINATOR"
	Forbundsadministrator   Role = "FORBUNDSADMINISTRATOR"
	OrgAdmin                Role = "ORG_ADMIN"
	Loggranskare            Role = "LOGGRANSKARE"
)

// Roles lists every role.
var Roles = []Role{
	Socialsekreterare, ForsteSocialsekreterare, Samverkanskoordinator, PersonligHandlaggare,
	Teamkoordinator, AFHandlaggare, Rehabkoordinator, Forbundsadministrator, OrgAdmin, Loggranskare,
}

// rolesByKind says which roles an organisation of each kind grants: an FK
// token cannot make its bearer a socialsekreterare.
var rolesByKind = map[tenancy.OrganizationKind][]Role{
	tenancy.Kommun:             {Socialsekreterare, ForsteSocialsekreterare, Samverkanskoordinator, OrgAdmin, Loggranskare},
	tenancy.FK:                 {PersonligHandlaggare, Teamkoordinator, OrgAdmin, Loggranskare},
	tenancy.AF:                 {AFHandlaggare, OrgAdmin, Loggranskare},
	tenancy.Region:             {Rehabkoordinator, OrgAdmin, Loggranskare},
	tenancy.Samordningsforbund: {Forbundsadministrator, Samverkanskoordinator, OrgAdmin, Loggranskare},
}

// KnownRole reports whether r is a role of the hub.
func KnownRole(r Role) bool { return slices.Contains(Roles, r) }

// Grants reports whether organisations of kind k grant role r.
func Grants(k tenancy.OrganizationKind, r Role) bool { return slices.Contains(rolesByKind[k], r) }

// RolesGrantedBy lists the roles organisations of kind k grant.
func RolesGrantedBy(k tenancy.OrganizationKind) []Role { return slices.Clone(rolesByKind[k]) }

// Principal is a verified person acting for one organisation.
type Principal struct {
	OrgID       uuid.UUID
	OrgKind     tenancy.OrganizationKind
	UnitID      *uuid.UUID
	UserID      string // the issuer's stable user id (sub or mapped claim)
	DisplayName string
	Roles       []Role
	Issuer      string
	ClientID    string // the client the token was issued to (azp), if any
	// Expiry is when the token that identified the principal expires: a
	// long-lived connection (a WebSocket) must end then.
	Expiry time.Time
}

// Has reports whether the principal holds role r.
func (p *Principal) Has(r Role) bool { return slices.Contains(p.Roles, r) }

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the request's principal, or nil.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
