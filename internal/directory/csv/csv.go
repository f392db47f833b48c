// Package csv is the directory's phone-list format (docs/directory.md): a
// CSV file of entries with their channels, read and written by
// `hub directory import` and `hub directory export`. Export writes the
// live entries; Parse reads a file and checks each line on its own; Import
// saves the lines as entries of one organisation (through directory.Save),
// all or nothing, reporting every bad line. Importing an export changes
// nothing.
package csv

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/samverkanshub/hub/internal/directory"
	"github.com/samverkanshub/hub/internal/platform/apperr"
	"github.com/samverkanshub/hub/internal/platform/csvdialect"
)

// Header is the header export writes: every column of the phone-list
// format (docs/directory.md), so that an export carries all of an entry.
// Lists inside a cell are separated by ";"; the channels cell holds one
// channel per line (cells.go).
//
// An import file may name any of these columns in any order; only
// function_name is required. A column the file leaves out keeps what the
// entry has. The per-kind channel columns of the first format (kindColumns)
// still import.
var Header = []string{
	"function_name", "unit", "topics", "lead_topics", "target_groups", "municipality_codes", "national",
	"visibility", "expected_answer", "fallback", "staffed_by_roles", "contact_persons", "channels",
	"description", "id",
}

// kindColumns are the channel columns of the first format: each stands for
// the first channel of its kind, and two for its hours.
var kindColumns = []struct {
	kind         directory.ChannelKind
	value, hours string
}{
	{directory.Phone, "phone", "phone_hours"},
	{directory.Funktionsbrevlada, "funktionsbrevlada", ""},
	{directory.SecureMessage, "secure_message", ""},
	{directory.VisitingAddress, "visiting_address", ""},
	{directory.OnSite, "on_site", "on_site_hours"},
}

// LineError is a problem with one line of an import file (0: with the
// file as a whole), and the column where one cell is at fault.
type LineError struct {
	Line    int
	Message string
	Column  string // "column 3 (channels)", or empty
}

func (e LineError) Error() string {
	switch {
	case e.Line == 0:
		return e.Message
	case e.Column != "":
		return fmt.Sprintf("line %d, %s: %s", e.Line, e.Column, e.Message)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Message)
}

// ImportError lists every bad line; nothing was imported.
type ImportError struct{ Lines []LineError }

func (e *ImportError) Error() string {
	msgs := make([]string, len(e.Lines))
	for i, l := range e.Lines {
		msgs[i] = l.Error()
	}
	return fmt.Sprintf("%d problem(s), nothing imported:\n%s", len(e.Lines), strings.Join(msgs, "\n"))
}

// columns is the set of columns an import file has.
type columns map[string]bool

// complete reports whether the file gives every part of an entry, so that
// each line can be checked as a whole entry before the database is asked.
func (c columns) complete() bool {
	for _, h := range Header {
		if h != "id" && !c[h] {
			return false
		}
	}
	return true
}

// kindCell is a per-kind channel column of one line.
type kindCell struct {
	value      string
	hours      []directory.Hours
	hoursGiven bool // the file has this kind's hours column
}

// Row is one line of an import file as Parse read and checked it; Import
// resolves its units, fallbacks and entry against the hub.
type Row struct {
	line int
	cols columns
	id   *uuid.UUID
	// in holds the cells of the file's columns; a channel whose visibility
	// the file leaves to the entry has none yet.
	in       directory.EntryInput
	unit     string
	fallback string
	kinds    map[directory.ChannelKind]kindCell
}

// readHeader checks the header line and returns its column names.
func readHeader(header []string) ([]string, columns, []LineError) {
	known := columns{}
	for _, h := range Header {
		known[h] = true
	}
	for _, k := range kindColumns {
		known[k.value] = true
		if k.hours != "" {
			known[k.hours] = true
		}
	}
	var problems []string
	cols := columns{}
	names := make([]string, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		names[i] = h
		switch {
		case !known[h]:
			problems = append(problems, fmt.Sprintf("unknown column %q", truncate(h)))
		case cols[h]:
			problems = append(problems, fmt.Sprintf("column %q comes twice", h))
		}
		cols[h] = true
	}
	if !cols["function_name"] {
		problems = append(problems, "the column function_name is required")
	}
	for _, k := range kindColumns {
		if cols[k.value] && cols["channels"] {
			problems = append(problems, fmt.Sprintf("give channels either in the column channels or in the columns %s, %s, …, not both", k.value, k.hours))
			break
		}
	}
	for _, k := range kindColumns {
		if k.hours != "" && cols[k.hours] && !cols[k.value] {
			problems = append(problems, fmt.Sprintf("the column %s needs the column %s", k.hours, k.value))
		}
	}
	if len(problems) == 0 {
		return names, cols, nil
	}
	problems = append(problems, "the columns are: "+strings.Join(Header, ",")+" (any of them, function_name required)")
	return nil, nil, []LineError{{Line: 1, Message: strings.Join(problems, "; ")}}
}

// Parse reads an import file and checks each line on its own. It
// returns the rows or every problem found. The file may be in any dialect
// csvdialect reads (Swedish Excel's semicolons and Windows-1252, UTF-8
// with or without a byte order mark, commas); in says what to detect.
// Lines are the file's lines: a record whose channels cell spans lines is
// named by the line it starts on.
func Parse(r io.Reader, in csvdialect.Input) ([]Row, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read the file: %w", err)
	}
	file, err := csvdialect.Decode(data, in)
	if err != nil {
		return nil, &ImportError{Lines: []LineError{{Message: err.Error()}}}
	}
	cr := file.NewReader()
	header, _, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ImportError{Lines: []LineError{{Line: 1, Message: "the file is empty: give a header line"}}}
	}
	if err != nil {
		return nil, &ImportError{Lines: []LineError{csvLineError(err)}}
	}
	names, cols, headerProblems := readHeader(header)
	if headerProblems != nil {
		return nil, &ImportError{Lines: headerProblems}
	}
	var rows []Row
	var problems []LineError
	seenName := map[string]Row{}
	seenID := map[uuid.UUID]int{}
	for {
		rec, line, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problems = append(problems, csvLineError(err))
			break
		}
		if len(rec) != len(names) {
			problems = append(problems, LineError{Line: line, Message: fmt.Sprintf("has %d fields, the header %d (separator %q)", len(rec), len(names), file.Separator)})
			continue
		}
		f := map[string]string{}
		for i, h := range names {
			f[h] = unquote(strings.TrimSpace(rec[i]))
		}
		bad := func(format string, args ...any) {
			problems = append(problems, LineError{Line: line, Message: fmt.Sprintf(format, args...)})
		}
		row := parseRow(line, cols, f, bad)
		if row.id != nil {
			if prev, dup := seenID[*row.id]; dup {
				bad("duplicate id %s (also on line %d)", *row.id, prev)
			}
			seenID[*row.id] = line
		}
		// Two lines may share a function name only when both say which
		// entry they are: otherwise a name stands for one function.
		key := nameKey(row.in.FunctionName)
		if prev, dup := seenName[key]; dup && key != "" && (prev.id == nil || row.id == nil) {
			bad("duplicate function %q (also on line %d)", row.in.FunctionName, prev.line)
		}
		seenName[key] = row
		rows = append(rows, row)
	}
	if len(problems) > 0 {
		return nil, &ImportError{Lines: problems}
	}
	return rows, nil
}

// csvLineError is a record that is not CSV, as a line's problem.
func csvLineError(err error) LineError {
	var ce *csvdialect.Error
	if errors.As(err, &ce) {
		return LineError{Line: ce.Line, Column: ce.Column, Message: ce.Message}
	}
	return LineError{Message: "not valid CSV: " + err.Error()}
}

// parseRow reads the cells f of one line, reporting each bad one.
func parseRow(line int, cols columns, f map[string]string, bad func(string, ...any)) Row {
	row := Row{line: line, cols: cols, unit: f["unit"], fallback: f["fallback"]}
	in := &row.in
	in.FunctionName, in.Description = f["function_name"], f["description"]
	if v := f["id"]; v != "" {
		if id, err := uuid.Parse(v); err != nil {
			bad("id %q is not an entry's id (leave it empty for a new entry)", truncate(v))
		} else {
			row.id = &id
		}
	}
	topics := func(col string) []directory.Topic {
		var out []directory.Topic
		for _, t := range splitList(f[col]) {
			if !slices.Contains(directory.Topics, directory.Topic(t)) {
				bad("unknown topic %q", truncate(t))
			}
			out = append(out, directory.Topic(t))
		}
		return out
	}
	in.Topics, in.LeadTopics = topics("topics"), topics("lead_topics")
	in.TargetGroups = splitList(f["target_groups"])
	in.MunicipalityCodes = splitList(f["municipality_codes"])
	for i, c := range in.MunicipalityCodes {
		// A spreadsheet reads a lone kommunkod as a number and drops the
		// leading 0 of the codes of Stockholm, Uppsala, … Jönköping
		// (0604 → 604); no kommunkod has three digits, so it is put back.
		if len(c) == 3 && strings.Trim(c, "0123456789") == "" {
			c = "0" + c
			in.MunicipalityCodes[i] = c
		}
		if len(c) != 4 || strings.Trim(c, "0123456789") != "" {
			bad("kommunkod %q is not four digits", truncate(c))
		}
	}
	switch strings.ToLower(f["national"]) {
	case "", "nej", "no", "false":
	case "ja", "yes", "true":
		in.National = true
	default:
		bad("national must be ja or nej, got %q", truncate(f["national"]))
	}
	if cols["visibility"] {
		in.Visibility = directory.Visibility(strings.ToUpper(f["visibility"]))
		if !slices.Contains(visibilities, in.Visibility) {
			bad("visibility must be PUBLIC, FEDERATION or ORGANISATION, got %q", truncate(f["visibility"]))
		}
	}
	if v := f["expected_answer"]; v != "" {
		in.ExpectedAnswer = &v
	}
	in.StaffedByRoles = splitList(f["staffed_by_roles"])
	in.ContactPersons = splitList(f["contact_persons"])

	var channelProblems []string
	if cols["channels"] {
		in.Channels, channelProblems = parseChannels(f["channels"])
		for _, p := range channelProblems {
			bad("%s", p)
		}
	}
	row.kinds = map[directory.ChannelKind]kindCell{}
	for _, k := range kindColumns {
		if !cols[k.value] {
			continue
		}
		cell := kindCell{value: f[k.value], hoursGiven: k.hours != "" && cols[k.hours]}
		word := strings.ReplaceAll(k.value, "_", " ")
		if cell.value == "" && f[k.hours] != "" {
			bad("%s hours without a %s", word, word)
		}
		if hs := f[k.hours]; hs != "" {
			var err error
			if cell.hours, err = parseHours(hs); err != nil {
				bad("%v", err)
			}
		}
		row.kinds[k.kind] = cell
		if cell.value != "" {
			in.Channels = append(in.Channels, directory.Channel{Kind: k.kind, Value: cell.value, OpeningHours: cell.hours})
		}
	}
	if cols["visibility"] {
		for i := range in.Channels {
			if in.Channels[i].Visibility == "" {
				in.Channels[i].Visibility = in.Visibility
			}
		}
	}
	if len(channelProblems) > 0 {
		return row
	}
	// A whole entry is checked as a whole; a part is checked as far as it
	// goes, and the entry it makes with what the hub has when it is saved.
	var err error
	if cols.complete() {
		err = in.Validate()
	} else {
		var problems []string
		for i, c := range in.Channels {
			problems = append(problems, c.Problems(fmt.Sprintf("channels[%d]", i))...)
		}
		if len(problems) > 0 {
			err = apperr.Invalidf("invalid directory entry: %s", strings.Join(problems, "; "))
		}
	}
	if err != nil {
		bad("%s", entryProblems(err))
	}
	return row
}

// entryProblems is the message of an invalid entry without its preamble,
// which a line number replaces.
func entryProblems(err error) string {
	return strings.TrimPrefix(apperr.MessageOf(err), "invalid directory entry: ")
}

// nameKey is what names are compared by: function names, unit names.
func nameKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
