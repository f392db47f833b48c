package archtest

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The layering holds in the hub itself.
func TestLayers_Hold(t *testing.T) {
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	violations, err := check(root, "github.com/samverkanshub/hub")
	require.NoError(t, err)
	require.Empty(t, violations, "the layering is broken:\n%s", strings.Join(violations, "\n"))
}

// The checker finds each kind of violation: a tree that breaks every rule
// once (testdata/broken).
func TestLayers_CheckerFindsEveryKindOfViolation(t *testing.T) {
	violations, err := check("testdata/broken", "example.com/hub")
	require.NoError(t, err)
	want := []string{
		`graph/resolver.go: graph imports example.com/hub/internal/platform/db`,
		`graph/resolver.go: graph uses cases.ByID, which takes a transaction: call a use case of internal/app instead`,
		`graph/resolver.go: graph uses cases.ByID, which takes a transaction: call a use case of internal/app instead`,
		`graph/resolver.go: graph uses a cases.Store: call a use case of internal/app instead`,
		`graph/resolver.go: graph uses a cases.Store: call a use case of internal/app instead`,
		`graph/resolver.go: graph asks a unit of work for its transaction (.Tx)`,
		`graph/resolver.go: graph asks a unit of work for its transaction (.Tx)`,
		`graph/resolver.go: graph reaches for a database pool (.Pool)`,
		`internal/cases/cases.go: internal/cases imports example.com/hub/graph`,
		`internal/cases/cases.go: internal/cases imports example.com/hub/internal/app: the domain is below the application layer`,
	}
	require.ElementsMatch(t, want, violations)
}

// forbiddenInGraph are packages the transport never imports: the database
// is reached through the use cases.
var forbiddenInGraph = []string{"/internal/platform/db", "/internal/platform/pgtest", "github.com/jackc/pgx/v5"}

// dbParams are parameter types that hand a function a transaction.
var dbParams = []string{"db.Querier", "*db.Session", "*pgxpool.Pool", "pgx.Tx"}

// check walks the Go packages under root (module path module) and returns
// every violation of the layering, as "file: problem".
func check(root, module string) ([]string, error) {
	var violations []string
	pkgs := map[string][]string{} // directory (relative) → non-test .go files
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			rel, _ := filepath.Rel(root, filepath.Dir(path))
			pkgs[filepath.ToSlash(rel)] = append(pkgs[filepath.ToSlash(rel)], path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	takesDB := map[string]map[string]bool{} // import path → function → takes a transaction
	stores := map[string]bool{}             // import path → declares a type Store
	for dir, files := range pkgs {
		funcs := map[string]bool{}
		for _, f := range files {
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
			if err != nil {
				return nil, err
			}
			for _, decl := range file.Decls {
				switch d := decl.(type) {
				case *ast.FuncDecl:
					if d.Recv == nil && takesTransaction(d.Type.Params) {
						funcs[d.Name.Name] = true
					}
				case *ast.GenDecl:
					for _, spec := range d.Specs {
						if ts, ok := spec.(*ast.TypeSpec); ok && ts.Name.Name == "Store" {
							stores[module+"/"+dir] = true
						}
					}
				}
			}
		}
		takesDB[module+"/"+dir] = funcs
	}
	for _, dir := range slices.Sorted(maps.Keys(pkgs)) {
		for _, f := range pkgs[dir] {
			rel, _ := filepath.Rel(root, f)
			rel = filepath.ToSlash(rel)
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
			if err != nil {
				return nil, err
			}
			imports := map[string]string{} // local name → import path
			for _, imp := range file.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				name := path[strings.LastIndex(path, "/")+1:]
				if imp.Name != nil {
					name = imp.Name.Name
				}
				imports[name] = path
				violations = append(violations, importRules(rel, dir, module, path)...)
			}
			if dir == "graph" || strings.HasPrefix(dir, "graph/") {
				violations = append(violations, callRules(rel, file, module, imports, takesDB, stores)...)
			}
		}
	}
	return violations, nil
}

func importRules(rel, dir, module, path string) []string {
	var out []string
	switch {
	case dir == "graph" || strings.HasPrefix(dir, "graph/"):
		for _, f := range forbiddenInGraph {
			if path == module+f || strings.HasPrefix(path, f) {
				out = append(out, fmt.Sprintf("%s: graph imports %s", rel, path))
			}
		}
	case strings.HasPrefix(dir, "internal/"):
		if path == module+"/graph" || strings.HasPrefix(path, module+"/graph/") || strings.HasPrefix(path, module+"/cmd/") {
			out = append(out, fmt.Sprintf("%s: %s imports %s", rel, dir, path))
		}
		inApp := dir == "internal/app" || strings.HasPrefix(dir, "internal/app/")
		if !inApp && (path == module+"/internal/app" || strings.HasPrefix(path, module+"/internal/app/")) {
			out = append(out, fmt.Sprintf("%s: %s imports %s: the domain is below the application layer", rel, dir, path))
		}
	}
	return out
}

func callRules(rel string, file *ast.File, module string, imports map[string]string, takesDB map[string]map[string]bool, stores map[string]bool) []string {
	var out []string
	ast.Inspect(file, func(n ast.Node) bool {
		sel, ok := n.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); ok {
			if path, ok := imports[id.Name]; ok && strings.HasPrefix(path, module+"/internal/") {
				// A reference, called or not (a function value calls it
				// just the same).
				if takesDB[path][sel.Sel.Name] {
					out = append(out, fmt.Sprintf("%s: graph uses %s.%s, which takes a transaction: call a use case of internal/app instead", rel, id.Name, sel.Sel.Name))
				}
				if sel.Sel.Name == "Store" && stores[path] {
					out = append(out, fmt.Sprintf("%s: graph uses a %s.Store: call a use case of internal/app instead", rel, id.Name))
				}
				return true
			}
		}
		switch sel.Sel.Name {
		case "Tx":
			out = append(out, fmt.Sprintf("%s: graph asks a unit of work for its transaction (.Tx)", rel))
		case "Pool":
			out = append(out, fmt.Sprintf("%s: graph reaches for a database pool (.Pool)", rel))
		}
		return true
	})
	return out
}

// takesTransaction reports whether a parameter list hands the function a
// transaction or a pool.
func takesTransaction(params *ast.FieldList) bool {
	for _, p := range params.List {
		if slices.Contains(dbParams, typeString(p.Type)) {
			return true
		}
	}
	return false
}

func typeString(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return "*" + typeString(t.X)
	case *ast.SelectorExpr:
		return typeString(t.X) + "." + t.Sel.Name
	case *ast.Ident:
		return t.Name
	}
	return ""
}
