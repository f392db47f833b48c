package meetings

import (
	"strings"
	"time"
)

// ICalendar renders the meeting as an iCalendar file (RFC 5545): one
// VEVENT with its UID, DTSTAMP (the meeting's last change), DTSTART and
// DTEND in UTC, a SUMMARY that is the kind alone, its LOCATION and URL.
// A calendar leaves the hub, so the file carries nothing about the person:
// never the subject or the agenda (which may name them), the case, or the
// parties; place and link were checked for a personnummer when the meeting
// was called. A cancelled meeting is STATUS:CANCELLED with a higher
// SEQUENCE, so a calendar that imported it updates it.
func (m Meeting) ICalendar() string {
	var b strings.Builder
	line := func(s string) { b.WriteString(fold(s)); b.WriteString("\r\n") }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Samverkanshubben//hub meetings//SV")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("BEGIN:VEVENT")
	line("UID:" + m.ID.String() + "@samverkanshubben")
	line("DTSTAMP:" + utc(m.UpdatedAt))
	line("DTSTART:" + utc(m.StartsAt))
	line("DTEND:" + utc(m.EndsAt))
	line("SUMMARY:" + escape(m.Kind.Label()+" (Samverkanshubben)"))
	if m.Place != nil {
		line("LOCATION:" + escape(*m.Place))
	}
	if m.RemoteURL != nil {
		line("URL:" + *m.RemoteURL)
	}
	line("DESCRIPTION:" + escape("Kallelse från Samverkanshubben. Se mötet i hubben för ärende och dagordning."))
	if m.CancelledAt != nil {
		line("STATUS:CANCELLED")
		line("SEQUENCE:1")
	} else {
		line("STATUS:CONFIRMED")
		line("SEQUENCE:0")
	}
	line("TRANSP:OPAQUE")
	line("END:VEVENT")
	line("END:VCALENDAR")
	return b.String()
}

func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// escape escapes a TEXT value (RFC 5545 §3.3.11).
func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// fold folds a content line longer than 75 octets (RFC 5545 §3.1), never
// inside a UTF-8 character.
func fold(s string) string {
	if len(s) <= 75 {
		return s
	}
	var b strings.Builder
	n, limit := 0, 75
	for _, r := range s {
		size := len(string(r))
		if n+size > limit {
			b.WriteString("\r\n ")
			n, limit = 0, 74 // the leading space counts
		}
		b.WriteRune(r)
		n += size
	}
	return b.String()
}
