package resident

import (
	"unsafe"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/directory"
)

// packer moves the many small values a load reads (each entry's strings,
// lists and optional ids, each channel's texts and hours) into a few large
// blocks. The directory stays in memory for as long as its version is
// current, and every garbage collection marks what it holds: as a million
// small objects that cost the hub about a quarter of its CPU on waysIn;
// packed, a few hundred blocks, most of them without pointers, which the
// collector does not scan at all.
//
// A packed string points into a byte block (unsafe.String) and is never
// modified, as Go strings never are; the views hand out the packed values
// read-only, as before.
type packer struct {
	bytes   []byte
	strings []string
	ids     []uuid.UUID
	hours   []directory.Hours

	blocks int // blocks begun: each kind's next block is larger, up to its maximum
}

// The largest blocks. The first blocks are small (an organisation's
// internal part may be one entry) and each next one is larger.
const (
	byteBlock   = 1 << 20
	stringBlock = 1 << 14
	idBlock     = 1 << 12
	hoursBlock  = 1 << 12
)

// size is the capacity of a new block of at most maximum elements that
// must hold need.
func (p *packer) size(maximum, need int) int {
	p.blocks++
	return max(need, min(maximum, 64<<min(p.blocks, 20)))
}

func (p *packer) str(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > byteBlock/4 {
		return s // a rare long text keeps its own allocation
	}
	if cap(p.bytes)-len(p.bytes) < len(s) {
		p.bytes = make([]byte, 0, p.size(byteBlock, len(s)))
	}
	start := len(p.bytes)
	p.bytes = append(p.bytes, s...)
	return unsafe.String(&p.bytes[start], len(s))
}

// list packs a list of strings; nil stays nil.
func (p *packer) list(ss []string) []string {
	if ss == nil {
		return nil
	}
	if cap(p.strings)-len(p.strings) < len(ss) {
		p.strings = make([]string, 0, p.size(stringBlock, len(ss)))
	}
	start := len(p.strings)
	for _, s := range ss {
		p.strings = append(p.strings, p.str(s))
	}
	return p.strings[start:len(p.strings):len(p.strings)]
}

func (p *packer) id(id *uuid.UUID) *uuid.UUID {
	if id == nil {
		return nil
	}
	if len(p.ids) == cap(p.ids) {
		p.ids = make([]uuid.UUID, 0, p.size(idBlock, 1))
	}
	p.ids = append(p.ids, *id)
	return &p.ids[len(p.ids)-1]
}

func (p *packer) optional(s *string) *string {
	if s == nil {
		return nil
	}
	if cap(p.strings) == len(p.strings) {
		p.strings = make([]string, 0, p.size(stringBlock, 1))
	}
	p.strings = append(p.strings, p.str(*s))
	return &p.strings[len(p.strings)-1]
}

// entries packs loaded entries into one slice and indexes them by id.
func (p *packer) entries(loaded []directory.Entry) map[uuid.UUID]*directory.Entry {
	block := make([]directory.Entry, len(loaded))
	out := make(map[uuid.UUID]*directory.Entry, len(loaded))
	for i, e := range loaded {
		block[i] = directory.Entry{
			ID: e.ID, OrgID: e.OrgID, UnitID: p.id(e.UnitID), FunctionName: p.str(e.FunctionName),
			Description: p.str(e.Description), Topics: p.list(e.Topics), LeadTopics: p.list(e.LeadTopics),
			TargetGroups: p.list(e.TargetGroups), MunicipalityCodes: p.list(e.MunicipalityCodes),
			National: e.National, Visibility: directory.Visibility(interned(string(e.Visibility))),
			ExpectedAnswer: p.optional(e.ExpectedAnswer), FallbackEntryID: p.id(e.FallbackEntryID),
			StaffedByRoles: p.list(e.StaffedByRoles), ContactPersons: p.list(e.ContactPersons),
			ReviewedAt: e.ReviewedAt, ReviewedBy: p.str(e.ReviewedBy),
		}
		out[e.ID] = &block[i]
	}
	return out
}

// channel packs one channel's texts and hours.
func (p *packer) channel(c channel) channel {
	c.Kind = directory.ChannelKind(interned(string(c.Kind)))
	c.Visibility = directory.Visibility(interned(string(c.Visibility)))
	c.Value, c.Note = p.str(c.Value), p.str(c.Note)
	if c.OpeningHours != nil {
		if cap(p.hours)-len(p.hours) < len(c.OpeningHours) {
			p.hours = make([]directory.Hours, 0, p.size(hoursBlock, len(c.OpeningHours)))
		}
		start := len(p.hours)
		for _, h := range c.OpeningHours {
			p.hours = append(p.hours, directory.Hours{Day: h.Day, From: p.str(h.From), To: p.str(h.To)})
		}
		c.OpeningHours = p.hours[start:len(p.hours):len(p.hours)]
	}
	return c
}
