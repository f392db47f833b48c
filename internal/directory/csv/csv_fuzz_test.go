package csv_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	dircsv "github.com/samverkanshub/hub/internal/directory/csv"
	"github.com/samverkanshub/hub/internal/platform/csvdialect"
)

// FuzzParse: whatever a spreadsheet (or anyone) writes, the importer never
// panics, and refuses a file only with an ImportError, which names the
// lines at fault, for the person importing to fix (never an error of the
// hub's own). The seeds are the files Excel and Sheets write
// (testdata).
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*.csv")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(""))
	f.Add([]byte("\xef\xbb\xbf"))
	f.Add([]byte("\xff\xfeA\x00"))
	f.Add([]byte("function;\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := dircsv.Parse(bytes.NewReader(data), csvdialect.Input{})
		if err == nil {
			if len(rows) == 0 && len(bytes.TrimSpace(data)) == 0 {
				t.Fatalf("an empty file was accepted")
			}
			return
		}
		var ie *dircsv.ImportError
		if !errors.As(err, &ie) || len(ie.Lines) == 0 {
			t.Fatalf("Parse(%q) = %v (%T): not an ImportError naming its lines", data, err, err)
		}
	})
}
