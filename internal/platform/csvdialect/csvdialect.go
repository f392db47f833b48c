// Package csvdialect reads CSV files the way people in Swedish offices
// write them, and writes files their spreadsheets open as they are
// (docs/directory.md, "CSV dialects"). Swedish Excel's "CSV
// (semikolonavgränsad)" separates cells with semicolons (the comma is the
// decimal sign), writes Windows-1252 ("CSV UTF-8" writes UTF-8 behind a
// byte order mark) and ends lines with CRLF; LibreOffice and Google Sheets
// write commas and UTF-8. Decode finds the encoding and the separator
// without being told, and can be told; Writer writes either dialect.
//
// The domains' formats (the directory's phone list, screening cohorts)
// stay theirs: this package only turns bytes into records and back,
// naming the line and column of every problem.
package csvdialect

import (
	"bytes"
	stdcsv "encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// Encoding is a file's character encoding.
type Encoding string

// The encodings the hub reads and writes. EncodingAuto detects: UTF-8 when
// the bytes are valid UTF-8 (with or without a byte order mark),
// Windows-1252 otherwise.
const (
	EncodingAuto Encoding = ""
	UTF8         Encoding = "utf-8"
	Windows1252  Encoding = "windows-1252"
)

// ParseEncoding reads an --encoding value: auto (or empty), utf-8,
// windows-1252 (cp1252 and latin1 name it too: Excel's "ANSI").
func ParseEncoding(s string) (Encoding, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return EncodingAuto, nil
	case "utf-8", "utf8":
		return UTF8, nil
	case "windows-1252", "cp1252", "latin1", "iso-8859-1", "ansi":
		return Windows1252, nil
	}
	return "", fmt.Errorf("unknown encoding %q: use auto, utf-8 or windows-1252", s)
}

// ParseSeparator reads a --separator value: auto (or empty), comma (,),
// semicolon (;). Zero means detect.
func ParseSeparator(s string) (rune, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return 0, nil
	case ",", "comma":
		return ',', nil
	case ";", "semicolon":
		return ';', nil
	}
	return 0, fmt.Errorf("unknown separator %q: use auto, comma or semicolon", s)
}

// Input says how to read a file; the zero value detects everything.
type Input struct {
	Separator rune     // ',' or ';'; 0 detects it from the header line
	Encoding  Encoding // EncodingAuto detects it
}

// File is a decoded file: its text in UTF-8 without a byte order mark,
// and what it was written as.
type File struct {
	Text      string
	Separator rune
	Encoding  Encoding
	BOM       bool
}

const bom = "\ufeff"

// Decode turns a file's bytes into text and finds its separator. It fails
// (naming where) on what no reading could make sense of: UTF-16 (Excel's
// "Unicode text"), bytes that are not UTF-8 when the file says or is told
// it is.
func Decode(data []byte, in Input) (File, error) {
	f := File{Separator: in.Separator, Encoding: in.Encoding}
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return f, errors.New(`the file is UTF-16 (Excel's "Unicode text"); save it as "CSV UTF-8" or "CSV (semikolonavgränsad)"`)
	}
	f.BOM = bytes.HasPrefix(data, []byte(bom))
	switch {
	case f.BOM && in.Encoding == Windows1252:
		return f, errors.New("the file starts with a UTF-8 byte order mark, but Windows-1252 was asked for; leave the encoding to detection")
	case f.BOM || in.Encoding == UTF8 || (in.Encoding == EncodingAuto && utf8.Valid(data)):
		f.Encoding = UTF8
		text := strings.TrimPrefix(string(data), bom)
		if !utf8.ValidString(text) {
			line, col := invalidUTF8At(text)
			why := "UTF-8 was asked for"
			if f.BOM {
				why = "the file starts with a UTF-8 byte order mark"
			}
			return f, fmt.Errorf("line %d, character %d: not UTF-8, but %s; leave the encoding to detection or save the file again", line, col, why)
		}
		f.Text = text
	default:
		f.Encoding = Windows1252
		text, err := charmap.Windows1252.NewDecoder().Bytes(data)
		if err != nil { // every byte has a meaning in Windows-1252: not reached
			return f, fmt.Errorf("read the file as Windows-1252: %w", err)
		}
		f.Text = string(text)
	}
	if f.Separator == 0 {
		f.Separator = detectSeparator(f.Text)
	}
	return f, nil
}

// detectSeparator reads the header line (up to its first line break
// outside quotes): the more frequent of ";" and "," outside quotes
// separates; a header of one column is read with ",".
func detectSeparator(text string) rune {
	var commas, semicolons int
	quoted := false
	for _, r := range text {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '\n' || r == '\r':
			goto done
		case r == ',':
			commas++
		case r == ';':
			semicolons++
		}
	}
done:
	if semicolons > commas {
		return ';'
	}
	return ','
}

func invalidUTF8At(text string) (line, col int) {
	line, col = 1, 1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size <= 1 {
			return line, col
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return line, col
}

// Reader reads the records of a decoded file, with the line each starts
// on.
type Reader struct {
	f      File
	cr     *stdcsv.Reader
	header []string
}

// NewReader reads f's records. Every record may have any number of
// fields: the formats say what a wrong count means.
func (f File) NewReader() *Reader {
	cr := stdcsv.NewReader(strings.NewReader(f.Text))
	cr.Comma = f.Separator
	cr.FieldsPerRecord = -1
	return &Reader{f: f, cr: cr}
}

// Read returns the next record and the line of the file it starts on
// (records may span lines: a quoted cell may hold line breaks), or
// io.EOF. A file that is not CSV gives an error naming the line and
// column (by the header's name from the second record on).
func (r *Reader) Read() ([]string, int, error) {
	rec, err := r.cr.Read()
	if err != nil {
		var pe *stdcsv.ParseError
		if errors.As(err, &pe) {
			return nil, pe.StartLine, r.parseError(pe)
		}
		return nil, 0, err
	}
	line, _ := r.cr.FieldPos(0)
	if r.header == nil {
		r.header = rec
	}
	return rec, line, nil
}

// Column names column i (0-based) for a message: its number and, when the
// header has one, its name.
func (r *Reader) Column(i int) string {
	if i < len(r.header) && strings.TrimSpace(r.header[i]) != "" {
		return fmt.Sprintf("column %d (%s)", i+1, strings.TrimSpace(strings.TrimPrefix(r.header[i], bom)))
	}
	return fmt.Sprintf("column %d", i+1)
}

// parseError says where a record stopped being CSV, as a spreadsheet
// counts: the line, and the cell (column) by counting separators outside
// quotes from the record's start.
func (r *Reader) parseError(pe *stdcsv.ParseError) error {
	msg := pe.Err.Error()
	if errors.Is(pe.Err, stdcsv.ErrBareQuote) {
		msg = `a " inside a cell that does not start with "; write the cell in quotes and the " twice ("")`
	} else if errors.Is(pe.Err, stdcsv.ErrQuote) {
		msg = `a cell's closing " is missing or followed by more text; write a " inside a cell twice ("")`
	}
	field := r.fieldAt(pe.StartLine, pe.Line, pe.Column)
	return &Error{Line: pe.Line, Column: r.Column(field), Message: "not valid CSV: " + msg}
}

// Error is a record that is not CSV: where, and what is wrong.
type Error struct {
	Line    int
	Column  string // "column 3 (channels)"
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("line %d, %s: %s", e.Line, e.Column, e.Message) }

// fieldAt is the 0-based field of the record starting on startLine in
// which byte col (1-based) of line lies.
func (r *Reader) fieldAt(startLine, line, col int) int {
	lines := strings.SplitAfter(r.f.Text, "\n")
	if startLine < 1 || line > len(lines) || line < startLine {
		return 0
	}
	field, quoted := 0, false
	for l := startLine; l <= line; l++ {
		text := lines[l-1]
		if l == line && col-1 <= len(text) {
			text = text[:max(col-1, 0)]
		}
		for _, c := range text {
			switch {
			case c == '"':
				quoted = !quoted
			case c == r.f.Separator && !quoted:
				field++
			}
		}
	}
	return field
}

// Dialect is how a file is written.
type Dialect struct {
	Name      string
	Separator rune
	CRLF      bool
	BOM       bool // a UTF-8 byte order mark first (how Excel knows the file is UTF-8)
	Encoding  Encoding
}

// The dialects export offers. Standard is RFC 4180 with LF line ends, as
// before; ExcelSv is what Swedish Excel writes and opens with a double
// click: semicolons, CRLF, UTF-8 behind a byte order mark (or
// Windows-1252, see ParseDialect).
var (
	Standard = Dialect{Name: "standard", Separator: ',', Encoding: UTF8}
	ExcelSv  = Dialect{Name: "excel-sv", Separator: ';', CRLF: true, BOM: true, Encoding: UTF8}
)

// ParseDialect reads --dialect and --encoding for an export: standard or
// excel-sv, and utf-8 (the default) or windows-1252 (for Excel versions
// that read a file without a byte order mark as Windows-1252; written
// without one).
func ParseDialect(name string, encoding string) (Dialect, error) {
	var d Dialect
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "standard":
		d = Standard
	case "excel-sv":
		d = ExcelSv
	default:
		return d, fmt.Errorf("unknown dialect %q: use standard or excel-sv", name)
	}
	enc, err := ParseEncoding(encoding)
	if err != nil {
		return d, err
	}
	if enc == Windows1252 {
		d.Encoding, d.BOM = Windows1252, false
	}
	return d, nil
}

// Writer writes records in a dialect. A cell that Windows-1252 cannot
// hold fails the write, naming its line and column; nothing is replaced
// silently.
type Writer struct {
	d       Dialect
	out     io.Writer
	cw      *stdcsv.Writer
	buf     bytes.Buffer
	started bool
	line    int
	header  []string
}

// NewWriter writes records to w in d.
func (d Dialect) NewWriter(w io.Writer) *Writer {
	wr := &Writer{d: d, out: w, line: 1}
	wr.cw = stdcsv.NewWriter(&wr.buf)
	wr.cw.Comma = d.Separator
	wr.cw.UseCRLF = d.CRLF
	return wr
}

// Write writes one record.
func (w *Writer) Write(rec []string) error {
	if w.header == nil {
		w.header = rec
	}
	if w.d.Encoding == Windows1252 {
		for i, cell := range rec {
			if _, err := charmap.Windows1252.NewEncoder().String(cell); err != nil {
				return fmt.Errorf("line %d, %s: %s cannot be written in Windows-1252; export in UTF-8 (--encoding utf-8)",
					w.line, w.column(i), firstUnencodable(cell))
			}
		}
	}
	if !w.started && w.d.BOM {
		w.buf.WriteString(bom)
	}
	w.started = true
	if err := w.cw.Write(rec); err != nil {
		return err
	}
	for _, cell := range rec {
		w.line += strings.Count(cell, "\n")
	}
	w.line++
	return w.flushBuffer()
}

// Flush writes what is buffered and reports any earlier write's error.
func (w *Writer) Flush() error { return w.flushBuffer() }

func (w *Writer) flushBuffer() error {
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return err
	}
	b := w.buf.Bytes()
	if w.d.Encoding == Windows1252 {
		var err error
		if b, err = charmap.Windows1252.NewEncoder().Bytes(b); err != nil {
			return fmt.Errorf("write Windows-1252: %w", err)
		}
	}
	_, err := w.out.Write(b)
	w.buf.Reset()
	return err
}

func (w *Writer) column(i int) string {
	if i < len(w.header) {
		return fmt.Sprintf("column %d (%s)", i+1, w.header[i])
	}
	return fmt.Sprintf("column %d", i+1)
}

func firstUnencodable(s string) string {
	for _, r := range s {
		if _, err := charmap.Windows1252.NewEncoder().String(string(r)); err != nil {
			return fmt.Sprintf("%q (U+%04X)", r, r)
		}
	}
	return "a character"
}
