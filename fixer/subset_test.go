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
	"sort"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

// Drivers apply any subset of a package's fixes: golangci-lint leaves out
// the findings a //nolint, --new-from-rev or uniq-by-line filters, go fix
// skips a fix that conflicts. Each fixture's fixes are applied alone, in
// every pair, and all but one, with identical edits merged as the drivers
// merge them and no formatting afterwards (golangci-lint formats only with
// formatters enabled): the result must parse, be gofmt-clean and
// type-check.
func TestFixSubsets(t *testing.T) {
	a, err := analyzer.New(analyzer.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	for _, pkg := range []string{"sharedclient", "existingclient", "timeclash", "threefiles", "hoist", "keepalive", "bodies", "unusedimport", "adjacent", "harms", "hoistsame", "doer", "doerget", "loops", "hoistclone", "elsecheck", "early", "discarded", "ifinit", "shortlived"} {
		t.Run(pkg, func(t *testing.T) {
			results := analysistest.Run(t, analysistest.TestData(), a, pkg)
			type fix struct {
				name  string
				edits []edit
			}
			var fixes []fix
			for _, r := range results {
				for _, d := range r.Diagnostics {
					for _, sf := range d.SuggestedFixes {
						f := fix{name: fmt.Sprintf("%s %s", r.Pass.Fset.Position(d.Pos), d.Category)}
						for _, e := range sf.TextEdits {
							tf := r.Pass.Fset.File(e.Pos)
							f.edits = append(f.edits, edit{tf.Name(), tf.Offset(e.Pos), tf.Offset(e.End), string(e.NewText)})
						}
						fixes = append(fixes, f)
					}
				}
			}
			if len(fixes) == 0 {
				t.Fatal("no fixes")
			}
			var subsets [][]int
			for i := range fixes {
				subsets = append(subsets, []int{i})
				var others []int
				for j := range fixes {
					if j != i {
						others = append(others, j)
					}
					if j > i {
						subsets = append(subsets, []int{i, j})
					}
				}
				subsets = append(subsets, others)
			}
			for _, sub := range subsets {
				var names []string
				var edits []edit
				for _, i := range sub {
					names = append(names, fixes[i].name)
					edits = append(edits, fixes[i].edits...)
				}
				if err := checkApplied(imp, pkg, edits); err != nil {
					t.Errorf("fixes %s applied together: %v", strings.Join(names, ", "), err)
				}
			}
		})
	}
}

type edit struct {
	file       string
	start, end int
	text       string
}

// checkApplied applies edits, identical ones once, to the package's files
// and checks the result.
func checkApplied(imp types.Importer, pkg string, edits []edit) error {
	byFile := make(map[string][]edit)
	for _, e := range edits {
		dup := false
		for _, o := range byFile[e.file] {
			dup = dup || o == e
		}
		if !dup {
			byFile[e.file] = append(byFile[e.file], e)
		}
	}
	dir := analysistest.TestData() + "/src/" + pkg
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, ent := range entries {
		if !strings.HasSuffix(ent.Name(), ".go") {
			continue
		}
		name := dir + "/" + ent.Name()
		src, err := os.ReadFile(name)
		if err != nil {
			return err
		}
		es := byFile[name]
		sort.SliceStable(es, func(i, j int) bool { return es[i].start < es[j].start })
		var out bytes.Buffer
		last := 0
		for _, e := range es {
			if e.start < last {
				return fmt.Errorf("%s: overlapping edits", ent.Name())
			}
			out.Write(src[last:e.start])
			out.WriteString(e.text)
			last = e.end
		}
		out.Write(src[last:])
		if !gofmtClean(src) {
			// only the fixed lines are formatted
		} else if formatted, err := format.Source(out.Bytes()); err != nil || !bytes.Equal(formatted, out.Bytes()) {
			return fmt.Errorf("%s is not gofmt-clean:\n%s", ent.Name(), out.Bytes())
		}
		f, err := parser.ParseFile(fset, name, out.Bytes(), parser.ParseComments)
		if err != nil {
			return err
		}
		files = append(files, f)
	}
	conf := types.Config{Importer: imp}
	_, err = conf.Check(pkg, fset, files, nil)
	return err
}

func gofmtClean(src []byte) bool {
	formatted, err := format.Source(src)
	return err == nil && bytes.Equal(formatted, src)
}
