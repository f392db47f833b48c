package national

// The samtycke part of the national data set (issue 5, "Targets"):
// individuals of every kommun with sealed, Luhn-valid synthetic
// personnummer, their samverkansärenden, and samtycken with one grant row
// per grantee, as consent.Record writes them.
//
// Every row is a pure function of the seed, the anchor day and its own
// number: individual i draws from its own random stream, so a benchmark can
// ask Individual for the i-th person's number without the
// database, and the generator streams each table through COPY without
// holding more than one person's consents in memory.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/personnummer"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// maxNationalIndividuals bounds the population: the numbers must stay
// unique within the birth years and serials the generator uses.
const maxNationalIndividuals = 10_000_000

// Generated people are born 1961–2006 (of working age) with serials
// 000–899; the demo people use serials 98x, so no number collides.
var (
	birthFirst  = time.Date(1961, 1, 1, 0, 0, 0, 0, time.UTC)
	birthDays   = uint64(time.Date(2006, 12, 31, 0, 0, 0, 0, time.UTC).Sub(birthFirst).Hours()/24) + 1
	numberSpace = birthDays * serialsPerDay
)

const serialsPerDay = 900

// cet is the time of day generated events carry (synthetic data: no
// summer time).
var cet = time.FixedZone("CET", 3600)

// countyPopulation is each county's population in thousands (SCB, about
// 2024): individuals are spread over the counties in proportion.
var countyPopulation = map[string]float64{
	"01": 2454, "03": 404, "04": 301, "05": 471, "06": 370, "07": 204, "08": 246, "09": 61, "10": 157,
	"12": 1414, "13": 344, "14": 1751, "17": 283, "18": 307, "19": 280, "20": 288, "21": 287, "22": 243,
	"23": 132, "24": 275, "25": 248,
}

// countySeat is the largest municipality of a demo county; elsewhere the
// first synthetic one plays that part.
var countySeat = map[string]string{"17": "1780", "06": "0680"}

type handlaggare struct{ login, name string }

// nationalKommun is what the generator needs of one kommun: where its
// people and cases live and whom its samtycken name.
type nationalKommun struct {
	code, county  string
	weight        float64 // share of the national population
	org, eb       uuid.UUID
	leadUnits     []uuid.UUID // units that lead cases, ekonomiskt bistånd first
	federation    uuid.UUID   // the förbund whose routine its cases follow
	federationOrg uuid.UUID
	region        uuid.UUID
	fkOffice      uuid.UUID  // the county's Försäkringskassan office
	afOffice      *uuid.UUID // Arbetsförmedlingen's office serving the kommun (never nil)
	// afGrantOffice is the AF office a samtycke may name: the demo's, where
	// it has one. Samtycken named AF's offices before every kommun had one;
	// keeping them so keeps the population (and a data set loaded before)
	// the same.
	afGrantOffice *uuid.UUID
	vcs           []uuid.UUID
	staff         []handlaggare
}

// nationalFKOffice is the Försäkringskassan office of a county: the demo's
// for Värmland and Jönköpings län, a generated one elsewhere.
func nationalFKOffice(county string) uuid.UUID {
	switch county {
	case "17":
		return demo.ID("unit/fk/karlstad")
	case "06":
		return demo.ID("unit/fk/jonkoping")
	}
	return nationalID("fk-office/", county)
}

// nationalAFOffice is the Arbetsförmedlingen office serving a
// municipality: the demo's where one serves it (Karlstad for Värmland,
// Höglandet for its six kommuner), else its county's generated one.
func nationalAFOffice(county, code string) uuid.UUID {
	for _, o := range demo.Organizations() {
		if o.Key != "af" {
			continue
		}
		for _, u := range o.Units {
			if u.Kind == tenancy.UnitLokalkontor && slices.Contains(u.Municipalities, code) {
				return demo.ID("unit/af/" + u.Key)
			}
		}
	}
	return nationalID("af-office/", county)
}

// officeOf is the office of FK or AF (org) that serves the municipality
// code of county: where the routine sends that agency's kallelser and
// tasks about a person living there. ok is false for other organisations.
func officeOf(org uuid.UUID, county, code string) (office uuid.UUID, ok bool) {
	switch org {
	case demo.ID("org/fk"):
		return nationalFKOffice(county), true
	case demo.ID("org/af"):
		return nationalAFOffice(county, code), true
	}
	return uuid.UUID{}, false
}

func nationalRegion(county string) uuid.UUID {
	switch county {
	case "17":
		return demo.ID("org/region-varmland")
	case "06":
		return demo.ID("org/region-jonkoping")
	}
	return nationalID("region/", county)
}

// nationalKommuner describes every kommun of munis, in the same order.
func nationalKommuner(munis []muni, vcPerMuni int) []nationalKommun {
	demoOrg := map[string]demo.Organization{}
	demoVCs := map[string][]uuid.UUID{}
	// Arbetsförmedlingen's offices, by the municipalities they serve.
	var afOffices []demo.Unit
	for _, o := range demo.Organizations() {
		if o.Kind == tenancy.Kommun {
			demoOrg[o.Municipalities[0]] = o
		}
		for _, u := range o.Units {
			if u.Kind == tenancy.UnitVardcentral && len(u.Municipalities) == 1 {
				demoVCs[u.Municipalities[0]] = append(demoVCs[u.Municipalities[0]], demo.ID("unit/"+o.Key+"/"+u.Key))
			}
			if o.Key == "af" && u.Kind == tenancy.UnitLokalkontor {
				afOffices = append(afOffices, u)
			}
		}
	}
	demoFederation := map[string]demo.Federation{}
	for _, f := range demo.Federations() {
		for _, m := range f.Members {
			demoFederation[m] = f
		}
	}
	// Zipf within each county: the seat (the first municipality where the
	// demo names none) ranks first, the others follow in order.
	rank := make([]int, len(munis))
	ranked, harmonic := map[string]int{}, map[string]float64{}
	for i, m := range munis {
		seat, known := countySeat[m.county]
		if (known && seat == m.code) || (!known && ranked[m.county] == 0) {
			rank[i] = 1
			if !known {
				ranked[m.county]++
			}
		} else {
			ranked[m.county]++
			rank[i] = ranked[m.county] + 1
			if !known {
				rank[i]--
			}
		}
		harmonic[m.county] += 1 / float64(rank[i])
	}
	out := make([]nationalKommun, 0, len(munis))
	for _, m := range munis {
		k := nationalKommun{code: m.code, county: m.county, region: nationalRegion(m.county), fkOffice: nationalFKOffice(m.county),
			federation: nationalID("federation/", m.county), federationOrg: nationalID("forbund/", m.county)}
		if o, ok := demoOrg[m.code]; ok {
			k.org, k.eb = demo.ID("org/"+o.Key), demo.ID("unit/"+o.Key+"/eb")
			k.leadUnits = []uuid.UUID{k.eb}
			for _, u := range o.Units {
				if u.Kind == tenancy.UnitArbetsmarknad {
					k.leadUnits = append(k.leadUnits, demo.ID("unit/"+o.Key+"/"+u.Key))
				}
			}
			if f, ok := demoFederation[o.Key]; ok {
				k.federation, k.federationOrg = demo.ID("federation/"+f.Key), demo.ID("org/"+f.OrgKey)
			}
		} else {
			k.org, k.eb = nationalID("kommun/", m.code), nationalID("eb/", m.code)
			k.leadUnits = []uuid.UUID{k.eb}
		}
		k.vcs = append(k.vcs, demoVCs[m.code]...)
		for v := range vcPerMuni {
			k.vcs = append(k.vcs, nationalID("vc/", m.code, v))
		}
		for _, office := range afOffices {
			if slices.Contains(office.Municipalities, m.code) {
				u := demo.ID("unit/af/" + office.Key)
				k.afGrantOffice = &u
				break
			}
		}
		af := nationalAFOffice(m.county, m.code)
		k.afOffice = &af
		k.weight = countyPopulation[m.county] / harmonic[m.county] / float64(rank[len(out)])
		for n := range 6 {
			k.staff = append(k.staff, staffMember(m.code, n))
		}
		if m.code == "1780" {
			k.staff[0] = handlaggare{"soc.karlstad", "Sara Lindqvist"} // the demo user
		}
		out = append(out, k)
	}
	return out
}

func staffMember(code string, n int) handlaggare {
	h := 0
	for _, c := range code {
		h = h*31 + int(c)
	}
	h += n * 7919
	given := femaleNames
	if n%2 == 1 {
		given = maleNames
	}
	return handlaggare{fmt.Sprintf("hl%d.%s", n+1, code), given[h%len(given)] + " " + familyNames[(h/7)%len(familyNames)]}
}

var (
	femaleNames = []string{"Anna", "Eva", "Maria", "Karin", "Sara", "Emma", "Elin", "Johanna", "Linnéa", "Ida",
		"Malin", "Jenny", "Hanna", "Sofia", "Amanda", "Julia", "Fatima", "Amina", "Leila", "Nora", "Agnes", "Maja",
		"Lena", "Kristina", "Susanne", "Helena", "Camilla", "Therese", "Ebba", "Alva"}
	maleNames = []string{"Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Mikael", "Niklas", "Jonas", "Andreas",
		"Daniel", "Fredrik", "Marcus", "Oscar", "William", "Lucas", "Ahmed", "Mohammed", "Ali", "Hassan", "Omar",
		"Viktor", "Emil", "Filip", "Simon", "Mattias", "Peter", "Magnus", "Stefan", "Thomas"}
	familyNames = []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
		"Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson",
		"Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström", "Lindqvist", "Lindgren", "Berg", "Axelsson",
		"Bergström", "Lundberg", "Lind", "Lundgren", "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg",
		"Henriksson", "Ali", "Mohammed", "Ahmed", "Hassan", "Forsberg"}
	revocationReasons = []string{
		"Personen återkallade samtycket muntligen vid besök.",
		"Personen återkallade samtycket skriftligen.",
		"God man återkallade samtycket för huvudmannens räkning.",
		"Personen vill inte längre att Försäkringskassan får uppgifter; samtycket återkallat.",
	}
)

// Random streams: each generated object draws from its own, so that rows
// do not depend on what was generated before them.
const (
	streamPerson uint64 = iota + 1
	streamCase
	streamSlot
)

// population generates the samtycke data set.
type population struct {
	seed         uint64
	today        time.Time // the anchor day (midnight UTC of the Swedish date)
	kommuner     []nationalKommun
	cumulative   []float64
	numA, numB   uint64 // i → (birth day, serial): an affine bijection of numberSpace
	n            uint64 // individuals
	cases        int
	caseA, caseB uint64 // j → individual: an affine bijection of [0, n)
	handleKey    uint64
	personSrc    *rand.PCG
	personRng    *rand.Rand
	caseSrc      *rand.PCG
	caseRng      *rand.Rand
	slotSrc      *rand.PCG
	slotRng      *rand.Rand
}

func newPopulation(seed uint64, today time.Time, kommuner []nationalKommun, individuals, cases int) *population {
	p := &population{seed: seed, today: today, kommuner: kommuner, n: uint64(individuals), cases: cases}
	total := 0.0
	for _, k := range kommuner {
		total += k.weight
		p.cumulative = append(p.cumulative, total)
	}
	for i := range p.cumulative {
		p.cumulative[i] /= total
	}
	mix := rand.New(rand.NewPCG(seed, 0x6a09e667f3bcc909))
	p.numA, p.numB = coprime(mix.Uint64(), numberSpace), mix.Uint64()%numberSpace
	if p.n > 0 {
		p.caseA, p.caseB = coprime(mix.Uint64(), p.n), mix.Uint64()%p.n
	}
	p.handleKey = mix.Uint64()
	p.personSrc, p.caseSrc, p.slotSrc = rand.NewPCG(0, 0), rand.NewPCG(0, 0), rand.NewPCG(0, 0)
	p.personRng, p.caseRng, p.slotRng = rand.New(p.personSrc), rand.New(p.caseSrc), rand.New(p.slotSrc)
	return p
}

// coprime returns a multiplier in [1, n) that shares no factor with n,
// starting from x: a·i + b (mod n) then visits every residue once.
func coprime(x, n uint64) uint64 {
	if n <= 1 {
		return 1
	}
	a := x%(n-1) + 1
	for gcd(a, n) != 1 {
		a = a%(n-1) + 1
	}
	return a
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

func reseed(src *rand.PCG, seed, stream uint64, i int) {
	src.Seed(seed^stream*0x9e3779b97f4a7c15, uint64(i))
}

// person is one generated individual.
type person struct {
	index        int
	id           uuid.UUID
	kommun       *nationalKommun
	digits       string
	kind         personnummer.Kind
	given        string
	family       string
	protected    bool
	handle       string
	registeredOn time.Time // the day
	registeredAt time.Time
	registeredBy handlaggare
}

func (p *population) person(i int) person {
	reseed(p.personSrc, p.seed, streamPerson, i)
	r := p.personRng
	k := &p.kommuner[sort.SearchFloat64s(p.cumulative, r.Float64())]
	idx := (p.numA*uint64(i) + p.numB) % numberSpace
	born := birthFirst.AddDate(0, 0, int(idx/serialsPerDay))
	serial := int(idx % serialsPerDay)
	day := born.Day()
	kind := personnummer.Personnummer
	if r.IntN(100) < 2 { // samordningsnummer: the day plus 60
		day += 60
		kind = personnummer.Samordningsnummer
	}
	nine := fmt.Sprintf("%02d%02d%02d%03d", born.Year()%100, int(born.Month()), day, serial)
	given := maleNames
	if serial%2 == 0 { // the serial's last digit is even for women
		given = femaleNames
	}
	per := person{
		index:     i,
		id:        nationalID("individual/", i),
		kommun:    k,
		digits:    fmt.Sprintf("%02d", born.Year()/100) + nine + strconv.Itoa(personnummer.CheckDigit(nine)),
		kind:      kind,
		given:     given[r.IntN(len(given))],
		family:    familyNames[r.IntN(len(familyNames))],
		protected: r.IntN(1000) < 30, // skyddade personuppgifter: 3 %
		handle:    nationalHandle(p.handleKey, i),
	}
	per.registeredOn = p.today.AddDate(0, 0, -1-r.IntN(6*365))
	per.registeredAt = atWork(per.registeredOn, r)
	per.registeredBy = k.staff[r.IntN(len(k.staff))]
	return per
}

// atWork is a moment of office hours on day.
func atWork(day time.Time, r *rand.Rand) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 8+r.IntN(8), r.IntN(60), r.IntN(60), 0, cet)
}

// nationalHandle makes the i-th handle: a keyed bijection of the number
// onto 50 bits, written as ten Crockford base32 digits, so that handles
// are unique and say nothing about the person.
func nationalHandle(key uint64, i int) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	const mask = 1<<50 - 1
	x := (uint64(i) ^ key) & mask
	x = (x * 0x5851f42d4c957f2d) & mask // odd: a bijection mod 2^50
	x ^= x >> 23
	x = (x * 0x14057b7ef767814f) & mask
	x ^= x >> 19
	b := make([]byte, 12)
	b[0], b[1] = 'P', '-'
	for j := 11; j >= 2; j-- {
		b[j] = alphabet[x&31]
		x >>= 5
	}
	return string(b)
}

// Person is a generated individual as a benchmark sees it.
type Person struct {
	// Personnummer is written YYYYMMDD-NNNN.
	Personnummer string
	// Municipality is the kommunkod of the owning kommun.
	Municipality string
	// Protected is true for skyddade personuppgifter (found by number only
	// in the owning unit).
	Protected bool
}

var benchKommuner = sync.OnceValue(func() []nationalKommun {
	munis, _ := nationalMunicipalities()
	return nationalKommuner(munis, 1)
})

// Individual returns the i-th individual Load generates
// with seed (0 <= i < Options.Individuals), without the database.
func Individual(seed uint64, i int) Person {
	per := newPopulation(seed, time.Time{}, benchKommuner(), 0, 0).person(i)
	return Person{Personnummer: per.digits[:8] + "-" + per.digits[8:], Municipality: per.kommun.code, Protected: per.protected}
}

// caseIndividual is the individual of case j (and of consent slot j).
func (p *population) caseIndividual(j int) int {
	return int((p.caseA*(uint64(j)%p.n) + p.caseB) % p.n)
}

// genCase is one generated case.
type genCase struct {
	id, org, unit, individual, federation, leadUnit uuid.UUID
	lead                                            *handlaggare
	sgi, afStatus                                   string
	forsorjningsstod, health, care                  bool
	openedAt                                        time.Time
	openedBy                                        string
}

func (p *population) caseOf(j int) genCase {
	per := p.person(p.caseIndividual(j))
	k := per.kommun
	reseed(p.caseSrc, p.seed, streamCase, j)
	r := p.caseRng
	opened := per.registeredOn.AddDate(0, 0, r.IntN(60))
	if last := p.today.AddDate(0, 0, -1); opened.After(last) {
		opened = last
	}
	openedAt := atWork(opened, r)
	if openedAt.Before(per.registeredAt) {
		openedAt = per.registeredAt.Add(20 * time.Minute)
	}
	staff := k.staff[r.IntN(len(k.staff))]
	c := genCase{id: nationalID("case/", j), org: k.org, unit: k.eb, individual: per.id, federation: k.federation,
		leadUnit: k.leadUnits[0], openedAt: openedAt, openedBy: staff.login}
	if len(k.leadUnits) > 1 && r.IntN(100) < 25 {
		c.leadUnit = k.leadUnits[1+r.IntN(len(k.leadUnits)-1)]
	}
	if r.IntN(100) < 65 {
		c.lead = &staff
	}
	// The target group: on försörjningsstöd, ill, mostly without SGI.
	c.sgi = pick(r, []string{"NO", "UNKNOWN", "YES"}, 55, 25, 20)
	c.forsorjningsstod = r.IntN(100) < 92
	c.health = r.IntN(100) < 85
	c.care = r.IntN(100) < 30 || (c.health && r.IntN(100) < 75)
	c.afStatus = pick(r, []string{"INSKRIVEN", "INTE_INSKRIVEN", "UNKNOWN"}, 45, 40, 15)
	return c
}

// pick chooses one of choices with the given weights (in percent).
func pick[T any](r *rand.Rand, choices []T, weights ...int) T {
	x := r.IntN(100)
	for i, w := range weights {
		if x < w {
			return choices[i]
		}
		x -= w
	}
	return choices[len(choices)-1]
}

// genConsent is one generated samtycke with its grants.
type genConsent struct {
	id, org, individual   uuid.UUID
	kind                  consent.Kind
	purposes              []string
	givenBy               consent.Giver
	representative        *string
	validFrom, validUntil time.Time
	evidence              consent.Evidence
	formReference         *string
	witnessedBy           *string
	requestedBy           uuid.UUID
	registeredAt          time.Time
	registeredBy          handlaggare
	revokedAt             *time.Time
	revokedBy             *string
	reason                *string
	grants                []genGrant
	status                consent.Status
}

type genGrant struct {
	org     uuid.UUID
	unit    *uuid.UUID
	classes []string
}

// slot generates the samtycken of slot s: the person of case s while s is
// a case's number, then people without a case (and, past the population,
// the same people again).
func (p *population) slot(s int) []genConsent {
	per := p.person(p.caseIndividual(s))
	k := per.kommun
	reseed(p.slotSrc, p.seed, streamSlot, s)
	r := p.slotRng
	var n int
	if s < p.cases {
		n = pick(r, []int{0, 1, 2, 3, 4}, 5, 28, 37, 20, 10) // about 2 per case
	} else {
		n = pick(r, []int{1, 2}, 70, 30)
	}
	out := make([]genConsent, 0, n)
	hadFollowUp := false
	for c := range n {
		kind := consent.OSL
		if x := r.IntN(100); c > 0 && x < 30 && !hadFollowUp {
			kind, hadFollowUp = consent.Uppfoljning, true
		} else if c > 0 && x < 52 {
			kind = consent.PDL
		}
		g := genConsent{id: nationalID("consent/", s, "/", c), org: k.org, individual: per.id, kind: kind,
			givenBy: consent.GivenByPerson, evidence: consent.Written, registeredBy: k.staff[r.IntN(len(k.staff))]}
		g.dates(p.today, per, r)
		switch kind {
		case consent.OSL:
			g.purposes = purposes(r, []consent.Purpose{consent.SamordnadRehabilitering, consent.SIP, consent.GemensamKartlaggning,
				consent.ArbetslivsinriktadRehabilitering, consent.AnsokanErsattning}, 90, 30, 20, 15, 10)
			g.grants = oslGrants(k, r)
			g.requestedBy = pick(r, []uuid.UUID{demo.ID("org/fk"), k.org, demo.ID("org/af"), k.region}, 50, 35, 10, 5)
		case consent.PDL:
			g.purposes = purposes(r, []consent.Purpose{consent.SamordnadRehabilitering, consent.SIP}, 70, 50)
			g.grants = []genGrant{{org: k.region, unit: maybeUnit(r, 50, k.vcs),
				classes: classes(r, []consent.Class{consent.VardSjukskrivning, consent.VardMedicinsktUnderlag, consent.VardRehabilitering}, 80, 50, 60)}}
			g.requestedBy = k.region
		case consent.Uppfoljning:
			g.purposes = []string{string(consent.PurposeUppfoljning)}
			g.requestedBy = k.federationOrg
		}
		if r.IntN(100) < 4 {
			g.givenBy = consent.GivenByLegalRepresentative
			name := maleNames[r.IntN(len(maleNames))] + " " + familyNames[r.IntN(len(familyNames))] + " (god man)"
			g.representative = &name
		}
		if r.IntN(100) < 85 {
			ref := fmt.Sprintf("Samtyckesblankett %s, dnr SOC %d/%04d", g.validFrom.Format(time.DateOnly), g.registeredAt.Year(), 1+r.IntN(9999))
			g.formReference = &ref
		} else {
			g.evidence = consent.Oral
			w := g.registeredBy.name + " och " + k.staff[r.IntN(len(k.staff))].name
			g.witnessedBy = &w
		}
		out = append(out, g)
	}
	return out
}

// dates sets the period, the registration and any revocation, choosing
// the samtycke's status today first: about 58 % active, 22 % expired, 4 %
// not yet valid and 16 % revoked. Nothing happens before the person was
// registered, nor after yesterday.
func (g *genConsent) dates(today time.Time, per person, r *rand.Rand) {
	var days int
	switch g.kind {
	case consent.OSL:
		days = pick(r, []int{365, 730, 182}, 60, 25, 15)
	case consent.PDL:
		days = pick(r, []int{730, 1095}, 50, 50)
	default:
		days = pick(r, []int{1095, 1825}, 50, 50)
	}
	g.status = pick(r, []consent.Status{consent.Active, consent.Expired, consent.NotYetValid, consent.Revoked}, 58, 22, 4, 16)
	first, yesterday := per.registeredOn, today.AddDate(0, 0, -1)
	between := func(a, b time.Time) time.Time { // a day in [a, b]
		n := int(b.Sub(a).Hours() / 24)
		return a.AddDate(0, 0, r.IntN(n+1))
	}
	latest := func(a, b time.Time) time.Time {
		if a.After(b) {
			return a
		}
		return b
	}
	expiredPossible := !today.AddDate(0, 0, -days).Before(first)
	if g.status == consent.Expired && !expiredPossible {
		g.status = consent.Active
	}
	revokeExpired := g.status == consent.Revoked && expiredPossible && r.IntN(100) < 30
	switch {
	case g.status == consent.NotYetValid:
		g.validFrom = today.AddDate(0, 0, 1+r.IntN(30))
		g.registeredAt = atWork(between(latest(first, yesterday.AddDate(0, 0, -10)), yesterday), r)
	case g.status == consent.Expired || revokeExpired:
		g.validFrom = between(first, today.AddDate(0, 0, -days))
	default: // active, or revoked while in force
		g.validFrom = between(latest(first, today.AddDate(0, 0, 1-days)), yesterday)
	}
	g.validUntil = g.validFrom.AddDate(0, 0, days-1)
	if g.status != consent.NotYetValid {
		g.registeredAt = atWork(g.validFrom, r)
	}
	if g.registeredAt.Before(per.registeredAt) {
		g.registeredAt = per.registeredAt.Add(30 * time.Minute)
	}
	if g.status == consent.Revoked {
		end := yesterday
		if g.validUntil.Before(end) {
			end = g.validUntil
		}
		at := atWork(between(g.validFrom, end), r)
		if !at.After(g.registeredAt) {
			at = g.registeredAt.Add(2 * time.Hour)
		}
		by, reason := per.kommun.staff[r.IntN(len(per.kommun.staff))].login, revocationReasons[r.IntN(len(revocationReasons))]
		g.revokedAt, g.revokedBy, g.reason = &at, &by, &reason
	}
}

// oslGrants names the grantees of a secrecy waiver: Försäkringskassan
// (most, sometimes only the county's office), the region (sometimes one
// vårdcentral), Arbetsförmedlingen, and the kommun itself for what the
// others hold. Never a grantee's own kind of information.
func oslGrants(k *nationalKommun, r *rand.Rand) []genGrant {
	var gs []genGrant
	if r.IntN(100) < 90 {
		var unit *uuid.UUID
		if r.IntN(100) < 25 {
			u := k.fkOffice
			unit = &u
		}
		gs = append(gs, genGrant{org: demo.ID("org/fk"), unit: unit, classes: classes(r, []consent.Class{consent.KommunEkonomisktBistand,
			consent.KommunPlanering, consent.AFInskrivningsstatus, consent.AFInsatser, consent.VardSjukskrivning, consent.VardMedicinsktUnderlag,
			consent.VardRehabilitering}, 95, 90, 50, 25, 70, 40, 30)})
	}
	if r.IntN(100) < 60 {
		gs = append(gs, genGrant{org: k.region, unit: maybeUnit(r, 45, k.vcs), classes: classes(r, []consent.Class{
			consent.KommunEkonomisktBistand, consent.KommunPlanering, consent.FKBeslut, consent.FKSamordning, consent.AFInskrivningsstatus}, 70, 90, 40, 80, 30)})
	}
	if r.IntN(100) < 50 {
		var unit *uuid.UUID
		if k.afGrantOffice != nil && r.IntN(100) < 20 {
			unit = k.afGrantOffice
		}
		gs = append(gs, genGrant{org: demo.ID("org/af"), unit: unit, classes: classes(r, []consent.Class{consent.KommunEkonomisktBistand,
			consent.KommunPlanering, consent.FKSamordning, consent.VardRehabilitering}, 50, 90, 70, 30)})
	}
	if r.IntN(100) < 65 {
		gs = append(gs, genGrant{org: k.org, classes: classes(r, []consent.Class{consent.FKBeslut, consent.FKSamordning,
			consent.AFInskrivningsstatus, consent.AFInsatser, consent.VardSjukskrivning, consent.VardRehabilitering}, 70, 90, 60, 30, 80, 40)})
	}
	if len(gs) == 0 {
		gs = append(gs, genGrant{org: demo.ID("org/fk"), classes: []string{string(consent.KommunEkonomisktBistand), string(consent.KommunPlanering)}})
	}
	return gs
}

func maybeUnit(r *rand.Rand, percent int, units []uuid.UUID) *uuid.UUID {
	if len(units) == 0 || r.IntN(100) >= percent {
		return nil
	}
	u := units[r.IntN(len(units))]
	return &u
}

// classes picks each class with its chance (at least the first).
func classes(r *rand.Rand, cs []consent.Class, percent ...int) []string {
	var out []string
	for i, c := range cs {
		if r.IntN(100) < percent[i] {
			out = append(out, string(c))
		}
	}
	if len(out) == 0 {
		out = []string{string(cs[0])}
	}
	return out
}

// purposes picks each purpose with its chance (at least the first).
func purposes(r *rand.Rand, ps []consent.Purpose, percent ...int) []string {
	var out []string
	for i, p := range ps {
		if r.IntN(100) < percent[i] {
			out = append(out, string(p))
		}
	}
	if len(out) == 0 {
		out = []string{string(ps[0])}
	}
	// In the enum's order, as a person would tick them on the form.
	slices.SortFunc(out, func(a, b string) int {
		return slices.Index(consent.Purposes, consent.Purpose(a)) - slices.Index(consent.Purposes, consent.Purpose(b))
	})
	return out
}

// consentStream walks the samtycken slot by slot, n of them in all.
type consentStream struct {
	p       *population
	slot    int
	buf     []genConsent
	left    int
	current genConsent
}

func (s *consentStream) next() bool {
	if s.left == 0 {
		return false
	}
	for len(s.buf) == 0 {
		s.buf = s.p.slot(s.slot)
		s.slot++
	}
	s.current, s.buf = s.buf[0], s.buf[1:]
	s.left--
	return true
}

// copyPopulation streams the individuals, cases, samtycken and grants into
// their tables with COPY.
func copyPopulation(ctx context.Context, tx pgx.Tx, opts Options, kommuner []nationalKommun, progress func(string, int, time.Time)) error {
	if opts.Individuals == 0 {
		return nil
	}
	// COPY sends enums and their arrays in binary: pgx must know them.
	types, err := tx.Conn().LoadTypes(ctx, []string{"consent_kind", "consent_purpose", "_consent_purpose", "information_class", "_information_class"})
	if err != nil {
		return fmt.Errorf("load enum types: %w", err)
	}
	tx.Conn().TypeMap().RegisterTypes(types)
	p := newPopulation(opts.Seed, opts.Today, kommuner, opts.Individuals, opts.Cases)

	start := time.Now()
	i := 0
	var sealErr error
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"individuals"},
		[]string{"id", "org_id", "unit_id", "number_kind", "number_index", "number_sealed", "number_key_id",
			"given_name", "family_name", "protected_identity", "handle", "registered_at", "registered_by"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if i == opts.Individuals {
				return nil, nil
			}
			per := p.person(i)
			i++
			// As individuals.Store.Register: sealed bound to the row id,
			// the blind index over the twelve digits.
			keyID, sealed, err := opts.Keys.Seal([]byte(per.digits), per.id[:])
			if err != nil {
				sealErr = err
				return nil, err
			}
			return []any{per.id, per.kommun.org, per.kommun.eb, string(per.kind), opts.Keys.Index([]byte(per.digits)), sealed, keyID,
				per.given, per.family, per.protected, per.handle, per.registeredAt, per.registeredBy.login}, nil
		}))
	if err != nil {
		if sealErr != nil {
			err = sealErr
		}
		return fmt.Errorf("copy individuals: %w", err)
	}
	progress("individuals", opts.Individuals, start)

	start = time.Now()
	j := 0
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"cases"},
		[]string{"id", "org_id", "unit_id", "individual_id", "federation_id", "lead_unit_id", "lead_user_id", "lead_name",
			"sgi", "on_forsorjningsstod", "health_obstacle", "care_contact", "af_status", "state", "opened_at", "opened_by"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if j == opts.Cases {
				return nil, nil
			}
			c := p.caseOf(j)
			j++
			var leadUser, leadName *string
			if c.lead != nil {
				leadUser, leadName = &c.lead.login, &c.lead.name
			}
			return []any{c.id, c.org, c.unit, c.individual, c.federation, c.leadUnit, leadUser, leadName,
				c.sgi, c.forsorjningsstod, c.health, c.care, c.afStatus, nil, c.openedAt, c.openedBy}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy cases: %w", err)
	}
	progress("cases", opts.Cases, start)

	start = time.Now()
	stream := &consentStream{p: p, left: opts.Consents}
	mix := map[string]int{}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"consents"},
		[]string{"id", "org_id", "individual_id", "kind", "purposes", "given_by", "representative_name", "valid_from", "valid_until",
			"evidence", "form_reference", "witnessed_by", "requested_by_org_id", "registered_at", "registered_by", "registered_by_name",
			"revoked_at", "revoked_by", "revocation_reason"},
		pgx.CopyFromFunc(func() ([]any, error) {
			if !stream.next() {
				return nil, nil
			}
			c := stream.current
			mix[string(c.kind)]++
			mix[string(c.status)]++
			return []any{c.id, c.org, c.individual, string(c.kind), c.purposes, string(c.givenBy), c.representative, c.validFrom, c.validUntil,
				string(c.evidence), c.formReference, c.witnessedBy, c.requestedBy, c.registeredAt, c.registeredBy.login, c.registeredBy.name,
				c.revokedAt, c.revokedBy, c.reason}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy consents: %w", err)
	}
	progress(fmt.Sprintf("consents (OSL %s, PDL %s, UPPFOLJNING %s; active %s, expired %s, not yet valid %s, revoked %s)",
		share(mix, "OSL_SEKRETESSBRYTANDE", opts.Consents), share(mix, "PDL_SAMMANHALLEN_JOURNALFORING", opts.Consents),
		share(mix, "UPPFOLJNING", opts.Consents), share(mix, "ACTIVE", opts.Consents), share(mix, "EXPIRED", opts.Consents),
		share(mix, "NOT_YET_VALID", opts.Consents), share(mix, "REVOKED", opts.Consents)), opts.Consents, start)

	// The grants, with copies of their samtycke's kind, purposes, period
	// and revocation, as consent.Record and consent.Revoke write them.
	start = time.Now()
	stream = &consentStream{p: p, left: opts.Consents}
	var pending []genGrant
	var owner genConsent
	grants := 0
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"consent_grants"},
		[]string{"consent_id", "org_id", "individual_id", "grantee_org_id", "grantee_unit_id", "classes", "kind", "purposes",
			"valid_from", "valid_until", "revoked_at"},
		pgx.CopyFromFunc(func() ([]any, error) {
			for len(pending) == 0 {
				if !stream.next() {
					return nil, nil
				}
				owner, pending = stream.current, stream.current.grants
			}
			g := pending[0]
			pending = pending[1:]
			grants++
			return []any{owner.id, owner.org, owner.individual, g.org, g.unit, g.classes, string(owner.kind), owner.purposes,
				owner.validFrom, owner.validUntil, owner.revokedAt}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy consent grants: %w", err)
	}
	progress("consent grants", grants, start)
	return nil
}

func share(m map[string]int, key string, total int) string {
	if total == 0 {
		return "0 %"
	}
	return fmt.Sprintf("%.0f %%", 100*float64(m[key])/float64(total))
}
