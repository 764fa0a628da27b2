package fixer_test

import (
	"bytes"
	"flag"
	"os"
	"sort"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

var update = flag.Bool("update", false, "rewrite the .golden files from the fixes")

// runFixes checks the diagnostics and the fixed code of the packages
// against their want comments and .golden files; with -update it first
// writes the golden files from the fixes, for review.
func runFixes(t *testing.T, dir string, a *analysis.Analyzer, pkgs ...string) {
	t.Helper()
	if *update {
		writeGolden(t, analysistest.Run(t, dir, a, pkgs...))
	}
	analysistest.RunWithSuggestedFixes(t, dir, a, pkgs...)
}

func writeGolden(t *testing.T, results []*analysistest.Result) {
	type edit struct {
		start, end int
		text       string
	}
	byFile := make(map[string][]edit)
	for _, r := range results {
		for _, d := range r.Diagnostics {
			for _, sf := range d.SuggestedFixes {
				for _, e := range sf.TextEdits {
					tf := r.Pass.Fset.File(e.Pos)
					ed := edit{tf.Offset(e.Pos), tf.Offset(e.End), string(e.NewText)}
					dup := false
					for _, o := range byFile[tf.Name()] {
						dup = dup || o == ed
					}
					if !dup {
						byFile[tf.Name()] = append(byFile[tf.Name()], ed)
					}
				}
			}
		}
	}
	for name, edits := range byFile {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
		var out bytes.Buffer
		last := 0
		for _, e := range edits {
			out.Write(src[last:e.start])
			out.WriteString(e.text)
			last = e.end
		}
		out.Write(src[last:])
		if err := os.WriteFile(name+".golden", out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
