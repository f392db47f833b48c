package personnummer

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

var today = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func TestParse_AcceptsEveryWritingOfOneNumber(t *testing.T) {
	// 19121212-1212 is the Tax Agency's classic test number.
	for _, in := range []string{"19121212-1212", "191212121212", "121212+1212", " 19121212-1212 "} {
		n, err := Parse(in, today)
		if err != nil {
			t.Fatalf("Parse(%q): %v", in, err)
		}
		if n.Digits() != "191212121212" || n.Kind() != Personnummer {
			t.Errorf("Parse(%q) = %s %s, want 191212121212 PERSONNUMMER", in, n.Digits(), n.Kind())
		}
	}
	// Without "+" a ten-digit number is under 100 years old.
	n, err := Parse("121212-1212", today)
	if err != nil || n.Digits() != "201212121212" {
		t.Fatalf("121212-1212 = %q, %v; want 201212121212", n.Digits(), err)
	}
	n, err = Parse("1212121212", today)
	if err != nil || n.Digits() != "201212121212" {
		t.Fatalf("1212121212 = %q, %v; want 201212121212", n.Digits(), err)
	}
}

func TestParse_SamordningsnummerHasDayPlusSixty(t *testing.T) {
	nine := "701063239"
	in := fmt.Sprintf("%s%d", nine, CheckDigit(nine))
	n, err := Parse(in, today)
	if err != nil {
		t.Fatal(err)
	}
	if n.Kind() != Samordningsnummer || n.Digits() != "19"+in {
		t.Errorf("got %s %s", n.Digits(), n.Kind())
	}
}

func TestParse_NamesTheProblemNeverTheNumber(t *testing.T) {
	cases := map[string]error{
		"19121212-1213": ErrCheckDigit,
		"121212":        ErrFormat,
		"19121212_1212": ErrFormat,
		"1912121-21212": ErrFormat,
		"20121212+1212": ErrFormat,
		"abcdefghij":    ErrFormat,
		"":              ErrFormat,
	}
	// A real check digit on an impossible date (month 13, day 30 Feb, day 92).
	for _, nine := range []string{"191312121", "190230121", "191292121"} {
		cases[fmt.Sprintf("%s%d", nine, CheckDigit(nine))] = ErrDate
	}
	future := "301212121"
	cases[fmt.Sprintf("20%s%d", future, CheckDigit(future))] = ErrFuture
	for in, want := range cases {
		_, err := Parse(in, today)
		if err != want {
			t.Errorf("Parse(%q) = %v, want %v", in, err, want)
			continue
		}
		if digits := strings.Map(keepDigits, in); len(digits) >= 6 && strings.Contains(err.Error(), digits[:6]) {
			t.Errorf("the error for %q shows the number: %v", in, err)
		}
	}
}

func keepDigits(r rune) rune {
	if r >= '0' && r <= '9' {
		return r
	}
	return -1
}

func TestNumber_NeverPrintsItsDigits(t *testing.T) {
	n, err := Parse("19121212-1212", today)
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("registered", "number", n, "struct", struct{ N Number }{n})
	out := fmt.Sprintf("%v %+v %#v %s %q", n, n, n, n, n) + fmt.Errorf("wrapped: %v", n).Error() + logs.String()
	if strings.Contains(out, "121212") {
		t.Fatalf("the digits leaked: %s", out)
	}
}

// FuzzParse: the parser never panics, accepts only what it can normalise
// to twelve digits that parse to themselves again, and never echoes its
// input in an error.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"19121212-1212", "121212+1212", "7010632391", "000000-0000", "99999999-9999", "-", "+1212", "1212121212121"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		n, err := Parse(in, today)
		if err != nil {
			if d := strings.Map(keepDigits, in); len(d) >= 4 && strings.Contains(err.Error(), d) {
				t.Fatalf("error %q echoes the input", err)
			}
			return
		}
		d := n.Digits()
		if len(d) != 12 || strings.Map(keepDigits, d) != d {
			t.Fatalf("Parse(%q) normalised to %q", in, d)
		}
		again, err := Parse(d, today)
		if err != nil || again != n {
			t.Fatalf("Parse(%q) = %q does not parse to itself: %v", in, d, err)
		}
	})
}

func TestContains_FindsANumberInFreeTextAndNothingElse(t *testing.T) {
	for text, want := range map[string]bool{
		"Gäller 19850312-9804, se journal":       true,
		"pnr 850312-9804.":                       true,
		"pnr 198503129804":                       true,
		"pnr 850312 9804":                        true,
		"samordningsnummer 850372-9801?":         true,
		"Kvinna 40 år, sjukskriven sedan mars.":  false,
		"tel 054-540 00 00, dnr 2026/0113":       false,
		"ordernummer 1198503129804 (13 siffror)": false,
		"19850312-9805":                          false, // check digit wrong
	} {
		if got := Contains(text, today); got != want {
			t.Errorf("Contains(%q) = %v, want %v", text, got, want)
		}
	}
}

// The ways a number written in free text slipped past Contains (security
// review of the tasks, finding 4): other separators, spaces around one,
// the date written with dashes, full-width digits, and an invalid
// candidate just before a valid one.
func TestContains_FindsTheNumberHoweverItIsWritten(t *testing.T) {
	samordning := "850372980" + string(rune('0'+CheckDigit("850372980")))
	for _, tc := range []struct {
		name, text string
		want       bool
	}{
		{"dash", "Gäller 19850312-9804", true},
		{"no separator", "Gäller 8503129804", true},
		{"space", "Gäller 19850312 9804", true},
		{"samordningsnummer", "Gäller " + samordning, true},
		{"en dash", "Gäller 19850312\u20139804", true},
		{"em dash", "Gäller 850312\u20149804", true},
		{"minus sign", "Gäller 850312\u22129804", true},
		{"no-break space", "Gäller 19850312\u00a09804", true},
		{"narrow no-break space", "Gäller 850312\u202f9804", true},
		{"tab", "Gäller 850312\t9804", true},
		{"line break", "Gäller 850312\n9804", true},
		{"spaces around the dash", "Gäller 850312 - 9804", true},
		{"spaces around an en dash", "Gäller 19850312 \u2013 9804", true},
		{"plus, 100 years or older", "Gäller 150312 + 9809", true},
		{"dashed date", "Gäller 1985-03-12-9804", true},
		{"dashed date, space", "Gäller 1985-03-12 9804", true},
		{"dashed short date", "Gäller 85-03-12-9804", true},
		{"full-width digits", "Gäller \uff11\uff19\uff18\uff15\uff10\uff13\uff11\uff12-\uff19\uff18\uff10\uff14", true},
		{"full-width dash", "Gäller 850312\uff0d9804", true},
		{"zero-width space", "Gäller 850312\u200b9804", true},
		{"soft hyphen", "Gäller 850312\u00ad9804", true},
		{"a decoy just before", "Ref 000000-0000 19850312-9804", true},
		{"a decoy run into it", "Ref 0000000000 8503129804", true},
		{"a decoy with a dashed date", "1985-13-12-0000 1985-03-12-9804", true},

		{"no number", "Kvinna 40 år, sjukskriven sedan mars.", false},
		{"a telephone number", "tel 054-540 00 00, dnr 2026/0113", false},
		{"thirteen digits", "ordernummer 1198503129804 (13 siffror)", false},
		{"wrong check digit", "19850312\u20139805", false},
		{"a range of dates", "sjukskriven 2025-03-12 - 2026-03-15", false}, // 20250312-2026 alone is valid
		{"a range of dates, en dash", "2025-03-12\u20132026-03-15", false},
		{"a range of dates, compact", "sjukskriven 20250312 - 2026-03-15", true}, // written as a number: refused
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Contains(tc.text, today); got != tc.want {
				t.Errorf("Contains(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}
