package app_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/app/vagin"
	"github.com/samverkanshub/hub/internal/audit"
	"github.com/samverkanshub/hub/internal/consent"
	"github.com/samverkanshub/hub/internal/demo"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/identity"
	"github.com/samverkanshub/hub/internal/platform/csvdialect"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Who reads a person's loggutdrag: the loggranskare (without a purpose),
// the case lead (with one, through the relation LEAD), nobody else; and
// reading it is a row of it.
func TestAuditReview_AccessLog(t *testing.T) {
	t.Parallel()
	e := setup(t)
	soc := e.actor("soc.karlstad", rehab)
	led := e.person(soc)
	e.openCase(soc, led) // soc.karlstad's unit leads the case
	notLed := e.person(soc)

	read := func(individual uuid.UUID) func(context.Context, *app.Work) error {
		return func(ctx context.Context, w *app.Work) error {
			_, err := e.auditreview.AccessLog(ctx, w, individual, page.Request{First: 10})
			return err
		}
	}
	for _, tc := range []struct {
		name, login string
		purpose     consent.Purpose
		individual  uuid.UUID
		code        string
	}{
		{"the loggranskare, without a purpose", "logg.karlstad", "", notLed.ID, ""},
		{"the case lead, with a purpose", "soc.karlstad", rehab, led.ID, ""},
		{"the case lead must declare one", "soc.karlstad", "", led.ID, "BAD_USER_INPUT"},
		{"a case worker who leads no case of the person", "soc.karlstad", rehab, notLed.ID, "FORBIDDEN"},
		{"the coordinator, not a case worker", "koord.karlstad", rehab, led.ID, "FORBIDDEN"},
		{"another organisation: no such person", "ph.fk", rehab, demo.DemoIndividual, "NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			actor := e.actor(tc.login, tc.purpose)
			before := e.loggutdrag(actor, "accessLog", tc.individual)
			err := e.do(actor, "accessLog", read(tc.individual))
			require.Equal(t, tc.code, code(err), "%v", err)
			want := 0
			if tc.code == "" {
				want = 1
			}
			require.Equal(t, want, e.loggutdrag(actor, "accessLog", tc.individual)-before, "the reading is a row of the log")
		})
	}
}

// The audit trail is the loggranskare's, of their own organisation.
func TestAuditReview_Trail(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.person(e.actor("soc.karlstad", rehab))
	ctx := context.Background()
	var res page.Result[audit.Record]
	require.NoError(t, e.do(e.actor("logg.karlstad", ""), "auditTrail", func(ctx context.Context, w *app.Work) (err error) {
		res, err = e.auditreview.Trail(ctx, w, audit.Filter{}, page.Request{First: 10})
		return err
	}))
	require.NotEmpty(t, res.Items)
	for _, r := range res.Items {
		require.Equal(t, demo.ID("org/karlstad"), r.OrgID)
	}
	err := e.do(e.actor("soc.karlstad", rehab), "auditTrail", func(ctx context.Context, w *app.Work) error {
		_, err := e.auditreview.Trail(ctx, w, audit.Filter{}, page.Request{First: 10})
		return err
	})
	require.Equal(t, "FORBIDDEN", code(err))
	_ = ctx
}

// The directory: reading is open, keeping is the organisation
// administrator's and audited, and the command line imports through the
// same use case as the API.
func TestVagin_UseCases(t *testing.T) {
	t.Parallel()
	e := setup(t)
	first := 3
	for _, tc := range []struct {
		name, login string
		run         func(ctx context.Context, w *app.Work) error
		code        string
	}{
		{"anyone asks for ways in", "ph.fk", func(ctx context.Context, w *app.Work) error {
			ways, err := e.vagin.WaysIn(ctx, w, vagin.WaysInRequest{Topic: directory.Topic("SAMORDNAD_REHABILITERING"), MunicipalityCode: "1780", First: &first})
			require.NotEmpty(t, ways)
			return err
		}, ""},
		{"an unknown municipality is named", "ph.fk", func(ctx context.Context, w *app.Work) error {
			_, err := e.vagin.WaysIn(ctx, w, vagin.WaysInRequest{Topic: directory.Topic("SAMORDNAD_REHABILITERING"), MunicipalityCode: "9999"})
			if err != nil && !strings.Contains(err.Error(), "9999") {
				t.Errorf("the message names the code: %v", err)
			}
			return err
		}, "BAD_USER_INPUT"},
		{"a case worker keeps no entries", "soc.karlstad", func(ctx context.Context, w *app.Work) error {
			_, _, err := e.vagin.Archive(ctx, w, demo.ID("entry/eb-karlstad"))
			return err
		}, "FORBIDDEN"},
		{"the administrator archives its own entry", "admin.samspelet", func(ctx context.Context, w *app.Work) error {
			_, _, err := e.vagin.Archive(ctx, w, demo.ID("entry/samspelet-insatser"))
			return err
		}, ""},
		{"but not another organisation's", "admin.samspelet", func(ctx context.Context, w *app.Work) error {
			_, _, err := e.vagin.Archive(ctx, w, demo.ID("entry/eb-karlstad"))
			return err
		}, "NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := e.do(e.actor(tc.login, ""), "directory", tc.run)
			require.Equal(t, tc.code, code(err), "%v", err)
		})
	}

	admin := app.CommandLineActor(demo.ID("org/grums"), tenancy.Kommun, "anna", identity.OrgAdmin)
	var saved int
	require.NoError(t, e.do(admin, "directory import", func(ctx context.Context, w *app.Work) error {
		res, err := e.vagin.Import(ctx, w, strings.NewReader("function_name,topics,municipality_codes,visibility,channels\n"+
			"Socialförvaltningen Grums växel,EKONOMISKT_BISTAND,1764,PUBLIC,phone: 0555-420 10\n"), csvdialect.Input{})
		saved = len(res.Saved)
		return err
	}))
	require.Equal(t, 1, saved)
	rec, ok := e.lastRecord(admin, "directory import")
	require.True(t, ok)
	require.Equal(t, "ALLOWED", rec.Decision)
	require.Len(t, rec.ObjectIDs, 1)
}

// The catalogue is open and unaudited; a federation's municipalities are
// those of its members today, by the request's clock.
func TestOrgs_Catalogue(t *testing.T) {
	t.Parallel()
	e := setup(t)
	fed := demo.ID("federation/samspelet")
	require.NoError(t, e.do(e.actor("af.karlstad", ""), "federations", func(ctx context.Context, w *app.Work) error {
		ms, err := e.orgs.MunicipalitiesOfFederations(ctx, w, []uuid.UUID{fed})
		var codes []string
		for _, m := range ms[fed] {
			codes = append(codes, m.Code)
		}
		require.ElementsMatch(t, []string{"1780", "1764", "1761", "1781"}, codes)
		return err
	}))
	_, ok := e.lastRecord(e.actor("af.karlstad", ""), "federations")
	require.False(t, ok, "the catalogue holds no personal data")
}

// A fallback chain is followed as far as the reader may see, and at most
// vagin.MaxFallbacks deep.
func TestVagin_FallbackChains(t *testing.T) {
	t.Parallel()
	e := setup(t)
	admin := app.CommandLineActor(demo.ID("org/grums"), tenancy.Kommun, "anna", identity.OrgAdmin)
	// Seven entries, each falling back to the one saved before it; the
	// first three only for Grums's own staff.
	var ids []uuid.UUID
	require.NoError(t, e.do(admin, "directory", func(ctx context.Context, w *app.Work) error {
		for i := range 7 {
			in := directory.EntryInput{
				FunctionName:      "Grums fallback " + string(rune('A'+i)),
				Topics:            []directory.Topic{"EKONOMISKT_BISTAND"},
				MunicipalityCodes: []string{"1764"},
				Visibility:        directory.Public,
				Channels:          []directory.Channel{{Kind: directory.Phone, Value: "0555-420 10", Visibility: directory.Public}},
			}
			if i < 3 {
				in.Visibility = directory.Organisation
				in.Channels[0].Visibility = directory.Organisation
			}
			if i > 0 {
				in.FallbackEntryID = &ids[i-1]
			}
			saved, err := e.vagin.Save(ctx, w, in)
			if err != nil {
				return err
			}
			ids = append(ids, saved.ID)
		}
		return nil
	}))
	last := len(ids) - 1
	chains := func(actor app.Actor, starts ...vagin.ChainStart) [][]string {
		var names [][]string
		require.NoError(t, e.do(actor, "directory", func(ctx context.Context, w *app.Work) error {
			got, err := e.vagin.FallbackChains(ctx, w, starts)
			for _, chain := range got {
				var n []string
				for _, entry := range chain {
					n = append(n, strings.TrimPrefix(entry.FunctionName, "Grums fallback "))
				}
				names = append(names, n)
			}
			return err
		}))
		return names
	}
	fromLast := vagin.ChainStart{EntryID: ids[last], Fallback: &ids[last-1]}
	self := vagin.ChainStart{EntryID: ids[0], Fallback: &ids[0]}
	none := vagin.ChainStart{EntryID: ids[0]}

	// Grums's own staff see the whole chain, cut at five.
	require.Equal(t, [][]string{{"F", "E", "D", "C", "B"}, nil, nil}, chains(admin, fromLast, self, none))
	// Another organisation's reader sees it end where the entries only
	// for Grums's staff begin.
	require.Equal(t, [][]string{{"F", "E", "D"}}, chains(e.actor("ph.fk", ""), fromLast))
}
