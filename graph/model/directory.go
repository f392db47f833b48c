package model

import (
	"time"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/directory/search"
	"github.com/samverkanshub/hub/internal/platform/page"
	"github.com/samverkanshub/hub/internal/platform/relay"
)

// DirectoryEntry is the GraphQL DirectoryEntry.
type DirectoryEntry struct {
	ID                string
	FunctionName      string
	Description       string
	Topics            []directory.Topic
	LeadTopics        []directory.Topic
	TargetGroups      []string
	MunicipalityCodes []string
	National          bool
	Visibility        directory.Visibility
	ExpectedAnswer    *string
	StaffedByRoles    []string
	ReviewedAt        time.Time
	ReviewedBy        string
	Stale             bool

	Key         uuid.UUID
	OrgKey      uuid.UUID
	UnitKey     *uuid.UUID
	FallbackKey *uuid.UUID
}

// IsNode marks DirectoryEntry as a Node.
func (DirectoryEntry) IsNode() {}

// GetID returns the global id.
func (e DirectoryEntry) GetID() string { return e.ID }

func topics(ts []string) []directory.Topic {
	out := make([]directory.Topic, len(ts))
	for i, t := range ts {
		out[i] = directory.Topic(t)
	}
	return out
}

// FromEntry converts a domain entry; now decides Stale.
func FromEntry(e directory.Entry, now time.Time) *DirectoryEntry {
	return &DirectoryEntry{
		ID: relay.ID(relay.TypeDirectoryEntry, e.ID), FunctionName: e.FunctionName, Description: e.Description,
		Topics: topics(e.Topics), LeadTopics: topics(e.LeadTopics), TargetGroups: nonNil(e.TargetGroups),
		MunicipalityCodes: nonNil(e.MunicipalityCodes), National: e.National, Visibility: e.Visibility,
		ExpectedAnswer: e.ExpectedAnswer, StaffedByRoles: nonNil(e.StaffedByRoles),
		ReviewedAt: e.ReviewedAt, ReviewedBy: e.ReviewedBy, Stale: e.Stale(now),
		Key: e.ID, OrgKey: e.OrgID, UnitKey: e.UnitID, FallbackKey: e.FallbackEntryID,
	}
}

// ContactChannel is the GraphQL ContactChannel.
type ContactChannel struct {
	Kind         directory.ChannelKind
	Value        string
	Note         string
	OpeningHours []*directory.Hours
	OpenNow      *bool
	Visibility   directory.Visibility
}

// FromChannel converts a domain channel; now decides OpenNow.
func FromChannel(c directory.Channel, now time.Time) *ContactChannel {
	hours := make([]*directory.Hours, len(c.OpeningHours))
	for i := range c.OpeningHours {
		hours[i] = &c.OpeningHours[i]
	}
	return &ContactChannel{
		Kind: c.Kind, Value: c.Value, Note: c.Note, OpeningHours: hours,
		OpenNow: directory.OpenAt(c.OpeningHours, now), Visibility: c.Visibility,
	}
}

// WayIn is the GraphQL WayIn.
type WayIn struct {
	Match directory.MatchLevel
	Entry *DirectoryEntry
	// Fallbacks is the fallback chain when it was read with the answer
	// (FallbacksKnown: from the resident directory); otherwise the
	// fallbackChain resolver reads it.
	Fallbacks      []*DirectoryEntry
	FallbacksKnown bool
}

// DirectoryEntryConnection is a page of search hits.
type DirectoryEntryConnection struct {
	Edges    []*DirectoryEntryEdge
	Nodes    []*DirectoryEntry
	PageInfo *PageInfo

	Viewer uuid.UUID
	Query  string
	Filter search.Filter
}

// NewDirectoryEntryConnection builds a connection from a page of hits.
func NewDirectoryEntryConnection(p page.Result[search.Hit], now time.Time, viewer uuid.UUID, query string, f search.Filter) *DirectoryEntryConnection {
	c := &DirectoryEntryConnection{Viewer: viewer, Query: query, Filter: f}
	c.Edges, c.Nodes, c.PageInfo = connect(p, func(h search.Hit) *DirectoryEntry { return FromEntry(h.Entry, now) }, search.HitKey,
		func(cursor string, n *DirectoryEntry) *DirectoryEntryEdge {
			return &DirectoryEntryEdge{Cursor: cursor, Node: n}
		})
	return c
}

// CoverageReport is the GraphQL CoverageReport.
type CoverageReport struct {
	Cells []*CoverageCell
	Gaps  int

	FederationKey uuid.UUID
}

// NewCoverageReport converts the domain cells.
func NewCoverageReport(federationID uuid.UUID, cells []directory.CoverageCell) *CoverageReport {
	r := &CoverageReport{FederationKey: federationID, Cells: make([]*CoverageCell, len(cells))}
	for i, c := range cells {
		st := c.Status()
		r.Cells[i] = &CoverageCell{Topic: c.Topic, MunicipalityCode: c.MunicipalityCode, Entries: c.Entries, Status: st}
		if st != directory.Covered {
			r.Gaps++
		}
	}
	return r
}
