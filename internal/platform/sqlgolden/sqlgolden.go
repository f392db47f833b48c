// Package sqlgolden keeps golden files of dynamic SQL: what a builder
// renders for representative inputs, with its arguments, in a file under
// the package's testdata/ that a reviewer reads like any .sql file. A test
// renders the cases and compares them with the file; run it with -update
// to rewrite the file after a change that is meant:
//
//	go test ./internal/tenancy -run TestGolden -update
//
// Only tests import this package (it registers the -update flag).
package sqlgolden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden SQL files under testdata/ with what the builders render")

// Case is one rendering of a builder: a name that says what the inputs
// are, the SQL and its arguments ($1, $2, …).
type Case struct {
	Name string
	SQL  string
	Args []any
}

// Check compares the cases, rendered, with the golden file (a path
// relative to the test's package, under testdata/), or rewrites it with
// -update. It also checks that each case's SQL refers to every argument
// it passes, and to no other: Postgres refuses both.
func Check(t testing.TB, file string, cases ...Case) {
	t.Helper()
	for _, c := range cases {
		if problem := checkParams(c.SQL, len(c.Args)); problem != "" {
			t.Errorf("%s, case %q: %s", file, c.Name, problem)
		}
	}
	got := Render(t.Name(), cases...)
	if *update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read the golden file (write it with -update): %v", err)
	}
	if string(want) != got {
		t.Errorf("the SQL rendered differs from %s; if the change is meant, rewrite it with -update.\n%s",
			file, diff(string(want), got))
	}
}

// Render is the text of a golden file of the cases, made by test.
func Render(test string, cases ...Case) string {
	var b strings.Builder
	fmt.Fprintf(&b, "-- What the code renders, written by %s (go test -run '^%s$' -update).\n", test, strings.SplitN(test, "/", 2)[0])
	for _, c := range cases {
		fmt.Fprintf(&b, "\n-- case: %s\n", c.Name)
		for i, a := range c.Args {
			fmt.Fprintf(&b, "-- $%d = %s\n", i+1, formatArg(a))
		}
		b.WriteString(strings.TrimSpace(c.SQL))
		b.WriteString(";\n")
	}
	return b.String()
}

var param = regexp.MustCompile(`\$([0-9]+)`)

func checkParams(sql string, n int) string {
	seen := make([]bool, n+1)
	var beyond []string
	for _, m := range param.FindAllStringSubmatch(sql, -1) {
		k, _ := strconv.Atoi(m[1])
		if k < 1 || k > n {
			if !slices.Contains(beyond, m[0]) {
				beyond = append(beyond, m[0])
			}
			continue
		}
		seen[k] = true
	}
	if len(beyond) > 0 {
		return fmt.Sprintf("refers to %s but passes %d arguments", strings.Join(beyond, ", "), n)
	}
	for k := 1; k <= n; k++ {
		if !seen[k] {
			return fmt.Sprintf("passes $%d but never refers to it", k)
		}
	}
	return ""
}

// formatArg writes an argument as Go would print it, pointers followed,
// times in RFC 3339 in UTC (the same on every machine), bytes in hex.
func formatArg(a any) string {
	if a == nil {
		return "NULL"
	}
	v := reflect.ValueOf(a)
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return "NULL"
		}
		v = v.Elem()
	}
	switch x := v.Interface().(type) {
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case fmt.Stringer:
		return x.String()
	case []byte:
		return fmt.Sprintf("'\\x%x'::bytea", x)
	case string:
		return strconv.Quote(x)
	}
	if v.Kind() == reflect.String {
		return strconv.Quote(v.String())
	}
	return fmt.Sprintf("%v", v.Interface())
}

// diff shows the first lines where want and got part.
func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			var b strings.Builder
			fmt.Fprintf(&b, "first difference at line %d:\n", i+1)
			for j := i; j < min(i+5, len(w)); j++ {
				fmt.Fprintf(&b, "- %s\n", w[j])
			}
			for j := i; j < min(i+5, len(g)); j++ {
				fmt.Fprintf(&b, "+ %s\n", g[j])
			}
			return b.String()
		}
	}
	return ""
}
