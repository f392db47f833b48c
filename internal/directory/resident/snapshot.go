package resident

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// snapshot is the whole directory at one version, as every organisation
// may see it (PUBLIC and FEDERATION rows), with the catalogue an answer
// names (organisations, units, municipalities, förbund and their members).
// It is never modified after it is loaded, except for its overlays, which
// are added as organisations ask.
type snapshot struct {
	version  int64
	loadedAt time.Time

	entries  map[uuid.UUID]*directory.Entry
	channels map[uuid.UUID][]channel // by entry, in order
	ways     map[string][]way        // by key (TOPIC:kommunkod, TOPIC:*), in answer order

	organizations  map[uuid.UUID]tenancy.Organization
	units          map[uuid.UUID]tenancy.Unit
	municipalities map[string]bool
	federationOrg  map[uuid.UUID]uuid.UUID // förbund id → its own organisation
	federationOf   map[uuid.UUID]uuid.UUID // a förbund's organisation → förbund id
	membersOf      map[uuid.UUID][]membership
	membershipsOf  map[uuid.UUID][]membership // by member organisation

	overlayMu sync.Mutex
	overlays  map[uuid.UUID]*overlay // by organisation; nil while being read
	// overlayFailed is when an organisation's overlay last failed to load.
	overlayFailed map[uuid.UUID]time.Time

	peers sync.Map // peersKey → map[uuid.UUID]bool, computed once per viewer and day
}

type peersKey struct {
	viewer uuid.UUID
	day    time.Time
}

// way is one row of the ranking: an entry that answers a key, at a level.
type way struct {
	entry      *directory.Entry
	orgKind    string
	visibility directory.Visibility
	level      int16
}

// channel is a contact channel with what ordering and visibility need.
type channel struct {
	directory.Channel
	orgID    uuid.UUID
	position int32
}

type membership struct {
	federation uuid.UUID
	member     uuid.UUID
	validFrom  time.Time
	validTo    *time.Time
}

func (m membership) activeOn(day time.Time) bool {
	return !day.Before(m.validFrom) && (m.validTo == nil || day.Before(*m.validTo))
}

// overlay is one organisation's internal (ORGANISATION) part of the
// directory, read in a transaction of that organisation at the snapshot's
// version: shown to that organisation only.
type overlay struct {
	entries  map[uuid.UUID]*directory.Entry
	channels map[uuid.UUID][]channel
	ways     map[string][]ownWay
}

// ownWay is a way of an internal entry and where it goes in the shared
// list of its key: before the shared way at index sharedBefore.
type ownWay struct {
	way
	sharedBefore int
}

// View is what one organisation sees of the resident directory on one
// day. Its answers are shared with other requests: callers must not
// modify them.
type View struct {
	s      *snapshot
	own    *overlay
	viewer uuid.UUID
	peers  map[uuid.UUID]bool // organisations whose FEDERATION rows it sees (shared: read only)
}

func (s *snapshot) viewFor(viewer uuid.UUID, own *overlay, day time.Time) *View {
	key := peersKey{viewer, day}
	peers, ok := s.peers.Load(key)
	if !ok {
		peers, _ = s.peers.LoadOrStore(key, s.peersOf(viewer, day))
	}
	return &View{s: s, own: own, viewer: viewer, peers: peers.(map[uuid.UUID]bool)}
}

// peersOf is the directory's visibility rule for FEDERATION rows, as the
// SQL fragment peers states it: the fellow members of every förbund the
// viewer is a member of on day, those förbund themselves, and, when the
// viewer is a förbund, its own members.
func (s *snapshot) peersOf(viewer uuid.UUID, day time.Time) map[uuid.UUID]bool {
	peers := map[uuid.UUID]bool{}
	for _, m := range s.membershipsOf[viewer] {
		if !m.activeOn(day) {
			continue
		}
		peers[s.federationOrg[m.federation]] = true
		for _, y := range s.membersOf[m.federation] {
			if y.activeOn(day) {
				peers[y.member] = true
			}
		}
	}
	if fed, ok := s.federationOf[viewer]; ok {
		for _, y := range s.membersOf[fed] {
			if y.activeOn(day) {
				peers[y.member] = true
			}
		}
	}
	return peers
}

// sees is the one visibility rule over a row of organisation org.
func (v *View) sees(vis directory.Visibility, org uuid.UUID) bool {
	return vis == directory.Public || org == v.viewer || (vis == directory.Federation && v.peers[org])
}

// entry returns the live entry id if the viewer may see it.
func (v *View) entry(id uuid.UUID) (*directory.Entry, bool) {
	if e, ok := v.s.entries[id]; ok && v.sees(e.Visibility, e.OrgID) {
		return e, true
	}
	if v.own != nil {
		if e, ok := v.own.entries[id]; ok {
			return e, true
		}
	}
	return nil, false
}

// WaysIn answers directory.WaysIn from memory: the first `first` ways the
// viewer may see for the key, best first; then, for a municipality that
// exists, the national ones that do not name it.
func (v *View) WaysIn(topic directory.Topic, municipality string, kind *string, first int) []directory.WayIn {
	out := make([]directory.WayIn, 0, min(first, 32))
	take := func(w way, national bool) bool {
		if kind != nil && w.orgKind != *kind {
			return false
		}
		if !v.sees(w.visibility, w.entry.OrgID) {
			return false
		}
		if national && slices.Contains(w.entry.MunicipalityCodes, municipality) {
			return false // answered as a local way
		}
		out = append(out, directory.WayIn{Entry: *w.entry, Match: matchOf(w.level)})
		return len(out) == first
	}
	if v.walk(string(topic)+":"+municipality, false, take) {
		return out
	}
	if v.s.municipalities[municipality] {
		v.walk(string(topic)+":*", true, take)
	}
	return out
}

// walk calls take with the key's ways in answer order, the viewer's own
// internal ways merged into the shared ones where the database ranks them,
// until take says it has enough (then walk reports true).
func (v *View) walk(key string, national bool, take func(way, bool) bool) bool {
	shared := v.s.ways[key]
	var own []ownWay
	if v.own != nil {
		own = v.own.ways[key]
	}
	j := 0
	for i := 0; i <= len(shared); i++ {
		for ; j < len(own) && own[j].sharedBefore <= i; j++ {
			if take(own[j].way, national) {
				return true
			}
		}
		if i < len(shared) && take(shared[i], national) {
			return true
		}
	}
	return false
}

func matchOf(level int16) directory.MatchLevel {
	switch level {
	case 1:
		return directory.Municipal
	case 2:
		return directory.Regional
	default:
		return directory.National
	}
}

// Channels returns the channels of the entry that the viewer may see, in
// the owner's order.
func (v *View) Channels(entryID uuid.UUID) []directory.Channel {
	shared := v.s.channels[entryID]
	var own []channel
	if v.own != nil {
		own = v.own.channels[entryID]
	}
	out := make([]directory.Channel, 0, len(shared)+len(own))
	if len(own) == 0 {
		for _, c := range shared {
			if v.sees(c.Visibility, c.orgID) {
				out = append(out, c.Channel)
			}
		}
		return out
	}
	all := make([]channel, 0, len(shared)+len(own))
	for _, c := range shared {
		if v.sees(c.Visibility, c.orgID) {
			all = append(all, c)
		}
	}
	all = append(all, own...)
	slices.SortFunc(all, func(a, b channel) int {
		return cmp.Or(cmp.Compare(a.position, b.position), slices.Compare(a.ID[:], b.ID[:]))
	})
	for _, c := range all {
		out = append(out, c.Channel)
	}
	return out
}

// FallbackChain follows the entry's fallbacks as far as the viewer may see
// them: at most max entries, stopping at a loop.
func (v *View) FallbackChain(start *directory.Entry, max int) []directory.Entry {
	chain := []directory.Entry{}
	seen := map[uuid.UUID]bool{start.ID: true}
	next := start.FallbackEntryID
	for len(chain) < max && next != nil && !seen[*next] {
		e, ok := v.entry(*next)
		if !ok {
			break
		}
		seen[e.ID] = true
		chain = append(chain, *e)
		next = e.FallbackEntryID
	}
	return chain
}

// Organization returns an organisation of the catalogue.
func (v *View) Organization(id uuid.UUID) (tenancy.Organization, bool) {
	o, ok := v.s.organizations[id]
	return o, ok
}

// Unit returns a unit of the catalogue.
func (v *View) Unit(id uuid.UUID) (tenancy.Unit, bool) {
	u, ok := v.s.units[id]
	return u, ok
}

// MunicipalityExists reports whether code is a kommunkod of the catalogue.
func (v *View) MunicipalityExists(code string) bool { return v.s.municipalities[code] }

// Version is the directory's version the view shows.
func (v *View) Version() int64 { return v.s.version }
