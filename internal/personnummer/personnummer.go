// Package personnummer parses Swedish personal identity numbers
// (personnummer) and coordination numbers (samordningsnummer).
//
// A Number never prints its digits: String, GoString, Format and LogValue
// all give a redacted placeholder, so a number that slips into a log line
// or an error message shows nothing. Digits is the one way to the value,
// for encryption and the blind index.
package personnummer

import (
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Kind tells a personnummer from a samordningsnummer.
type Kind string

// The kinds of number.
const (
	Personnummer      Kind = "PERSONNUMMER"
	Samordningsnummer Kind = "SAMORDNINGSNUMMER"
)

// Number is a valid number, normalised to twelve digits YYYYMMDDNNNC (for a
// samordningsnummer DD is the day plus 60).
type Number struct {
	digits string
	kind   Kind
}

// Errors name the problem, never the number.
var (
	ErrFormat     = errors.New("a personnummer or samordningsnummer is written YYMMDD-NNNN, YYMMDDNNNN, YYYYMMDD-NNNN or YYYYMMDDNNNN")
	ErrDate       = errors.New("the number's date of birth is not a real date")
	ErrCheckDigit = errors.New("the number's check digit is wrong")
	ErrFuture     = errors.New("the number's date of birth is in the future")
)

// Parse reads a number with or without century and separator. Without a
// century, "-" means born in the last 100 years before today and "+" means
// 100 years or more ago (as the Tax Agency writes them). With a century the
// separator must be "-" or absent.
func Parse(s string, today time.Time) (Number, error) {
	s = strings.TrimSpace(s)
	if len(s) > 13 {
		return Number{}, ErrFormat
	}
	sep := byte(0)
	var digits []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = append(digits, c)
		case (c == '-' || c == '+') && sep == 0 && len(digits) >= 6 && len(s)-i == 5:
			sep = c
		default:
			return Number{}, ErrFormat
		}
	}
	century := -1 // given: 12 digits
	switch len(digits) {
	case 12:
		if sep == '+' {
			return Number{}, ErrFormat
		}
		century = atoi(digits[0:2]) * 100
		digits = digits[2:]
	case 10:
	default:
		return Number{}, ErrFormat
	}
	if luhn(digits[0:9]) != int(digits[9]-'0') {
		return Number{}, ErrCheckDigit
	}
	month := atoi(digits[2:4])
	day := atoi(digits[4:6])
	kind := Personnummer
	if day > 60 {
		kind = Samordningsnummer
		day -= 60
	}
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return Number{}, ErrDate
	}
	yy := atoi(digits[0:2])
	if century < 0 {
		// The most recent birthday not after today; "+" adds a hundred years.
		century = (today.Year() - yy) / 100 * 100
		if date(century+yy, month, day).After(today) {
			century -= 100
		}
		if sep == '+' {
			century -= 100
		}
	}
	if century < 1800 {
		return Number{}, ErrDate
	}
	born := date(century+yy, month, day)
	if born.Month() != time.Month(month) || born.Day() != day {
		return Number{}, ErrDate
	}
	if born.After(today) {
		return Number{}, ErrFuture
	}
	return Number{digits: fmt.Sprintf("%02d", century/100) + string(digits), kind: kind}, nil
}

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func atoi(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}

// luhn returns the check digit of nine digits (YYMMDDNNN).
func luhn(d []byte) int {
	sum := 0
	for i, c := range d {
		v := int(c - '0')
		if i%2 == 0 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return (10 - sum%10) % 10
}

// CheckDigit computes the check digit for the first nine digits of a
// ten-digit number (YYMMDDNNN); test data generators use it.
func CheckDigit(nine string) int { return luhn([]byte(nine)) }

// Digits returns the twelve digits. Handle them as secret: encrypt or hash
// them, never log them.
func (n Number) Digits() string { return n.digits }

// Kind says whether this is a personnummer or a samordningsnummer.
func (n Number) Kind() Kind { return n.kind }

// IsZero reports whether n holds no number.
func (n Number) IsZero() bool { return n.digits == "" }

// Formatted returns YYYYMMDD-NNNN, for display to those allowed to see it.
func (n Number) Formatted() string {
	if n.digits == "" {
		return ""
	}
	return n.digits[:8] + "-" + n.digits[8:]
}

const redacted = "[personnummer]"

// String is redacted: a Number never prints its digits by accident.
func (n Number) String() string { return redacted }

// GoString is redacted too (%#v).
func (n Number) GoString() string { return redacted }

// LogValue keeps the number out of structured logs.
func (n Number) LogValue() slog.Value { return slog.StringValue(redacted) }

// FromDigits rebuilds a Number from twelve stored digits (after
// decryption). It validates them as Parse does.
func FromDigits(digits string, today time.Time) (Number, error) {
	if len(digits) != 12 {
		return Number{}, ErrFormat
	}
	return Parse(digits, today)
}

// candidate is a number written as a number could be, at the start of
// the text it is matched against: a date of six or eight digits, or
// YYYY-MM-DD (YY-MM-DD), then a separator ("-" or "+", with or without
// spaces around it, or spaces alone, or nothing), then four digits, and
// then no further digit. The text is normalised first (normalise).
var candidate = regexp.MustCompile(`^([0-9]{6}|[0-9]{8}|(?:[0-9]{2})?[0-9]{2}-[0-9]{2}-[0-9]{2}) *([-+]?) *([0-9]{4})(?:[^0-9]|$)`)

// normalise folds what free text may write a number with to what
// candidate reads: compatibility forms (NFKC: full-width digits and
// dashes, no-break spaces) to their plain forms, every other dash and
// minus to "-", every space (tab, thin or narrow no-break space, a line
// break) to " ", and drops invisible characters (zero-width spaces and
// joiners, the soft hyphen, the byte order mark).
func normalise(text string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '\u2010' && r <= '\u2015', r == '\u2212', r == '\ufe58', r == '\ufe63', r == '\u2e3a', r == '\u2e3b':
			return '-'
		case r == '\u00ad', r == '\u200b', r == '\u200c', r == '\u200d', r == '\u2060', r == '\ufeff':
			return -1
		case unicode.IsSpace(r):
			return ' '
		}
		return r
	}, norm.NFKC.String(text))
}

// Contains reports whether text holds a valid personnummer or
// samordningsnummer, as Parse reads one or as people also write one in
// free text: with a space, an en dash or a no-break space as the
// separator, spaces around it, the date written YYYY-MM-DD, in full-width
// digits. It is for refusing free text that must be de-identified, and
// it never says which number. Every place a run of digits begins is tried
// (a candidate that is not a valid number does not hide one after it).
func Contains(text string, today time.Time) bool {
	text = normalise(text)
	for i := 0; i < len(text); i++ {
		if !isDigit(text[i]) || (i > 0 && isDigit(text[i-1])) {
			continue
		}
		m := candidate.FindStringSubmatchIndex(text[i:])
		if m == nil {
			continue
		}
		written, sep, last, rest := text[i+m[2]:i+m[3]], text[i+m[4]:i+m[5]], text[i+m[6]:i+m[7]], text[i+m[7]:]
		date := strings.ReplaceAll(written, "-", "")
		if date != written && len(rest) > 1 && strings.ContainsRune("-./", rune(rest[0])) && isDigit(rest[1]) {
			continue // a range of dates, 2026-01-15 - 2026-03-15, not a number
		}
		if sep == "" || len(date) == 8 {
			sep = "-" // with a century the separator says nothing
		}
		if _, err := Parse(date+sep+last, today); err == nil {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
