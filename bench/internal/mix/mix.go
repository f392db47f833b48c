// Package mix is the realistic question mix the load generators under
// bench/ share (issue 16, docs/benchmarks.md): the demo users of several
// organisations with the purposes their roles act under, the 13 topics
// weighted as a UI plausibly asks them, the municipalities of the data set
// (read from its database), the page sizes and filters a UI sends, and
// weighted choice from one seeded random stream, so that a run is
// reproducible from its -seed.
package mix

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/bench/internal/load"
	"github.com/samverkanshub/hub/internal/demo"
)

// Weighted is a choice and its weight (relative, not necessarily percent).
type Weighted[T any] struct {
	Value  T
	Weight int
}

// User is a demo user (internal/demo/users.go) as the mix sends it.
type User struct {
	Login string
	// OrgKey and UnitKey name its organisation and unit in internal/demo
	// (demo.ID("org/"+OrgKey)).
	OrgKey, UnitKey string
	Roles           []string
	// Purposes are those its roles may declare (policy/policy.csv), most
	// frequent first; empty for roles that act under none.
	Purposes []Weighted[string]
}

// OrgID is the user's organisation's id.
func (u User) OrgID() uuid.UUID { return demo.ID("org/" + u.OrgKey) }

// UnitID is the user's unit's id.
func (u User) UnitID() uuid.UUID { return demo.ID("unit/" + u.OrgKey + "/" + u.UnitKey) }

// Users are the 8 demo users of 6 organisations, weighted by how much a
// person of each kind plausibly uses the hub in a day: case workers most,
// the förbund's administrator and the log reviewer least.
var Users = []Weighted[User]{
	{User{"soc.karlstad", "karlstad", "eb", []string{"SOCIALSEKRETERARE"}, kommunPurposes}, 20},
	{User{"koord.karlstad", "karlstad", "samverkan", []string{"SAMVERKANSKOORDINATOR"}, kommunPurposes}, 10},
	{User{"ph.fk", "fk", "karlstad", []string{"PERSONLIG_HANDLAGGARE"},
		[]Weighted[string]{{"SAMORDNAD_REHABILITERING", 60}, {"GEMENSAM_KARTLAGGNING", 15}, {"SIP", 15}, {"ANSOKAN_ERSATTNING", 10}}}, 20},
	{User{"af.karlstad", "af", "karlstad", []string{"AF_HANDLAGGARE"},
		[]Weighted[string]{{"ARBETSLIVSINRIKTAD_REHABILITERING", 50}, {"SAMORDNAD_REHABILITERING", 25}, {"GEMENSAM_KARTLAGGNING", 15}, {"SIP", 10}}}, 15},
	{User{"rehab.vc", "region-varmland", "vc-gripen", []string{"REHABKOORDINATOR"},
		[]Weighted[string]{{"SAMORDNAD_REHABILITERING", 75}, {"SIP", 25}}}, 15},
	{User{"admin.samspelet", "samspelet", "kansli", []string{"FORBUNDSADMINISTRATOR", "ORG_ADMIN"},
		[]Weighted[string]{{"UPPFOLJNING", 100}}}, 5},
	{User{"soc.eksjo", "eksjo", "eb", []string{"SOCIALSEKRETERARE"}, kommunPurposes}, 10},
	{User{"logg.karlstad", "karlstad", "amf", []string{"LOGGRANSKARE"}, nil}, 5},
}

// CaseWorkers are the users who list cases: those whose roles work cases
// under a purpose.
var CaseWorkers = []string{"soc.karlstad", "koord.karlstad", "ph.fk", "af.karlstad", "rehab.vc", "soc.eksjo"}

var kommunPurposes = []Weighted[string]{{"SAMORDNAD_REHABILITERING", 50}, {"SIP", 20}, {"GEMENSAM_KARTLAGGNING", 10},
	{"ARBETSLIVSINRIKTAD_REHABILITERING", 10}, {"ANSOKAN_ERSATTNING", 5}, {"UPPFOLJNING", 5}}

// Topics are the 13 topics, weighted as a UI plausibly asks them: the
// everyday questions of sick leave, rehabilitation, ekonomiskt bistånd and
// AF first, the förbund's own insatser and the consent forms last.
var Topics = []Weighted[string]{
	{"SAMORDNAD_REHABILITERING", 16}, {"SJUKSKRIVNING", 12}, {"EKONOMISKT_BISTAND", 12}, {"AF_INSKRIVNING", 10},
	{"ARBETSLIVSINRIKTAD_REHABILITERING", 9}, {"MEDICINSKT_UNDERLAG", 8}, {"SIP", 8}, {"PSYKIATRI", 7},
	{"GEMENSAM_KARTLAGGNING", 6}, {"SJUKERSATTNING", 4}, {"AKTIVITETSERSATTNING", 3}, {"SAMTYCKE_BLANKETT", 3},
	{"FORBUNDETS_INSATSER", 2},
}

// TopicWords are the words a person types for each topic (directorySearch).
var TopicWords = map[string][]string{
	"SAMORDNAD_REHABILITERING":          {"samordnad rehabilitering", "rehabkoordinator", "rehabilitering"},
	"SJUKSKRIVNING":                     {"sjukskrivning", "sjukpenning"},
	"EKONOMISKT_BISTAND":                {"ekonomiskt bistånd", "försörjningsstöd"},
	"AF_INSKRIVNING":                    {"inskrivning", "arbetsförmedlingen"},
	"ARBETSLIVSINRIKTAD_REHABILITERING": {"arbetslivsinriktad rehabilitering", "arbetsträning"},
	"MEDICINSKT_UNDERLAG":               {"medicinskt underlag", "läkarintyg"},
	"SIP":                               {"SIP", "samordnad individuell plan"},
	"PSYKIATRI":                         {"psykiatri", "psykiatrisk mottagning"},
	"GEMENSAM_KARTLAGGNING":             {"gemensam kartläggning", "kartläggning"},
	"SJUKERSATTNING":                    {"sjukersättning"},
	"AKTIVITETSERSATTNING":              {"aktivitetsersättning"},
	"SAMTYCKE_BLANKETT":                 {"samtycke", "samtyckesblankett"},
	"FORBUNDETS_INSATSER":               {"samordningsförbund", "insatser"},
}

// WaysInPages are the page sizes a UI asks waysIn for: 10 most often.
var WaysInPages = []Weighted[int]{{5, 30}, {10, 45}, {20, 25}}

// ListPages are the page sizes of a UI's lists (directorySearch, cases).
var ListPages = []Weighted[int]{{10, 30}, {20, 50}, {50, 20}}

// OrganizationKinds are the organisation kinds a UI's filter offers.
var OrganizationKinds = []string{"KOMMUN", "FK", "AF", "REGION"}

// Municipality is one kommun of the data set.
type Municipality struct{ Code, Name string }

// Mix is the seeded random stream and the data drawn from it. Safe for
// concurrent use.
type Mix struct {
	Seed           uint64
	Municipalities []Municipality
	// Tokens are the users' access tokens from the dev identity provider.
	Tokens map[string]string

	mu  sync.Mutex
	rng *rand.Rand
}

// New is a mix of seed over the municipalities, with no tokens yet.
func New(seed uint64, munis []Municipality) *Mix {
	return &Mix{Seed: seed, Municipalities: munis, Tokens: map[string]string{}, rng: rand.New(rand.NewPCG(seed, 0x16))}
}

// Load reads the municipalities from the data set's database (any role:
// the table has no row-level security) and gets a token of each user from
// the dev identity provider issuer.
func Load(ctx context.Context, client *http.Client, issuer, databaseURL string, seed uint64) (*Mix, error) {
	munis, err := ReadMunicipalities(ctx, databaseURL)
	if err != nil {
		return nil, err
	}
	m := New(seed, munis)
	logins := make([]string, len(Users))
	for i, u := range Users {
		logins[i] = u.Value.Login
	}
	if m.Tokens, err = load.Tokens(client, issuer, logins...); err != nil {
		return nil, fmt.Errorf("%w (is -issuer the dev identity provider the hub trusts?)", err)
	}
	return m, nil
}

// ReadMunicipalities reads the data set's kommuner. The data has no
// population, so the mix draws them uniformly.
func ReadMunicipalities(ctx context.Context, databaseURL string) ([]Municipality, error) {
	if databaseURL == "" {
		return nil, fmt.Errorf("no database URL: the mix reads the municipalities from the data set (-database-url)")
	}
	conn, err := pgx.Connect(ctx, databaseURL)
	if err != nil {
		return nil, fmt.Errorf("read the municipalities: %w", err)
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, `SELECT code::text, name FROM municipalities ORDER BY code`)
	munis, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Municipality])
	if err != nil {
		return nil, fmt.Errorf("read the municipalities: %w", err)
	}
	if len(munis) == 0 {
		return nil, fmt.Errorf("the database has no municipalities: is the data set loaded?")
	}
	return munis, nil
}

// IntN is a number in [0, n) from the stream.
func (m *Mix) IntN(n int) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.rng.IntN(n)
}

// Percent is whether a draw falls in the first p percent.
func (m *Mix) Percent(p int) bool { return m.IntN(100) < p }

// Pick draws one of the choices by weight.
func Pick[T any](m *Mix, choices []Weighted[T]) T {
	total := 0
	for _, c := range choices {
		total += c.Weight
	}
	x := m.IntN(total)
	for _, c := range choices {
		if x < c.Weight {
			return c.Value
		}
		x -= c.Weight
	}
	return choices[len(choices)-1].Value
}

// OneOf draws one of xs uniformly.
func OneOf[T any](m *Mix, xs []T) T { return xs[m.IntN(len(xs))] }

// User draws a user.
func (m *Mix) User() User { return Pick(m, Users) }

// UserAmong draws a user among the logins, keeping their weights.
func (m *Mix) UserAmong(logins ...string) User {
	var in []Weighted[User]
	for _, u := range Users {
		for _, l := range logins {
			if u.Value.Login == l {
				in = append(in, u)
			}
		}
	}
	return Pick(m, in)
}

// Purpose draws a purpose the user acts under; "" for a user whose roles
// declare none.
func (m *Mix) Purpose(u User) string {
	if len(u.Purposes) == 0 {
		return ""
	}
	return Pick(m, u.Purposes)
}

// Topic draws a topic.
func (m *Mix) Topic() string { return Pick(m, Topics) }

// Municipality draws a municipality, uniformly.
func (m *Mix) Municipality() Municipality { return OneOf(m, m.Municipalities) }

// Request is a load.Request of the user with its token and a drawn purpose.
func (m *Mix) Request(u User, label string, body []byte) load.Request {
	return load.Request{User: u.Login, Token: m.Tokens[u.Login], Purpose: m.Purpose(u), Label: label, Body: body}
}

// Describe prints the mix's seed, users, topics and municipalities: what
// a reader needs to repeat the run.
func (m *Mix) Describe(w io.Writer) {
	fmt.Fprintf(w, "mix: seed %d\n", m.Seed)
	fmt.Fprintf(w, "  users (weight: purposes):")
	for _, u := range Users {
		var ps []string
		for _, p := range u.Value.Purposes {
			ps = append(ps, fmt.Sprintf("%s %d", p.Value, p.Weight))
		}
		if len(ps) == 0 {
			ps = []string{"none"}
		}
		fmt.Fprintf(w, "\n    %-16s %3d: %s", u.Value.Login, u.Weight, strings.Join(ps, ", "))
	}
	fmt.Fprintf(w, "\n  topics (weight):")
	for _, t := range Topics {
		fmt.Fprintf(w, " %s %d;", t.Value, t.Weight)
	}
	fmt.Fprintf(w, "\n  municipalities: %d of the data set, uniformly (it has no population)\n", len(m.Municipalities))
}
