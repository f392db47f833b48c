// Package vagin holds the use cases of en väg in, the role-based contact
// directory: whom to contact about a topic for a person living in a
// municipality (waysIn), free-text search, a förbund's coverage report,
// and the organisation administrator's keeping of the own entries, from
// the API or a CSV file. Every reader sees the entries whose visibility
// admits them; changes are authorised by the policy and audited.
package vagin

import (
	"context"
	"io"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/app"
	"github.com/samverkanshub/hub/internal/authz"
	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/directory/csv"
	"github.com/samverkanshub/hub/internal/directory/resident"
	"github.com/samverkanshub/hub/internal/directory/search"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/csvdialect"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/relay"
	"github.com/samverkanshub/hub/internal/tenancy"
)

// Service is the directory of one hub.
type Service struct {
	app      *app.App
	resident *resident.Directory // the directory in memory; nil: every answer from SQL
}

// New returns the service. With a resident directory, waysIn is answered
// from memory whenever memory holds the directory's current version (see
// package resident); nil answers every question from SQL.
func New(a *app.App, memory *resident.Directory) *Service {
	return &Service{app: a, resident: memory}
}

// DefaultWaysIn is how many ways in an answer holds unless asked.
const DefaultWaysIn = 20

// WaysInRequest asks for the ways in for a topic in a municipality.
type WaysInRequest struct {
	Topic            directory.Topic
	MunicipalityCode string
	OrganizationKind *tenancy.OrganizationKind // only this kind of organisation
	First            *int                      // default DefaultWaysIn
}

// WaysAnswer is a waysIn answer.
type WaysAnswer struct {
	Ways []directory.WayIn
	// Memory, when the answer came from the resident directory, is the
	// directory as the actor sees it at the version current when the
	// request asked: the relations of the answer's entries (channels,
	// fallbacks, organisations, units) are read from it too, with the
	// same visibility. Nil when the answer came from SQL.
	Memory *resident.View
}

// WaysIn answers whom to contact, best first.
func (s *Service) WaysIn(ctx context.Context, w *app.Work, r WaysInRequest) ([]directory.WayIn, error) {
	a, err := s.Ways(ctx, w, r)
	return a.Ways, err
}

// Ways answers whom to contact, best first, from memory when it holds the
// directory's current version and otherwise from SQL.
func (s *Service) Ways(ctx context.Context, w *app.Work, r WaysInRequest) (WaysAnswer, error) {
	if err := w.Allow(ctx, authz.Read, authz.Object{Kind: authz.DirectoryEntry}); err != nil {
		return WaysAnswer{}, err
	}
	n := DefaultWaysIn
	if r.First != nil {
		n = *r.First
	}
	if n < 1 || n > directory.MaxWaysIn {
		return WaysAnswer{}, apperr.Invalidf("first must be between 1 and %d", directory.MaxWaysIn)
	}
	if err := tenancy.ValidateKommunkod(r.MunicipalityCode); err != nil {
		return WaysAnswer{}, err
	}
	var kind *string
	if r.OrganizationKind != nil {
		k := string(*r.OrganizationKind)
		kind = &k
	}
	viewer := w.Principal().OrgID
	if s.resident != nil {
		today, err := w.Today(ctx)
		if err != nil {
			return WaysAnswer{}, err
		}
		// Without the version (err), memory may not answer: SQL does, or
		// reports the database's trouble itself.
		if view, ok, err := s.resident.View(ctx, viewer, today); err == nil && ok {
			ways := view.WaysIn(r.Topic, r.MunicipalityCode, kind, n)
			if len(ways) == 0 && !view.MunicipalityExists(r.MunicipalityCode) {
				return WaysAnswer{}, apperr.Invalidf("unknown municipality code %q", r.MunicipalityCode)
			}
			return WaysAnswer{Ways: ways, Memory: view}, nil
		}
	}
	ways, err := directory.WaysIn(ctx, w.Tx(), viewer, r.Topic, r.MunicipalityCode, kind, n)
	if err != nil {
		return WaysAnswer{}, err
	}
	if len(ways) == 0 { // only then is it worth asking whether the place exists
		if _, ok, err := tenancy.MunicipalityByCode(ctx, w.Tx(), r.MunicipalityCode); err != nil {
			return WaysAnswer{}, err
		} else if !ok {
			return WaysAnswer{}, apperr.Invalidf("unknown municipality code %q", r.MunicipalityCode)
		}
	}
	return WaysAnswer{Ways: ways}, nil
}

// SearchRequest is a free-text search of the directory.
type SearchRequest struct {
	Query  string
	Filter search.Filter
	Page   page.Request
}

// Search finds the entries matching a query, best first.
func (s *Service) Search(ctx context.Context, w *app.Work, r SearchRequest) (page.Result[search.Hit], error) {
	if err := w.Allow(ctx, authz.Read, authz.Object{Kind: authz.DirectoryEntry}); err != nil {
		return page.Result[search.Hit]{}, err
	}
	if r.Filter.MunicipalityCode != nil {
		if err := tenancy.ValidateKommunkod(*r.Filter.MunicipalityCode); err != nil {
			return page.Result[search.Hit]{}, err
		}
	}
	return search.Find(ctx, w.Tx(), w.Principal().OrgID, r.Query, r.Filter, r.Page)
}

// CountSearch counts a search's matches, up to page.MaxCount.
func (s *Service) CountSearch(ctx context.Context, w *app.Work, query string, f search.Filter) (int, error) {
	return search.Count(ctx, w.Tx(), w.Principal().OrgID, query, f)
}

// Coverage is a förbund's report of which topics each member municipality
// has a way in for.
func (s *Service) Coverage(ctx context.Context, w *app.Work, federationID uuid.UUID) ([]directory.CoverageCell, error) {
	feds, err := tenancy.FederationsByID(ctx, w.Tx(), []uuid.UUID{federationID})
	if err != nil {
		return nil, err
	}
	fed, ok := feds[federationID]
	if !ok {
		return nil, apperr.NotFoundf("no federation with that id")
	}
	if err := w.Allow(ctx, authz.Read, authz.Object{Kind: authz.DirectoryCoverage, OwnerOrgID: fed.OrgID,
		ID: relay.ID(relay.TypeFederation, federationID)}); err != nil {
		return nil, err
	}
	now, err := w.Now(ctx)
	if err != nil {
		return nil, err
	}
	return directory.Coverage(ctx, w.Tx(), w.Principal().OrgID, federationID, now)
}

// Entries loads the entries among ids visible to the actor.
func (s *Service) Entries(ctx context.Context, w *app.Work, ids []uuid.UUID) (map[uuid.UUID]directory.Entry, error) {
	return directory.EntriesByID(ctx, w.Tx(), w.Principal().OrgID, ids)
}

// MaxFallbacks bounds the length of an entry's fallback chain.
const MaxFallbacks = 5

// ChainStart is an entry whose fallback chain is asked for: its id and
// the first entry it falls back to (nil: none).
type ChainStart struct {
	EntryID  uuid.UUID
	Fallback *uuid.UUID
}

// FallbackChains follows each start's fallback entries, at most
// MaxFallbacks deep, loading one level of all the chains at a time. A
// chain ends at an entry the actor cannot see (archived, or not visible),
// and where it would return to an entry already in it.
func (s *Service) FallbackChains(ctx context.Context, w *app.Work, starts []ChainStart) ([][]directory.Entry, error) {
	chains := make([][]directory.Entry, len(starts))
	next := make([]*uuid.UUID, len(starts))
	seen := make([]map[uuid.UUID]bool, len(starts))
	for i, st := range starts {
		chains[i] = []directory.Entry{}
		next[i] = st.Fallback
		seen[i] = map[uuid.UUID]bool{st.EntryID: true}
	}
	for level := 0; level < MaxFallbacks; level++ {
		var ids []uuid.UUID
		for i := range starts {
			if next[i] != nil && seen[i][*next[i]] {
				next[i] = nil
			}
			if next[i] != nil {
				ids = append(ids, *next[i])
			}
		}
		if len(ids) == 0 {
			break
		}
		found, err := s.Entries(ctx, w, ids)
		if err != nil {
			return nil, err
		}
		for i := range starts {
			if next[i] == nil {
				continue
			}
			e, ok := found[*next[i]]
			if !ok {
				next[i] = nil
				continue
			}
			seen[i][e.ID] = true
			chains[i] = append(chains[i], e)
			next[i] = e.FallbackEntryID
		}
	}
	return chains, nil
}

// Channels lists the channels of entries visible to the actor.
func (s *Service) Channels(ctx context.Context, w *app.Work, entryIDs []uuid.UUID) (map[uuid.UUID][]directory.Channel, error) {
	return directory.ChannelsByEntry(ctx, w.Tx(), w.Principal().OrgID, entryIDs)
}

// Save creates an entry of the actor's organisation (in.ID nil) or
// replaces one; saving counts as a review.
func (s *Service) Save(ctx context.Context, w *app.Work, in directory.EntryInput) (directory.Entry, error) {
	p := w.Principal()
	act := authz.Create
	if in.ID != nil {
		act = authz.Update
		w.Touch(relay.ID(relay.TypeDirectoryEntry, *in.ID))
	}
	if err := w.Allow(ctx, act, authz.Object{Kind: authz.DirectoryEntry, OwnerOrgID: p.OrgID}); err != nil {
		return directory.Entry{}, err
	}
	now, err := w.Now(ctx)
	if err != nil {
		return directory.Entry{}, err
	}
	e, err := directory.Save(ctx, w.Tx(), directory.Author{OrgID: p.OrgID, UserID: p.UserID, At: now}, in)
	if err != nil {
		return directory.Entry{}, err
	}
	w.Touch(relay.ID(relay.TypeDirectoryEntry, e.ID))
	return e, nil
}

// Archive archives an entry of the actor's organisation and returns it
// with the live entries that name it as their fallback.
func (s *Service) Archive(ctx context.Context, w *app.Work, id uuid.UUID) (directory.Entry, []directory.Entry, error) {
	p := w.Principal()
	gid := relay.ID(relay.TypeDirectoryEntry, id)
	w.Touch(gid)
	if err := w.Allow(ctx, authz.Delete, authz.Object{Kind: authz.DirectoryEntry, OwnerOrgID: p.OrgID, ID: gid}); err != nil {
		return directory.Entry{}, nil, err
	}
	now, err := w.Now(ctx)
	if err != nil {
		return directory.Entry{}, nil, err
	}
	return directory.Archive(ctx, w.Tx(), directory.Author{OrgID: p.OrgID, UserID: p.UserID, At: now}, id)
}

// Import saves the entries of a CSV file (the phone-list format of
// docs/directory.md) for the actor's organisation, all or nothing: one bad
// line and nothing is saved. Each entry saved is in the audit record. in
// forces the file's separator or encoding; its zero value detects them.
func (s *Service) Import(ctx context.Context, w *app.Work, r io.Reader, in csvdialect.Input) (csv.ImportResult, error) {
	p := w.Principal()
	if err := w.Allow(ctx, authz.Create, authz.Object{Kind: authz.DirectoryEntry, OwnerOrgID: p.OrgID}); err != nil {
		return csv.ImportResult{}, err
	}
	if err := w.Allow(ctx, authz.Update, authz.Object{Kind: authz.DirectoryEntry, OwnerOrgID: p.OrgID}); err != nil {
		return csv.ImportResult{}, err
	}
	w.Touch() // an attempt to change the directory is audited, whatever its outcome
	rows, err := csv.Parse(r, in)
	if err != nil {
		return csv.ImportResult{}, err
	}
	now, err := w.Now(ctx)
	if err != nil {
		return csv.ImportResult{}, err
	}
	res, err := csv.Import(ctx, w.Tx(), directory.Author{OrgID: p.OrgID, UserID: p.UserID, At: now}, rows)
	if err != nil {
		return res, err
	}
	for _, id := range res.Saved {
		w.Touch(relay.ID(relay.TypeDirectoryEntry, id))
	}
	return res, nil
}
