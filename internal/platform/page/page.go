// Package page implements keyset pagination: a request for the first N items
// after a cursor, and opaque cursors that encode the sort key and id of the
// last item seen. OFFSET is never used.
package page

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// Limits on page size.
const (
	DefaultSize = 20
	MaxSize     = 100
)

// Key is the position of an item in a list sorted by (Sort, ID).
type Key struct {
	Sort string
	ID   uuid.UUID
}

// Request asks for up to First items after After (nil: from the start).
type Request struct {
	First int
	After *Key
}

// Result is one page of items, in order.
type Result[T any] struct {
	Items   []T
	HasNext bool
}

const cursorPrefix = "c1:"

// Encode renders k as an opaque cursor.
func Encode(k Key) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + k.ID.String() + ":" + k.Sort))
}

// Decode parses a cursor made by Encode.
func Decode(cursor string) (Key, error) {
	bad := apperr.Invalidf("invalid cursor %q: pass a cursor from a previous page's edges or pageInfo.endCursor", truncate(cursor))
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return Key{}, bad
	}
	s, ok := strings.CutPrefix(string(raw), cursorPrefix)
	if !ok || len(s) < 37 || s[36] != ':' {
		return Key{}, bad
	}
	id, err := uuid.Parse(s[:36])
	if err != nil {
		return Key{}, bad
	}
	return Key{ID: id, Sort: s[37:]}, nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// NewRequest validates GraphQL-style first/after arguments.
func NewRequest(first *int, after *string) (Request, error) {
	r := Request{First: DefaultSize}
	if first != nil {
		if *first < 0 || *first > MaxSize {
			return Request{}, apperr.Invalidf("first must be between 0 and %d, got %d", MaxSize, *first)
		}
		r.First = *first
	}
	if after != nil {
		k, err := Decode(*after)
		if err != nil {
			return Request{}, err
		}
		r.After = &k
	}
	return r, nil
}

// Trim cuts a result fetched with LIMIT First+1 to First items and reports
// whether there were more.
func Trim[T any](items []T, first int) Result[T] {
	if len(items) > first {
		return Result[T]{Items: items[:first], HasNext: true}
	}
	return Result[T]{Items: items}
}

// MaxCount is the largest totalCount of a list whose every row is checked
// against a rule (a samtycke per row): a count of MaxCount means that many
// or more. Counting FK's 147,250 visible cases took 2–3.5 s; counting to
// 1,000 takes milliseconds.
const MaxCount = 1000

// BoundedCount wraps a query that selects the rows to count (any columns)
// into one that counts at most MaxCount of them.
func BoundedCount(rowsSQL string) string {
	return "SELECT count(*) FROM (" + rowsSQL + " LIMIT " + strconv.Itoa(MaxCount) + ") counted"
}
