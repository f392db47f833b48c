package relay

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// FuzzParseID: an id from a client never panics the parser, is refused as
// the client's mistake (never INTERNAL) unless it parses, and every id the
// server makes parses to its type and uuid.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{
		"", ":", "Q2FzZTo", ID(TypeCase, uuid.MustParse("9b2f6c1e-4a3b-4c55-9f0e-0123456789ab")), ID("X", uuid.Nil),
		ID(TypeCaseHistory, uuid.Max), "Q2FzZTp7OWIyZjZjMWUtNGEzYi00YzU1LTlmMGUtMDEyMzQ1Njc4OWFifQ", "OjliMmY2YzFlLTRhM2ItNGM1NS05ZjBlLTAxMjM0NTY3ODlhYg",
	} {
		f.Add(s, TypeCase)
	}
	f.Fuzz(func(t *testing.T, gid, want string) {
		typ, id, err := ParseID(gid)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code == apperr.Internal {
				t.Fatalf("ParseID(%q): %v is not a client error", gid, err)
			}
			return
		}
		if typ == "" || id.String() == "" {
			t.Fatalf("ParseID(%q) = %q, %v", gid, typ, id)
		}
		if t2, id2, err := ParseID(ID(typ, id)); err != nil || t2 != typ || id2 != id {
			t.Fatalf("ParseID(ID(%q, %v)) = %q, %v, %v", typ, id, t2, id2, err)
		}
		got, err := ParseIDOf(want, gid)
		switch {
		case typ == want && (err != nil || got != id):
			t.Fatalf("ParseIDOf(%q, %q) = %v, %v; want %v", want, gid, got, err, id)
		case typ != want && err == nil:
			t.Fatalf("ParseIDOf(%q, %q) accepted an id of a %s", want, gid, typ)
		}
	})
}
