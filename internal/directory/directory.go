// Package directory is "en väg in": a contact directory organised by
// function. It answers "whom do I contact about topic T for a person living
// in municipality M" with the functions of FK, AF, the region and the
// kommuner that handle T there, best match first, each with its channels,
// whether it is open now, and a fallback for when it does not answer.
package directory

import (
	"time"

	"github.com/google/uuid"
)

// Topic is what one seeks a way in for (DESIGN.md §5).
type Topic string

// Topics lists every topic.
var Topics = []Topic{
	"SAMORDNAD_REHABILITERING", "SJUKERSATTNING", "AKTIVITETSERSATTNING",
	"ARBETSLIVSINRIKTAD_REHABILITERING", "AF_INSKRIVNING", "MEDICINSKT_UNDERLAG",
	"SJUKSKRIVNING", "SIP", "GEMENSAM_KARTLAGGNING", "EKONOMISKT_BISTAND",
	"PSYKIATRI", "SAMTYCKE_BLANKETT", "FORBUNDETS_INSATSER",
}

// Visibility says who may see an entry or a channel.
type Visibility string

// Visibilities.
const (
	Public       Visibility = "PUBLIC"
	Federation   Visibility = "FEDERATION"
	Organisation Visibility = "ORGANISATION"
)

// visibilityRank orders visibilities from narrowest to widest.
var visibilityRank = map[Visibility]int{Organisation: 0, Federation: 1, Public: 2}

// Wider reports whether v shows an entry or channel to more viewers than o:
// PUBLIC is wider than FEDERATION, which is wider than ORGANISATION.
func (v Visibility) Wider(o Visibility) bool { return visibilityRank[v] > visibilityRank[o] }

// ChannelKind is how one reaches a function.
type ChannelKind string

// Channel kinds.
const (
	Phone             ChannelKind = "PHONE"
	Funktionsbrevlada ChannelKind = "FUNKTIONSBREVLADA"
	SecureMessage     ChannelKind = "SECURE_MESSAGE"
	VisitingAddress   ChannelKind = "VISITING_ADDRESS"
	OnSite            ChannelKind = "ON_SITE"
)

// MatchLevel says how closely an entry's coverage fits the municipality
// asked about; ways in are ordered by it.
type MatchLevel string

// Match levels, best first.
const (
	Municipal MatchLevel = "MUNICIPAL" // names the municipality, not its whole county
	Regional  MatchLevel = "REGIONAL"  // covers the municipality's whole county
	National  MatchLevel = "NATIONAL"  // serves the whole country
)

// StaleAfter is how long an entry may go unreviewed before it is flagged.
const StaleAfter = 180 * 24 * time.Hour

// Entry is a function in the directory.
type Entry struct {
	ID                uuid.UUID  `db:"id"`
	OrgID             uuid.UUID  `db:"org_id"`
	UnitID            *uuid.UUID `db:"unit_id"`
	FunctionName      string     `db:"function_name"`
	Description       string     `db:"description"`
	Topics            []string   `db:"topics"`
	LeadTopics        []string   `db:"lead_topics"`
	TargetGroups      []string   `db:"target_groups"`
	MunicipalityCodes []string   `db:"municipality_codes"`
	National          bool       `db:"national"`
	Visibility        Visibility `db:"visibility"`
	ExpectedAnswer    *string    `db:"expected_answer"`
	FallbackEntryID   *uuid.UUID `db:"fallback_entry_id"`
	StaffedByRoles    []string   `db:"staffed_by_roles"`
	ContactPersons    []string   `db:"contact_persons"`
	ReviewedAt        time.Time  `db:"reviewed_at"`
	ReviewedBy        string     `db:"reviewed_by"`
}

// Stale reports whether the entry has gone unreviewed for StaleAfter.
func (e Entry) Stale(now time.Time) bool { return now.Sub(e.ReviewedAt) > StaleAfter }

// WayIn is an entry that answers a waysIn question, with how well it
// matches.
type WayIn struct {
	Entry
	Match MatchLevel `db:"match_level"`
}

// Channel is one way to reach an entry.
type Channel struct {
	ID           uuid.UUID   `db:"id" json:"-"`
	EntryID      uuid.UUID   `db:"entry_id" json:"-"`
	Kind         ChannelKind `db:"kind" json:"kind"`
	Value        string      `db:"value" json:"value"`
	Note         string      `db:"note" json:"-"`
	OpeningHours []Hours     `db:"opening_hours" json:"opening_hours"`
	Visibility   Visibility  `db:"visibility" json:"-"`
}

// Hours is a weekly opening interval: Day 1 is Monday, From and To are
// "HH:MM" in Swedish time.
type Hours struct {
	Day  int    `json:"day"`
	From string `json:"from"`
	To   string `json:"to"`
}

var stockholm = mustLoad("Europe/Stockholm")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// OpenAt reports whether a channel with hours is open at t; a channel
// without hours (a mailbox, an address) has no opening state (nil).
func OpenAt(hours []Hours, t time.Time) *bool {
	if len(hours) == 0 {
		return nil
	}
	local := t.In(stockholm)
	day := int(local.Weekday())
	if day == 0 {
		day = 7
	}
	now := local.Format("15:04")
	open := false
	for _, h := range hours {
		if h.Day == day && h.From <= now && now < h.To {
			open = true
			break
		}
	}
	return &open
}
