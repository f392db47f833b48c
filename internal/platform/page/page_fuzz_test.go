package page

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// FuzzDecode: a cursor from a client never panics the decoder, is refused
// as the client's mistake (never INTERNAL) unless it decodes, and every
// cursor the server makes decodes to what it encoded.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		"", "=", "Yzo", Encode(Key{Sort: "2026-12-05T10:00:00Z", ID: uuid.MustParse("9b2f6c1e-4a3b-4c55-9f0e-0123456789ab")}),
		Encode(Key{Sort: "", ID: uuid.Nil}), Encode(Key{Sort: "åäö:;\x00", ID: uuid.Max}), "YzE6", "YzE6eHh4eHh4eHgteHh4eC14eHh4LXh4eHgteHh4eHh4eHh4eHh4Og",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, cursor string) {
		k, err := Decode(cursor)
		if err != nil {
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Code == apperr.Internal {
				t.Fatalf("Decode(%q): %v is not a client error", cursor, err)
			}
			if !utf8.ValidString(err.Error()) {
				t.Fatalf("Decode(%q): the error is not valid UTF-8: %q", cursor, err.Error())
			}
			return
		}
		again, err := Decode(Encode(k))
		if err != nil || again != k {
			t.Fatalf("Decode(Encode(%+v)) = %+v, %v", k, again, err)
		}
	})
}
