package csv

import (
	"fmt"
	"slices"
	"strings"

	"github.com/samverkanshub/hub/internal/directory"
)

// The cell syntax of the phone-list format (docs/directory.md): lists
// separated by ";", weekly hours, and the channels cell with one channel per
// line. A backslash escapes the separators where a value may contain them:
// \; in list items, \| in channel values and notes, \n for a line break and
// \\ for a backslash. A backslash before anything else is kept as it is, so
// old files with a stray backslash read as before. Around all of that, a
// whole cell may start with a ' that keeps spreadsheets from running it
// (neutralise, unquote).

// channelWords names the channel kinds in the channels cell and in the
// per-kind columns of the first format.
var channelWords = []struct {
	kind directory.ChannelKind
	word string
}{
	{directory.Phone, "phone"},
	{directory.Funktionsbrevlada, "funktionsbrevlada"},
	{directory.SecureMessage, "secure_message"},
	{directory.VisitingAddress, "visiting_address"},
	{directory.OnSite, "on_site"},
}

func channelWord(k directory.ChannelKind) string {
	for _, w := range channelWords {
		if w.kind == k {
			return w.word
		}
	}
	return strings.ToLower(string(k))
}

func channelKindOf(word string) (directory.ChannelKind, bool) {
	word = strings.ToLower(strings.TrimSpace(word))
	for _, w := range channelWords {
		if w.word == word || strings.ToLower(string(w.kind)) == word {
			return w.kind, true
		}
	}
	return "", false
}

var visibilities = []directory.Visibility{directory.Public, directory.Federation, directory.Organisation}

// formulaStarts are the first characters that make a spreadsheet read a
// cell as a formula (OWASP, "CSV Injection"): = + - @, and tab and carriage
// return, which some spreadsheets skip before looking for one. Entries
// hold free text from every organisation's administrators, and the
// national export is opened by others.
const formulaStarts = "=+-@\t\r"

// neutralise writes a cell of an export so that no spreadsheet runs it:
// a cell that starts like a formula gets a leading ', which spreadsheets
// read as "text". So does a cell that starts with ' itself, so that unquote
// can always take off exactly one: the value comes back byte for byte.
// Harmless values get the quote too ("+46 771 524 524", "-"): telling them
// from formulas is the spreadsheet's guess, not ours.
func neutralise(cell string) string {
	if cell != "" && strings.IndexByte(formulaStarts+"'", cell[0]) >= 0 {
		return "'" + cell
	}
	return cell
}

// unquote reads an import cell as neutralise wrote it: one leading ' goes,
// and what follows is the value as it is, spaces included. A cell without
// it is the value, so a spreadsheet that drops the quote when it saves
// changes nothing, except for a value that itself starts with ', which
// then loses that quote.
func unquote(cell string) string { return strings.TrimPrefix(cell, "'") }

// splitEscaped cuts s at every sep that no backslash escapes, and returns
// the trimmed parts, empty ones included, still escaped: unescape each
// after cutting it further.
func splitEscaped(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++ // whatever follows belongs to this part
		case sep:
			parts = append(parts, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
	}
	return append(parts, strings.TrimSpace(s[start:]))
}

// unescape reads \\, \;, \|, \n and \r; other backslashes stay.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '\\', ';', '|':
				b.WriteByte(s[i+1])
				i++
				continue
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			case 'r':
				b.WriteByte('\r')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// escape writes s so that splitEscaped(…, sep) gives it back as one part.
func escape(s string, sep byte) string {
	if !strings.ContainsAny(s, "\\\n\r"+string(sep)) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' || c == sep:
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// splitList reads a ";"-separated list; empty items are skipped.
func splitList(s string) []string {
	var out []string
	for _, p := range splitEscaped(s, ';') {
		if p != "" {
			out = append(out, unescape(p))
		}
	}
	return out
}

// joinList writes a list as splitList reads it.
func joinList(items []string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = escape(s, ';')
	}
	return strings.Join(parts, ";")
}

var swedishDays = map[string]int{"mån": 1, "tis": 2, "ons": 3, "tor": 4, "fre": 5, "lör": 6, "sön": 7}

var dayNames = []string{"", "mån", "tis", "ons", "tor", "fre", "lör", "sön"}

// parseHours reads "mån-fre 08:00-16:00; tis 13:00-15:00": a day range
// stands for each of its days, in order.
func parseHours(s string) ([]directory.Hours, error) {
	var out []directory.Hours
	for _, part := range strings.Split(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		days, span, ok := strings.Cut(part, " ")
		from, to, ok2 := strings.Cut(strings.TrimSpace(span), "-")
		if !ok || !ok2 {
			return nil, fmt.Errorf("hours %q are not like \"mån-fre 08:00-16:00\"", part)
		}
		first, last, isRange := strings.Cut(days, "-")
		d1, ok1 := swedishDays[strings.ToLower(first)]
		d2 := d1
		okLast := true
		if isRange {
			d2, okLast = swedishDays[strings.ToLower(last)]
		}
		if !ok1 || !okLast || d2 < d1 {
			return nil, fmt.Errorf("days %q are not like mån, tis, … or mån-fre", days)
		}
		for d := d1; d <= d2; d++ {
			out = append(out, directory.Hours{Day: d, From: strings.TrimSpace(from), To: strings.TrimSpace(to)})
		}
	}
	return out, nil
}

// formatHours writes hours as parseHours reads them, joining consecutive
// days with the same times into a range ("mån-fre 08:00-12:00").
func formatHours(hs []directory.Hours) string {
	var parts []string
	for i := 0; i < len(hs); {
		j := i
		for j+1 < len(hs) && hs[j+1].Day == hs[j].Day+1 && hs[j+1].From == hs[i].From && hs[j+1].To == hs[i].To {
			j++
		}
		days := dayName(hs[i].Day)
		if j > i {
			days += "-" + dayName(hs[j].Day)
		}
		parts = append(parts, fmt.Sprintf("%s %s-%s", days, hs[i].From, hs[i].To))
		i = j + 1
	}
	return strings.Join(parts, "; ")
}

func dayName(d int) string {
	if d < 1 || d >= len(dayNames) {
		return fmt.Sprint(d) // never saved (EntryInput.Validate), but never a panic either
	}
	return dayNames[d]
}

// parseChannels reads the channels cell: one channel per line,
//
//	phone: 010-116 10 00 | hours: tis 09:00-11:30 | note: telefontid | visibility: ORGANISATION
//
// kind and value first, then any of hours, note and visibility. A channel
// without visibility gets the entry's: its Visibility is left empty here.
// Problems are named by the channel's index, as EntryInput.Validate names
// them.
func parseChannels(cell string) ([]directory.Channel, []string) {
	var out []directory.Channel
	var problems []string
	for _, line := range strings.Split(strings.ReplaceAll(cell, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		where := fmt.Sprintf("channels[%d]", len(out))
		bad := func(format string, args ...any) {
			problems = append(problems, where+": "+fmt.Sprintf(format, args...))
		}
		parts := splitEscaped(line, '|')
		var ch directory.Channel
		word, value, ok := strings.Cut(parts[0], ":")
		kind, known := channelKindOf(word)
		if !ok || !known {
			words := make([]string, len(channelWords))
			for i, w := range channelWords {
				words[i] = w.word + ":"
			}
			bad("%q does not start with a kind (%s)", truncate(parts[0]), strings.Join(words, ", "))
		}
		ch.Kind, ch.Value = kind, unescape(strings.TrimSpace(value))
		seen := map[string]bool{}
		for _, p := range parts[1:] {
			key, val, ok := strings.Cut(p, ":")
			key, val = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(val)
			if !ok || !slices.Contains([]string{"hours", "note", "visibility"}, key) {
				bad(`%q is not "hours: …", "note: …" or "visibility: …" (write a | inside a value as \|)`, truncate(p))
				continue
			}
			if seen[key] {
				bad("gives %s twice", key)
				continue
			}
			seen[key] = true
			switch key {
			case "hours":
				hs, err := parseHours(unescape(val))
				if err != nil {
					bad("%v", err)
				}
				ch.OpeningHours = hs
			case "note":
				ch.Note = unescape(val)
			case "visibility":
				if val != "" {
					ch.Visibility = directory.Visibility(strings.ToUpper(val))
					if !slices.Contains(visibilities, ch.Visibility) {
						bad("visibility must be PUBLIC, FEDERATION or ORGANISATION, got %q", truncate(val))
					}
				}
			}
		}
		out = append(out, ch)
	}
	return out, problems
}

// formatChannels writes channels as parseChannels reads them; a channel's
// visibility is written only where it differs from the entry's.
func formatChannels(chs []directory.Channel, entry directory.Visibility) string {
	lines := make([]string, len(chs))
	for i, c := range chs {
		s := channelWord(c.Kind) + ": " + escape(c.Value, '|')
		if len(c.OpeningHours) > 0 {
			s += " | hours: " + formatHours(c.OpeningHours)
		}
		if c.Note != "" {
			s += " | note: " + escape(c.Note, '|')
		}
		if c.Visibility != entry {
			s += " | visibility: " + string(c.Visibility)
		}
		lines[i] = s
	}
	return strings.Join(lines, "\n")
}

// truncate shortens a value quoted in a problem.
func truncate(s string) string {
	if len(s) > 30 {
		return s[:30] + "…"
	}
	return s
}
