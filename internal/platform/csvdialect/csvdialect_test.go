package csvdialect_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/samverkanshub/hub/internal/platform/csvdialect"
)

// readAll decodes data and reads every record with its line.
func readAll(t *testing.T, data []byte, in csvdialect.Input) (csvdialect.File, [][]string, []int, error) {
	t.Helper()
	f, err := csvdialect.Decode(data, in)
	if err != nil {
		return f, nil, nil, err
	}
	r := f.NewReader()
	var recs [][]string
	var lines []int
	for {
		rec, line, err := r.Read()
		if errors.Is(err, io.EOF) {
			return f, recs, lines, nil
		}
		if err != nil {
			return f, recs, lines, err
		}
		recs, lines = append(recs, rec), append(lines, line)
	}
}

func TestDecode_FindsEncodingAndSeparatorWithoutBeingTold(t *testing.T) {
	t.Parallel()
	want := [][]string{{"namn", "ort"}, {"Åsa Öberg", "Säffle; Åmål"}}
	tests := []struct {
		name string
		data []byte
		sep  rune
		enc  csvdialect.Encoding
		bom  bool
	}{
		{"Excel's CSV (semikolonavgränsad): Windows-1252, semicolons, CRLF",
			[]byte("namn;ort\r\n\xc5sa \xd6berg;\"S\xe4ffle; \xc5m\xe5l\"\r\n"), ';', csvdialect.Windows1252, false},
		{"Excel's CSV UTF-8: byte order mark, semicolons, CRLF",
			[]byte("\xef\xbb\xbfnamn;ort\r\nÅsa Öberg;\"Säffle; Åmål\"\r\n"), ';', csvdialect.UTF8, true},
		{"LibreOffice and Google Sheets: UTF-8, commas, LF",
			[]byte("namn,ort\nÅsa Öberg,Säffle; Åmål\n"), ',', csvdialect.UTF8, false},
		{"Windows-1252 with commas",
			[]byte("namn,ort\r\n\xc5sa \xd6berg,S\xe4ffle; \xc5m\xe5l\r\n"), ',', csvdialect.Windows1252, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, recs, lines, err := readAll(t, tt.data, csvdialect.Input{})
			require.NoError(t, err)
			require.Equal(t, want, recs)
			require.Equal(t, []int{1, 2}, lines)
			require.Equal(t, tt.sep, f.Separator)
			require.Equal(t, tt.enc, f.Encoding)
			require.Equal(t, tt.bom, f.BOM)
		})
	}
}

func TestDecode_AForcedSeparatorOrEncodingIsTaken(t *testing.T) {
	t.Parallel()
	// A header of one column with a semicolon in its text: detection says
	// ";", the caller knows it is ",".
	_, recs, _, err := readAll(t, []byte("\"a;b\"\n1\n"), csvdialect.Input{Separator: ','})
	require.NoError(t, err)
	require.Equal(t, [][]string{{"a;b"}, {"1"}}, recs)

	// Valid UTF-8 read as Windows-1252 on request: "Ã¥" is what å's two
	// bytes are there.
	_, recs, _, err = readAll(t, []byte("å\n"), csvdialect.Input{Encoding: csvdialect.Windows1252})
	require.NoError(t, err)
	require.Equal(t, [][]string{{"Ã¥"}}, recs)
}

func TestDecode_RefusesWhatCannotBeReadAndSaysWhere(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data []byte
		in   csvdialect.Input
		msg  string
	}{
		{"UTF-16", []byte("\xff\xfen\x00a\x00"), csvdialect.Input{},
			`the file is UTF-16 (Excel's "Unicode text"); save it as "CSV UTF-8" or "CSV (semikolonavgränsad)"`},
		{"Windows-1252 behind a byte order mark", []byte("\xef\xbb\xbfnamn\nS\xe4ffle\n"), csvdialect.Input{},
			"line 2, character 2: not UTF-8, but the file starts with a UTF-8 byte order mark; leave the encoding to detection or save the file again"},
		{"Windows-1252 when UTF-8 is forced", []byte("namn\n\xc5sa\n"), csvdialect.Input{Encoding: csvdialect.UTF8},
			"line 2, character 1: not UTF-8, but UTF-8 was asked for; leave the encoding to detection or save the file again"},
		{"a byte order mark when Windows-1252 is forced", []byte("\xef\xbb\xbfnamn\n"), csvdialect.Input{Encoding: csvdialect.Windows1252},
			"the file starts with a UTF-8 byte order mark, but Windows-1252 was asked for; leave the encoding to detection"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := csvdialect.Decode(tt.data, tt.in)
			require.EqualError(t, err, tt.msg)
		})
	}
}

func TestReader_NamesTheLineAndColumnOfBadCSV(t *testing.T) {
	t.Parallel()
	// The second record spans lines 2–3 (a cell with a line break); the
	// third has a bare quote in its third cell.
	data := []byte("namn;ort;not\r\n\"Åsa\nÖberg\";Säffle;ok\r\nBo;Åmål;säger \"hej\"\r\n")
	_, recs, lines, err := readAll(t, data, csvdialect.Input{})
	require.EqualError(t, err, `line 4, column 3 (not): not valid CSV: a " inside a cell that does not start with "; write the cell in quotes and the " twice ("")`)
	require.Equal(t, [][]string{{"namn", "ort", "not"}, {"Åsa\nÖberg", "Säffle", "ok"}}, recs)
	require.Equal(t, []int{1, 2}, lines)

	_, _, _, err = readAll(t, []byte("namn;ort\n\"Åsa;Säffle\n"), csvdialect.Input{})
	require.ErrorContains(t, err, "line 2, column 1 (namn): not valid CSV: a cell's closing \" is missing")
}

func TestWriter_ExcelSvIsWhatSwedishExcelWrites(t *testing.T) {
	t.Parallel()
	recs := [][]string{{"namn", "ort"}, {"Åsa Öberg", "Säffle; Åmål"}, {"Bo", "rad 1\nrad 2"}}
	write := func(d csvdialect.Dialect) ([]byte, error) {
		var buf bytes.Buffer
		w := d.NewWriter(&buf)
		for _, r := range recs {
			if err := w.Write(r); err != nil {
				return nil, err
			}
		}
		return buf.Bytes(), w.Flush()
	}
	utf8BOM, err := write(csvdialect.ExcelSv)
	require.NoError(t, err)
	require.Equal(t, "\ufeffnamn;ort\r\nÅsa Öberg;\"Säffle; Åmål\"\r\nBo;\"rad 1\r\nrad 2\"\r\n", string(utf8BOM))

	d1252, err := csvdialect.ParseDialect("excel-sv", "windows-1252")
	require.NoError(t, err)
	ansi, err := write(d1252)
	require.NoError(t, err)
	require.Equal(t, []byte("namn;ort\r\n\xc5sa \xd6berg;\"S\xe4ffle; \xc5m\xe5l\"\r\nBo;\"rad 1\r\nrad 2\"\r\n"), ansi)

	std, err := write(csvdialect.Standard)
	require.NoError(t, err)
	require.Equal(t, "namn,ort\nÅsa Öberg,Säffle; Åmål\nBo,\"rad 1\nrad 2\"\n", string(std))

	// Each reads back to the same records.
	for _, data := range [][]byte{utf8BOM, ansi, std} {
		_, got, _, err := readAll(t, data, csvdialect.Input{})
		require.NoError(t, err)
		require.Equal(t, recs, got)
	}
}

func TestWriter_RefusesACellWindows1252CannotHold(t *testing.T) {
	t.Parallel()
	d, err := csvdialect.ParseDialect("excel-sv", "windows-1252")
	require.NoError(t, err)
	var buf bytes.Buffer
	w := d.NewWriter(&buf)
	require.NoError(t, w.Write([]string{"namn", "not"}))
	require.NoError(t, w.Write([]string{"Bo", "rad 1\nrad 2 – ok"})) // the en dash is in Windows-1252
	err = w.Write([]string{"Åsa", "Ελλάδα"})
	require.EqualError(t, err, `line 4, column 2 (not): 'Ε' (U+0395) cannot be written in Windows-1252; export in UTF-8 (--encoding utf-8)`)
}

func TestParseDialectAndInputs_NameTheChoicesOnAMistake(t *testing.T) {
	t.Parallel()
	_, err := csvdialect.ParseDialect("excel", "")
	require.EqualError(t, err, `unknown dialect "excel": use standard or excel-sv`)
	_, err = csvdialect.ParseEncoding("latin9")
	require.EqualError(t, err, `unknown encoding "latin9": use auto, utf-8 or windows-1252`)
	_, err = csvdialect.ParseSeparator("tab")
	require.EqualError(t, err, `unknown separator "tab": use auto, comma or semicolon`)
	sep, err := csvdialect.ParseSeparator("semicolon")
	require.NoError(t, err)
	require.Equal(t, ';', sep)
}
