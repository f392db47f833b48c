// Package tenancy owns the hub's tenants and how they hang together:
// organisations (kommuner, Försäkringskassan, Arbetsförmedlingen, regions,
// samordningsförbund), their units (enheter) in a tree, the municipalities
// they serve, and the federations (samordningsförbund) with their members and
// membership periods.
package tenancy

import (
	"regexp"
	"time"
	_ "time/tzdata" // Today needs Europe/Stockholm on machines without tzdata

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// OrganizationKind is what kind of public party an organisation is.
type OrganizationKind string

// The organisation kinds of DESIGN.md §4.
const (
	Kommun             OrganizationKind = "KOMMUN"
	FK                 OrganizationKind = "FK"
	AF                 OrganizationKind = "AF"
	Region             OrganizationKind = "REGION"
	Samordningsforbund OrganizationKind = "SAMORDNINGSFORBUND"
)

// OrganizationKinds lists every kind, in contract order.
var OrganizationKinds = []OrganizationKind{Kommun, FK, AF, Region, Samordningsforbund}

// UnitKind says what a unit does.
type UnitKind string

// The unit kinds.
const (
	UnitForvaltning       UnitKind = "FORVALTNING"        // an administration, usually a tree root
	UnitEkonomisktBistand UnitKind = "EKONOMISKT_BISTAND" // municipal income support
	UnitArbetsmarknad     UnitKind = "ARBETSMARKNAD"      // municipal labour-market unit
	UnitLokalkontor       UnitKind = "LOKALKONTOR"        // an FK or AF local office
	UnitVardcentral       UnitKind = "VARDCENTRAL"        // primary care centre
	UnitPsykiatri         UnitKind = "PSYKIATRI"          // psychiatric clinic
	UnitKansli            UnitKind = "KANSLI"             // a förbund's office
	UnitAnnan             UnitKind = "ANNAN"              // anything else
)

// Organization is a tenant: one public party.
type Organization struct {
	ID        uuid.UUID        `db:"id"`
	Kind      OrganizationKind `db:"kind"`
	Name      string           `db:"name"`
	OrgNumber string           `db:"org_number"`
	CreatedAt time.Time        `db:"created_at"`
}

// Unit is an enhet of an organisation.
type Unit struct {
	ID       uuid.UUID  `db:"id"`
	OrgID    uuid.UUID  `db:"org_id"`
	ParentID *uuid.UUID `db:"parent_id"`
	Kind     UnitKind   `db:"kind"`
	Name     string     `db:"name"`
}

// Municipality is a Swedish kommun identified by its SCB kommunkod.
type Municipality struct {
	Code       string `db:"code"`
	Name       string `db:"name"`
	CountyCode string `db:"county_code"`
	CountyName string `db:"county_name"`
}

// Federation is a samordningsförbund. OrgID is the förbund's own
// organisation (kind SAMORDNINGSFORBUND).
type Federation struct {
	ID        uuid.UUID `db:"id"`
	OrgID     uuid.UUID `db:"org_id"`
	Name      string    `db:"name"`
	CreatedAt time.Time `db:"created_at"`
}

// Membership is an organisation's membership of a federation over
// [ValidFrom, ValidTo); ValidTo nil means open-ended.
type Membership struct {
	ID           uuid.UUID  `db:"id"`
	FederationID uuid.UUID  `db:"federation_id"`
	MemberOrgID  uuid.UUID  `db:"member_org_id"`
	ValidFrom    time.Time  `db:"valid_from"`
	ValidTo      *time.Time `db:"valid_to"`
}

// ActiveOn reports whether the membership covers day d.
func (m Membership) ActiveOn(d time.Time) bool {
	return !d.Before(m.ValidFrom) && (m.ValidTo == nil || d.Before(*m.ValidTo))
}

var kommunkodPattern = regexp.MustCompile(`^[0-9]{4}$`)

// ValidateKommunkod checks the shape of an SCB kommunkod ("1780").
func ValidateKommunkod(code string) error {
	if !kommunkodPattern.MatchString(code) {
		return apperr.Invalidf("municipality code %q is not a four-digit SCB kommunkod (e.g. \"1780\" for Karlstad)", truncate(code, 20))
	}
	return nil
}

// ValidOrgNumber reports whether s is a Swedish organisationsnummer in the
// form NNNNNN-NNNN with a correct Luhn check digit.
func ValidOrgNumber(s string) bool {
	if len(s) != 11 || s[6] != '-' {
		return false
	}
	digits := s[:6] + s[7:]
	sum := 0
	for i := 0; i < 10; i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// stockholm is the time zone dates in the hub are counted in.
var stockholm = mustLoadLocation("Europe/Stockholm")

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err) // the binary embeds time/tzdata (cmd/hub), so this cannot fail
	}
	return loc
}

// Today returns the current calendar date in Sweden, as midnight UTC of that
// date (the representation Postgres date values scan into).
func Today() time.Time { return DayOf(time.Now()) }

// DayOf is the Swedish calendar day of t, as a date at midnight UTC (as
// SQL's hub_today() gives it for the transaction's time).
func DayOf(t time.Time) time.Time {
	y, m, d := t.In(stockholm).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// DayEnds is the moment the Swedish calendar day ends (day as DayOf
// gives it): midnight in Stockholm at the start of the next day. From then
// on DayOf is after day, as hub_today() is: a task due on day is overdue,
// a wait expected until day has ended.
func DayEnds(day time.Time) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, stockholm)
}

// FilterActive keeps the memberships in force on day.
func FilterActive(ms []Membership, day time.Time) []Membership {
	var out []Membership
	for _, m := range ms {
		if m.ActiveOn(day) {
			out = append(out, m)
		}
	}
	return out
}
