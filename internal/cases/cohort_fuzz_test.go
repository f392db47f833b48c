package cases

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samverkanshub/hub/internal/platform/apperr"
)

// FuzzParseCohortFile reads any bytes as a screening cohort file, seeded
// with the files Swedish Excel writes and broken ones. The rule: no panic;
// a file is refused only with the client's error (BAD_USER_INPUT naming
// the problem), never an internal one; and what it accepts is whole: every
// household on a line after the header, with an answer to every criterion
// of the routine and nothing else. `make fuzz` runs it longer.
func FuzzParseCohortFile(f *testing.F) {
	for _, name := range []string{"cohort-excel-semikolon-ansi.csv", "cohort-excel-utf8-bom.csv"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "personnummer;fornamn;efternamn;SGI_SAKNAS;MISSBRUK\n",
		"personnummer,fornamn,efternamn,sgi_saknas,missbruk\r\n197707077017,Åsa,Öberg,ja,nej\r\n",
		"personnummer;fornamn;efternamn;SGI_SAKNAS;MISSBRUK\n1,97707E+11;A;B;ja;nej\n",
		"personnummer;fornamn;efternamn;SGI_SAKNAS;MISSBRUK;SGI_SAKNAS\n\"19770707-7017;A;B;kanske;\n",
		"\xef\xbb\xbfpersonnummer;fornamn;efternamn;SGI_SAKNAS;MISSBRUK\n'197707077017;\"A\nB\";C;JA;Nej\n",
	} {
		f.Add([]byte(s))
	}
	today := time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseCohortFile(bytes.NewReader(data), cohortRoutine, today)
		if err != nil {
			if code := apperr.CodeOf(err); code != apperr.Invalid {
				t.Fatalf("refused with %s, not the client's error: %v", code, err)
			}
			if rows != nil {
				t.Fatalf("refused, yet %d rows returned", len(rows))
			}
			return
		}
		if len(rows) == 0 {
			t.Fatal("accepted a file without households")
		}
		for _, r := range rows {
			if r.Line < 2 {
				t.Fatalf("a household on line %d, at or before the header", r.Line)
			}
			if len(r.Answers) != len(cohortRoutine.Screening) {
				t.Fatalf("line %d: answers %v, want one for each of the routine's %d criteria", r.Line, r.Answers, len(cohortRoutine.Screening))
			}
			for _, c := range cohortRoutine.Screening {
				if _, ok := r.Answers[c.Key]; !ok {
					t.Fatalf("line %d: no answer to %s", r.Line, c.Key)
				}
			}
		}
	})
}
