// Package national generates the national-scale data set the benchmarks
// run on (docs/samtycke-benchmarks.md): on top of the demo data, every
// county and municipality of Sweden with their kommuner, regions, offices
// and förbund, directory entries by the hundred thousand and, if asked,
// individuals, cases and samtycken by the million; reproducibly, from a
// seed. Only `hub seed national` and the benchmarks use it: the server
// (`hub serve`, `hub dev`, graph) does not import it.
package national

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/piicrypt"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// nationalCounties are Sweden's 21 counties with their number of
// municipalities (290 in all). Codes of municipalities outside the two demo
// counties are synthetic (county code + sequence), names likewise.
var nationalCounties = []struct {
	code, name string
	kommuner   int
}{
	{"01", "Stockholms län", 26}, {"03", "Uppsala län", 8}, {"04", "Södermanlands län", 9},
	{"05", "Östergötlands län", 13}, {"06", "Jönköpings län", 13}, {"07", "Kronobergs län", 8},
	{"08", "Kalmar län", 12}, {"09", "Gotlands län", 1}, {"10", "Blekinge län", 5},
	{"12", "Skåne län", 33}, {"13", "Hallands län", 6}, {"14", "Västra Götalands län", 49},
	{"17", "Värmlands län", 16}, {"18", "Örebro län", 12}, {"19", "Västmanlands län", 10},
	{"20", "Dalarnas län", 15}, {"21", "Gävleborgs län", 10}, {"22", "Västernorrlands län", 7},
	{"23", "Jämtlands län", 8}, {"24", "Västerbottens län", 15}, {"25", "Norrbottens län", 14},
}

type muni struct{ code, county string }

type vardcentral struct {
	org, unit uuid.UUID
	code      string
}

// Options size the synthetic national data set.
type Options struct {
	Seed         uint64
	Entries      int // directory entries (the target scale is 100,000)
	Vardcentrals int // about 1,100 at national scale
	// Individuals, Cases and Consents size the samtycke data (the target
	// scale is 1,000,000, 300,000 and 600,000); 0 skips them. Cases go to
	// distinct individuals, so Cases <= Individuals.
	Individuals int
	Cases       int
	Consents    int
	// Tasks is the tasks between agencies about the cases (tasks.go; the
	// target scale is 1,000,000); 0 skips them.
	Tasks int
	// TasksOnly adds only the tasks, to a data set loaded before with the
	// same seed, sizes and Today (the day it was loaded): nothing else is
	// written.
	TasksOnly bool
	// Casefiles is how many of the cases (the first ones) are considered
	// for plans, meetings and evidence checklists (casefile.go; the target
	// scale is every case); 0 skips them.
	Casefiles int
	// CasefilesOnly adds only the case files, to a data set loaded before
	// with the same seed, sizes and Today, as TasksOnly does the tasks.
	CasefilesOnly bool
	// OfficesOnly moves a national data set loaded before FK's and AF's
	// functions had offices into them (offices.go): the AF offices, the
	// functions' units, and the queues of the tasks, kallelser and plans
	// sent to FK and AF. Nothing else is written; no other option counts.
	OfficesOnly bool
	// TasksToday anchors the tasks' and the case files' dates (due dates
	// around it, some overdue; meetings past and coming); zero means Today.
	TasksToday time.Time
	// Keys seal the generated personnummer, as the API's configured keys
	// do; required when Individuals > 0.
	Keys *piicrypt.Keys
	// Today anchors every generated date (registrations, case openings,
	// consent periods); zero means today in Sweden. The same seed and day
	// give the same rows.
	Today time.Time
	// Progress, if set, hears how long each step took.
	Progress func(step string, rows int, took time.Duration)
}

func (o Options) validate() error {
	switch {
	case o.Entries < 0 || o.Vardcentrals < 0 || o.Individuals < 0 || o.Cases < 0 || o.Consents < 0:
		return fmt.Errorf("national: sizes must not be negative")
	case o.Individuals > maxNationalIndividuals:
		return fmt.Errorf("national: at most %d individuals", maxNationalIndividuals)
	case o.Cases > o.Individuals:
		return fmt.Errorf("national: %d cases need as many individuals, have %d", o.Cases, o.Individuals)
	case o.Consents > 0 && o.Individuals == 0:
		return fmt.Errorf("national: consents need individuals")
	case o.Tasks < 0:
		return fmt.Errorf("national: sizes must not be negative")
	case o.Tasks > 0 && o.Cases == 0:
		return fmt.Errorf("national: tasks need cases")
	case o.TasksOnly && o.Tasks == 0:
		return fmt.Errorf("national: only the tasks, but no tasks")
	case o.Casefiles < 0 || o.Casefiles > o.Cases:
		return fmt.Errorf("national: case files for %d cases, but %d cases", o.Casefiles, o.Cases)
	case o.CasefilesOnly && o.Casefiles == 0:
		return fmt.Errorf("national: only the case files, but none")
	case o.OfficesOnly && (o.TasksOnly || o.CasefilesOnly):
		return fmt.Errorf("national: only the offices, or only the tasks or case files, not both")
	case o.CasefilesOnly && o.TasksOnly:
		return fmt.Errorf("national: only the tasks or only the case files, not both")
	case o.Individuals > 0 && o.Keys == nil && !o.TasksOnly && !o.CasefilesOnly && !o.OfficesOnly:
		return fmt.Errorf("national: individuals need the PII keys")
	}
	return nil
}

// nationalMunicipalities lists the municipalities of the national data set
// in a fixed order (county by county, the demo ones first), and their
// codes by county. It depends on nothing but the static tables, so that
// the population's generator and its consumers (bench/cases) agree.
func nationalMunicipalities() ([]muni, map[string][]string) {
	var munis []muni
	byCounty := map[string][]string{}
	for _, c := range nationalCounties {
		existing := map[string]bool{}
		for _, dc := range demo.Counties() {
			if dc.Code == c.code {
				for _, code := range dc.Municipalities {
					existing[code] = true
					munis = append(munis, muni{code, c.code})
					byCounty[c.code] = append(byCounty[c.code], code)
				}
			}
		}
		for i := 1; len(byCounty[c.code]) < c.kommuner; i++ {
			code := fmt.Sprintf("%s%02d", c.code, i)
			if existing[code] {
				continue
			}
			munis = append(munis, muni{code, c.code})
			byCounty[c.code] = append(byCounty[c.code], code)
		}
	}
	return munis, byCounty
}

func countyName(code string) string {
	for _, c := range nationalCounties {
		if c.code == code {
			return c.name
		}
	}
	return ""
}

// Load adds a reproducible, synthetic national-scale tenancy and
// directory on top of the demo data: all 21 counties and 290
// municipalities with a kommun each (with an ekonomiskt bistånd unit), a
// region per county with vårdcentraler, an FK and an AF office per county
// (each FK and AF function belongs to one), a samordningsförbund per county, and opts.Entries directory entries with
// realistic topic, coverage and visibility distributions. With
// opts.Individuals it adds the samtycke data set (cases.go):
// individuals with sealed personnummer, their cases and samtycken. It is
// for benchmarks; the demo data must be loaded first.
func Load(ctx context.Context, pool *pgxpool.Pool, opts Options) error {
	if err := opts.validate(); err != nil {
		return err
	}
	if opts.Today.IsZero() {
		opts.Today = tenancy.Today()
	}
	y, mo, d := opts.Today.Date()
	opts.Today = time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	if opts.TasksToday.IsZero() {
		opts.TasksToday = opts.Today
	}
	y, mo, d = opts.TasksToday.Date()
	opts.TasksToday = time.Date(y, mo, d, 0, 0, 0, 0, time.UTC)
	progress := func(step string, rows int, start time.Time) {
		if opts.Progress != nil {
			opts.Progress(step, rows, time.Since(start))
		}
	}
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	id := nationalID
	munis, byCounty := nationalMunicipalities()
	kommuner := nationalKommuner(munis, max(1, opts.Vardcentrals/len(munis)))
	if opts.TasksOnly {
		return loadOnly(ctx, pool, opts, kommuner, progress, copyTasks, "tasks, task_events")
	}
	if opts.CasefilesOnly {
		return loadOnly(ctx, pool, opts, kommuner, progress, copyCasefiles, casefileVacuum)
	}
	if opts.OfficesOnly {
		return loadOffices(ctx, pool, byCounty, progress)
	}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		start := time.Now()
		// Municipalities and their kommuner.
		demoMunicipality := map[string]bool{}
		for _, dc := range demo.Counties() {
			for _, code := range dc.Municipalities {
				demoMunicipality[code] = true
			}
		}
		for _, m := range munis {
			if demoMunicipality[m.code] {
				continue
			}
			if err := tenancy.EnsureMunicipality(ctx, tx, tenancy.Municipality{Code: m.code, Name: "Kommun " + m.code, CountyCode: m.county, CountyName: countyName(m.county)}); err != nil {
				return err
			}
		}
		demoKommun := map[string]uuid.UUID{}
		for _, o := range demo.Organizations() {
			if o.Kind == tenancy.Kommun {
				demoKommun[o.Municipalities[0]] = demo.ID("org/" + o.Key)
			}
		}
		kommunOrg := map[string]uuid.UUID{}
		serial := 0
		orgNumber := func(prefix string) string {
			serial++
			for c := 0; c < 10; c++ {
				n := fmt.Sprintf("%s-%03d%d", prefix, serial%1000, c)
				if tenancy.ValidOrgNumber(n) {
					return n
				}
			}
			panic("no check digit")
		}
		for _, m := range munis {
			if org, ok := demoKommun[m.code]; ok {
				kommunOrg[m.code] = org
				continue
			}
			org := id("kommun/", m.code)
			kommunOrg[m.code] = org
			prefix := "212900" // a series the demo organisations do not use
			if err := tenancy.EnsureOrganization(ctx, tx, tenancy.Organization{ID: org, Kind: tenancy.Kommun, Name: "Kommun " + m.code, OrgNumber: orgNumber(prefix)}, []string{m.code}); err != nil {
				return err
			}
			if err := tenancy.EnsureUnit(ctx, tx, tenancy.Unit{ID: id("eb/", m.code), OrgID: org, Kind: tenancy.UnitEkonomisktBistand, Name: "Ekonomiskt bistånd"}, []string{m.code}); err != nil {
				return err
			}
		}
		// Regions with vårdcentraler, FK and AF offices, a förbund per county.
		regionOrg := map[string]uuid.UUID{"17": demo.ID("org/region-varmland"), "06": demo.ID("org/region-jonkoping")}
		vcPerMuni := max(1, opts.Vardcentrals/len(munis))
		var vcs []vardcentral
		for ci, c := range nationalCounties {
			if _, ok := regionOrg[c.code]; !ok {
				regionOrg[c.code] = id("region/", c.code)
				if err := tenancy.EnsureOrganization(ctx, tx, tenancy.Organization{ID: regionOrg[c.code], Kind: tenancy.Region,
					Name: "Region " + c.name, OrgNumber: orgNumber(fmt.Sprintf("2329%02d", ci))}, byCounty[c.code]); err != nil {
					return err
				}
			}
			for _, code := range byCounty[c.code] {
				for v := 0; v < vcPerMuni; v++ {
					u := id("vc/", code, v)
					if err := tenancy.EnsureUnit(ctx, tx, tenancy.Unit{ID: u, OrgID: regionOrg[c.code], Kind: tenancy.UnitVardcentral,
						Name: fmt.Sprintf("Vårdcentralen %s-%d", code, v+1)}, []string{code}); err != nil {
						return err
					}
					vcs = append(vcs, vardcentral{regionOrg[c.code], u, code})
				}
			}
			// FK is one national organisation; the demo has its Karlstad
			// and Jönköping offices, the other counties get one here.
			if office := nationalFKOffice(c.code); office == id("fk-office/", c.code) {
				parent := demo.ID("unit/fk/sjuk")
				if err := tenancy.EnsureUnit(ctx, tx, tenancy.Unit{ID: office, OrgID: demo.ID("org/fk"), ParentID: &parent, Kind: tenancy.UnitLokalkontor,
					Name: "Försäkringskassan " + c.name}, byCounty[c.code]); err != nil {
					return err
				}
			}
			if err := ensureAFOffice(ctx, tx, c.code, c.name, byCounty[c.code]); err != nil {
				return err
			}
			fed := id("federation/", c.code)
			fedOrg := id("forbund/", c.code)
			if err := tenancy.EnsureOrganization(ctx, tx, tenancy.Organization{ID: fedOrg, Kind: tenancy.Samordningsforbund,
				Name: "Samordningsförbundet " + c.name, OrgNumber: orgNumber(fmt.Sprintf("2229%02d", ci))}, byCounty[c.code]); err != nil {
				return err
			}
			if err := tenancy.EnsureFederation(ctx, tx, tenancy.Federation{ID: fed, OrgID: fedOrg, Name: "Samordningsförbundet " + c.name}); err != nil {
				return err
			}
			members := []uuid.UUID{regionOrg[c.code], demo.ID("org/fk"), demo.ID("org/af")}
			for _, code := range byCounty[c.code] {
				members = append(members, kommunOrg[code])
			}
			for _, m := range members {
				if err := tenancy.EnsureMembership(ctx, tx, tenancy.Membership{ID: id("membership/", c.code, m), FederationID: fed,
					MemberOrgID: m, ValidFrom: time.Date(2015, 1, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
					return err
				}
			}
		}
		progress("tenancy", len(munis), start)
		start = time.Now()
		if err := copyEntries(ctx, tx, rng, opts.Entries, munis, byCounty, kommunOrg, regionOrg, vcs); err != nil {
			return err
		}
		progress("directory entries", opts.Entries, start)
		if err := copyPopulation(ctx, tx, opts, kommuner, progress); err != nil {
			return err
		}
		if err := copyTasks(ctx, tx, opts, kommuner, progress); err != nil {
			return err
		}
		return copyCasefiles(ctx, tx, opts, kommuner, progress)
	})
	if err != nil {
		return err
	}
	// Statistics for the planner, and the visibility map that lets the
	// directory's lookups read their covering indexes alone.
	start := time.Now()
	if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) directory_entries, directory_channels, directory_ways,
		directory_search_terms, directory_search_lexicon, directory_search_docs`); err != nil {
		return err
	}
	if opts.Individuals > 0 {
		if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) individuals, cases, consents, consent_grants`); err != nil {
			return err
		}
	}
	if opts.Tasks > 0 || opts.Casefiles > 0 {
		if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) tasks, task_events`); err != nil {
			return err
		}
	}
	if opts.Casefiles > 0 {
		if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) `+casefileVacuum); err != nil {
			return err
		}
	}
	progress("vacuum analyze", 0, start)
	return nil
}

// casefileVacuum is the tables the case files fill.
const casefileVacuum = `sip_plans, sip_plan_versions, sip_plan_insatser, sip_plan_agreements, meetings, meeting_parties, case_evidence, tasks, task_events`

// loadOnly adds one part (the tasks, or the case files) to a national
// data set loaded before, after checking that it is the one the options
// describe (the same seed, sizes and day): the part names its cases,
// samtycken and entries. vacuum is the tables the part fills.
func loadOnly(ctx context.Context, pool *pgxpool.Pool, opts Options, kommuner []nationalKommun,
	progress func(string, int, time.Time),
	copyPart func(context.Context, pgx.Tx, Options, []nationalKommun, func(string, int, time.Time)) error, vacuum string) error {
	p := newPopulation(opts.Seed, opts.Today, kommuner, opts.Individuals, opts.Cases)
	last := p.caseOf(opts.Cases - 1)
	var opened time.Time
	if err := pool.QueryRow(ctx, `SELECT opened_at FROM cases WHERE id = $1`, last.id).Scan(&opened); err != nil {
		return fmt.Errorf("national: case %d of the data set: %w (were --individuals, --cases and --seed those of the load?)", opts.Cases-1, err)
	}
	if !opened.Equal(last.openedAt) {
		return fmt.Errorf("national: the data set's case %d was opened %s, the generator's %s: give the day it was loaded (--data-day) and its seed",
			opts.Cases-1, opened, last.openedAt)
	}
	s := &consentStream{p: p, left: 1}
	s.next()
	var from time.Time
	if err := pool.QueryRow(ctx, `SELECT valid_from FROM consents WHERE id = $1`, s.current.id).Scan(&from); err != nil || !from.Equal(s.current.validFrom) {
		return fmt.Errorf("national: the data set's first samtycke is not the generator's (%v): give the day it was loaded (--data-day) and its seed", err)
	}
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		return copyPart(ctx, tx, opts, kommuner, progress)
	})
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := pool.Exec(ctx, `VACUUM (ANALYZE) `+vacuum); err != nil {
		return err
	}
	progress("vacuum analyze", 0, start)
	return nil
}

// nationalID is the id of a generated object.
func nationalID(kind string, parts ...any) uuid.UUID {
	return demo.ID(fmt.Sprint(append([]any{"national/", kind}, parts...)...))
}

// copyEntries bulk-loads directory entries and their channels with COPY and
// builds their ways in and search terms (Reindex).
func copyEntries(ctx context.Context, tx pgx.Tx, rng *rand.Rand, n int, munis []muni,
	byCounty map[string][]string, kommunOrg, regionOrg map[string]uuid.UUID, vcs []vardcentral) error {
	topicsByKind := map[string][]string{
		"KOMMUN": {"EKONOMISKT_BISTAND", "SIP", "SAMORDNAD_REHABILITERING", "FORBUNDETS_INSATSER"},
		"FK":     {"SAMORDNAD_REHABILITERING", "SJUKERSATTNING", "AKTIVITETSERSATTNING", "GEMENSAM_KARTLAGGNING"},
		"AF":     {"ARBETSLIVSINRIKTAD_REHABILITERING", "AF_INSKRIVNING", "GEMENSAM_KARTLAGGNING", "SAMTYCKE_BLANKETT"},
		"REGION": {"SJUKSKRIVNING", "MEDICINSKT_UNDERLAG", "PSYKIATRI", "SAMORDNAD_REHABILITERING", "SIP"},
	}
	visibilities := []string{"PUBLIC", "PUBLIC", "PUBLIC", "PUBLIC", "FEDERATION", "FEDERATION", "FEDERATION", "FEDERATION", "FEDERATION", "ORGANISATION"}
	now := time.Now()
	var entries, channels [][]any
	for i := 0; i < n; i++ {
		m := munis[rng.IntN(len(munis))]
		var org uuid.UUID
		var unit *uuid.UUID
		var kind string
		switch r := rng.IntN(100); {
		case r < 35:
			kind, org = "KOMMUN", kommunOrg[m.code]
		case r < 70:
			kind = "REGION"
			vc := vcs[rng.IntN(len(vcs))]
			org, unit = vc.org, &vc.unit
			for _, mm := range munis {
				if mm.code == vc.code {
					m = mm
				}
			}
		case r < 85:
			kind, org = "FK", demo.ID("org/fk")
		default:
			kind, org = "AF", demo.ID("org/af")
		}
		if kind == "REGION" && unit == nil {
			org = regionOrg[m.county]
		}
		// An FK or AF function is its office's: the one serving its
		// municipality (a national function too, from its office).
		if office, ok := officeOf(org, m.county, m.code); ok {
			unit = &office
		}
		pool := topicsByKind[kind]
		k := 1 + rng.IntN(3)
		var topics []string
		for _, j := range rng.Perm(len(pool))[:min(k, len(pool))] {
			topics = append(topics, pool[j])
		}
		codes := []string{m.code}
		national := false
		switch r := rng.IntN(100); {
		case r < 20:
			codes = byCounty[m.county]
		case r < 22 && kind != "KOMMUN":
			codes, national = []string{}, true
		}
		reviewed := now.Add(-time.Duration(rng.IntN(400)) * 24 * time.Hour)
		eid := demo.ID(fmt.Sprint("national/entry/", i))
		visibility := visibilities[rng.IntN(len(visibilities))]
		entries = append(entries, []any{eid, org, unit, fmt.Sprintf("%s funktion %d (%s)", kind, i, m.code), "",
			topics, topics[:1], []string{}, codes, national, visibility, reviewed, "generator"})
		channels = append(channels, []any{uuid.New(), org, eid, 0, "PHONE", fmt.Sprintf("010-%03d %02d %02d", i%1000, i%100, (i/100)%100), "telefontid",
			[]byte(`[{"day":1,"from":"08:00","to":"12:00"},{"day":3,"from":"08:00","to":"12:00"}]`), visibility})
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"directory_entries"},
		[]string{"id", "org_id", "unit_id", "function_name", "description", "topics", "lead_topics", "target_groups",
			"municipality_codes", "national", "visibility", "reviewed_at", "reviewed_by"},
		pgx.CopyFromRows(entries)); err != nil {
		return fmt.Errorf("copy entries: %w", err)
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"directory_channels"},
		[]string{"id", "org_id", "entry_id", "position", "kind", "value", "note", "opening_hours", "visibility"},
		pgx.CopyFromRows(channels)); err != nil {
		return fmt.Errorf("copy channels: %w", err)
	}
	// The planner must know the tables are no longer nearly empty before
	// it plans the reindex: with the statistics of the demo data it picks
	// nested loops that take hours at this scale. ANALYZE in the loading
	// transaction counts its own rows.
	if _, err := tx.Exec(ctx, `ANALYZE organizations, municipalities, directory_entries, directory_channels`); err != nil {
		return fmt.Errorf("analyze generated entries: %w", err)
	}
	if err := directory.Reindex(ctx, tx, nil); err != nil {
		return fmt.Errorf("index generated entries: %w", err)
	}
	return nil
}
