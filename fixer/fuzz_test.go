package fixer_test

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/tools/go/analysis"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

// FuzzFix runs the analyzer with its fixes on one Go file and applies all
// suggested fixes, as keepalivefix -w does. It requires that nothing
// panics, that the result parses, is gofmt-clean when the input was,
// type-checks (the input did), and that a second pass offers no edits.
//
// The seed corpus (the .go files of fixer/testdata/src/*/ and
// analyzer/testdata/src/*/) runs with go test ./fixer. To fuzz:
//
//	go test ./fixer -run '^$' -fuzz FuzzFix -fuzztime 10m
//
// Each input is type-checked in process by go/types, with the standard
// library imported from export data (importer.Default, built once per
// process), and the analyzer and its prerequisites run through a minimal
// driver (runAnalyzers) rather than go/packages and checker.Analyze: loading
// a temporary module costs a go list and a source type-check of net/http per
// input, seconds instead of milliseconds. The one difference is facts: the
// driver keeps the facts of the input's own package, and none of its
// imports, which is what the analyzer sees for the standard library anyway
// (its knowledge of std comes from a built-in table). Inputs that do not
// parse, that are not one package of one file, or that do not type-check
// (an import outside std, say) are skipped: no driver runs the analyzer on
// them.
func FuzzFix(f *testing.F) {
	for _, pattern := range []string{"testdata/src/*/*.go", "../analyzer/testdata/src/*/*.go"} {
		names, err := filepath.Glob(pattern)
		if err != nil {
			f.Fatal(err)
		}
		for _, name := range names {
			src, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(src)
			if file, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly); err == nil {
				for _, spec := range file.Imports {
					if path, err := strconv.Unquote(spec.Path.Value); err == nil && !strings.Contains(path, ".") {
						fuzzImportable[path] = true
					}
				}
			}
		}
	}
	for _, path := range []string{"io", "net/http", "time", "context", "fmt", "bufio", "encoding/json", "errors", "strings", "os", "net/url", "bytes", "net"} {
		fuzzImportable[path] = true
	}
	a, err := analyzer.New(analyzer.DefaultOptions())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		const name = "/fuzz/input/input.go"
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, name, src, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return
		}
		if file.Name.Name == "_" || bytes.Contains(src, []byte("\x00")) {
			return
		}
		pkg, info, ok := fuzzCheck(fset, file)
		if !ok {
			t.Skip("does not type-check as a package of one file")
		}
		edits := fuzzEdits(t, a, fset, file, pkg, info, src)
		t.Logf("%d edits", len(edits))
		if len(edits) == 0 {
			return
		}
		out := applyEdits(t, src, edits)

		fset2 := token.NewFileSet()
		file2, err := parser.ParseFile(fset2, name, out, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("the fixed file does not parse: %v\n--- input:\n%s\n--- output:\n%s", err, src, out)
		}
		if formatted, err := format.Source(src); err == nil && bytes.Equal(formatted, src) {
			if formatted, err := format.Source(out); err != nil || !bytes.Equal(formatted, out) {
				t.Fatalf("the input was gofmt-clean, the output is not\n--- input:\n%s\n--- output:\n%s", src, out)
			}
		}
		pkg2, info2, ok := fuzzCheck(fset2, file2)
		if !ok {
			_, _, err := fuzzCheckErr(token.NewFileSet(), out)
			t.Fatalf("the fixed file does not type-check: %v\n--- input:\n%s\n--- output:\n%s", err, src, out)
		}
		if again := fuzzEdits(t, a, fset2, file2, pkg2, info2, out); len(again) > 0 {
			t.Fatalf("a second pass still has %d edits (not idempotent)\n--- input:\n%s\n--- output:\n%s\n--- second output:\n%s", len(again), src, out, applyEdits(t, out, again))
		}
	})
}

var (
	fuzzImporterMu sync.Mutex
	fuzzImporter   = importer.Default()
	// fuzzImportable is written while the seeds are added, before any
	// input runs.
	fuzzImportable = make(map[string]bool)
	fuzzImportErrs = make(map[string]error)
)

type fuzzImporterFunc func(string) (*types.Package, error)

func (f fuzzImporterFunc) Import(path string) (*types.Package, error) { return f(path) }

func fuzzConfig(errs *[]error) *types.Config {
	return &types.Config{
		GoVersion: "go1.26",
		Importer: fuzzImporterFunc(func(path string) (*types.Package, error) {
			// Only the standard packages the seeds import: any other
			// path would cost a go list per input and make the fuzzer
			// crawl.
			if !fuzzImportable[path] {
				return nil, fmt.Errorf("fuzz: import %q not allowed", path)
			}
			fuzzImporterMu.Lock()
			defer fuzzImporterMu.Unlock()
			if err := fuzzImportErrs[path]; err != nil {
				return nil, err
			}
			p, err := fuzzImporter.Import(path)
			if err != nil {
				fuzzImportErrs[path] = err
			}
			return p, err
		}),
		Sizes: types.SizesFor("gc", "amd64"),
		Error: func(err error) { *errs = append(*errs, err) },
	}
}

func newInfo() *types.Info {
	return &types.Info{
		Types:        make(map[ast.Expr]types.TypeAndValue),
		Instances:    make(map[*ast.Ident]types.Instance),
		Defs:         make(map[*ast.Ident]types.Object),
		Uses:         make(map[*ast.Ident]types.Object),
		Implicits:    make(map[ast.Node]types.Object),
		Selections:   make(map[*ast.SelectorExpr]*types.Selection),
		Scopes:       make(map[ast.Node]*types.Scope),
		FileVersions: make(map[*ast.File]string),
	}
}

// fuzzCheck type-checks file as a package of its own.
func fuzzCheck(fset *token.FileSet, file *ast.File) (*types.Package, *types.Info, bool) {
	var errs []error
	info := newInfo()
	pkg, _ := fuzzConfig(&errs).Check("fuzz/input", fset, []*ast.File{file}, info)
	return pkg, info, len(errs) == 0 && pkg != nil
}

func fuzzCheckErr(fset *token.FileSet, src []byte) (*types.Package, *types.Info, error) {
	file, err := parser.ParseFile(fset, "input.go", src, parser.ParseComments)
	if err != nil {
		return nil, nil, err
	}
	var errs []error
	info := newInfo()
	pkg, _ := fuzzConfig(&errs).Check("fuzz/input", fset, []*ast.File{file}, info)
	if len(errs) > 0 {
		return pkg, info, errs[0]
	}
	return pkg, info, nil
}

type fuzzEdit struct {
	start, end int
	text       string
}

// fuzzEdits runs a and returns the edits of all its suggested fixes, each
// distinct edit once, in order. Overlapping distinct edits fail the test:
// the planner promises hunks that do not overlap.
func fuzzEdits(t *testing.T, a *analysis.Analyzer, fset *token.FileSet, file *ast.File, pkg *types.Package, info *types.Info, src []byte) []fuzzEdit {
	t.Helper()
	diags, err := runAnalyzers(a, fset, file, pkg, info, src)
	if err != nil {
		t.Fatalf("analyzer failed: %v\n--- input:\n%s", err, src)
	}
	tf := fset.File(file.FileStart)
	var edits []fuzzEdit
	for _, d := range diags {
		for _, sf := range d.SuggestedFixes {
			for _, e := range sf.TextEdits {
				if fset.File(e.Pos) != tf {
					t.Fatalf("edit outside the file: %v\n--- input:\n%s", fset.Position(e.Pos), src)
				}
				end := e.End
				if !end.IsValid() {
					end = e.Pos
				}
				ed := fuzzEdit{tf.Offset(e.Pos), tf.Offset(end), string(e.NewText)}
				if ed.start > ed.end || ed.end > len(src) {
					t.Fatalf("bad edit %d-%d in %d bytes\n--- input:\n%s", ed.start, ed.end, len(src), src)
				}
				dup := false
				for _, o := range edits {
					dup = dup || o == ed
				}
				if !dup {
					edits = append(edits, ed)
				}
			}
		}
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	for i := 1; i < len(edits); i++ {
		if edits[i].start < edits[i-1].end {
			t.Fatalf("edits overlap: %+v and %+v\n--- input:\n%s", edits[i-1], edits[i], src)
		}
	}
	return edits
}

func applyEdits(t *testing.T, src []byte, edits []fuzzEdit) []byte {
	var out bytes.Buffer
	last := 0
	for _, e := range edits {
		out.Write(src[last:e.start])
		out.WriteString(e.text)
		last = e.end
	}
	out.Write(src[last:])
	return out.Bytes()
}

// runAnalyzers is a minimal analysis driver for one package of one file:
// it runs a's prerequisites first, keeps the package's own facts, and
// returns a's diagnostics.
func runAnalyzers(a *analysis.Analyzer, fset *token.FileSet, file *ast.File, pkg *types.Package, info *types.Info, src []byte) (diags []analysis.Diagnostic, err error) {
	defer func() {
		if r := recover(); r != nil {
			panic(fmt.Sprintf("analyzer panicked: %v\n--- input:\n%s", r, src))
		}
	}()
	filename := fset.File(file.FileStart).Name()
	results := make(map[*analysis.Analyzer]any)
	type factKey struct {
		obj types.Object
		t   reflect.Type
	}
	var run func(x *analysis.Analyzer) error
	run = func(x *analysis.Analyzer) error {
		if _, done := results[x]; done {
			return nil
		}
		resultOf := make(map[*analysis.Analyzer]any)
		for _, req := range x.Requires {
			if err := run(req); err != nil {
				return err
			}
			resultOf[req] = results[req]
		}
		objFacts := make(map[factKey]analysis.Fact)
		pkgFacts := make(map[reflect.Type]analysis.Fact)
		pass := &analysis.Pass{
			Analyzer:   x,
			Fset:       fset,
			Files:      []*ast.File{file},
			Pkg:        pkg,
			TypesInfo:  info,
			TypesSizes: types.SizesFor("gc", "amd64"),
			ResultOf:   resultOf,
			Report: func(d analysis.Diagnostic) {
				if x == a {
					diags = append(diags, d)
				}
			},
			ReadFile: func(name string) ([]byte, error) {
				if name != filename {
					return nil, os.ErrNotExist
				}
				return src, nil
			},
			ImportObjectFact: func(obj types.Object, fact analysis.Fact) bool {
				if f, ok := objFacts[factKey{obj, reflect.TypeOf(fact)}]; ok {
					reflect.ValueOf(fact).Elem().Set(reflect.ValueOf(f).Elem())
					return true
				}
				return false
			},
			ExportObjectFact: func(obj types.Object, fact analysis.Fact) {
				objFacts[factKey{obj, reflect.TypeOf(fact)}] = fact
			},
			ImportPackageFact: func(p *types.Package, fact analysis.Fact) bool {
				if f, ok := pkgFacts[reflect.TypeOf(fact)]; ok && p == pkg {
					reflect.ValueOf(fact).Elem().Set(reflect.ValueOf(f).Elem())
					return true
				}
				return false
			},
			ExportPackageFact: func(fact analysis.Fact) { pkgFacts[reflect.TypeOf(fact)] = fact },
			AllObjectFacts: func() []analysis.ObjectFact {
				var out []analysis.ObjectFact
				for k, f := range objFacts {
					out = append(out, analysis.ObjectFact{Object: k.obj, Fact: f})
				}
				return out
			},
			AllPackageFacts: func() []analysis.PackageFact {
				var out []analysis.PackageFact
				for _, f := range pkgFacts {
					out = append(out, analysis.PackageFact{Package: pkg, Fact: f})
				}
				return out
			},
		}
		res, err := x.Run(pass)
		if err != nil {
			return fmt.Errorf("%s: %w", x.Name, err)
		}
		results[x] = res
		return nil
	}
	err = run(a)
	return diags, err
}
