package analyzer_test

import (
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

// runChecks runs the analyzer with only the checks in spec enabled over the
// fixture packages in testdata/src, matching diagnostics to // want comments.
func runChecks(t *testing.T, opts analyzer.Options, pkgs ...string) {
	t.Helper()
	a, err := analyzer.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, analysistest.TestData(), a, pkgs...)
}

func TestParseChecks(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want []string
	}{
		{"", []string{"KA1001", "KA1002", "KA1003", "KA1004", "KA1005", "KA1006"}},
		{"all", []string{"KA1001", "KA1002", "KA1003", "KA1004", "KA1005", "KA1006"}},
		{"-KA1001", []string{"KA1002", "KA1003", "KA1004", "KA1005", "KA1006"}},
		{"all,-default-client,-ka1005", []string{"KA1002", "KA1003", "KA1004", "KA1006"}},
		{"body-not-closed,KA1005", []string{"KA1004", "KA1005"}},
	} {
		set, err := analyzer.ParseChecks(tc.spec)
		if err != nil {
			t.Fatalf("ParseChecks(%q): %v", tc.spec, err)
		}
		var got []string
		for _, c := range analyzer.Checks {
			if set[c] {
				got = append(got, c.ID)
			}
		}
		if len(got) != len(tc.want) {
			t.Fatalf("ParseChecks(%q) = %v, want %v", tc.spec, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("ParseChecks(%q) = %v, want %v", tc.spec, got, tc.want)
			}
		}
	}
	if _, err := analyzer.ParseChecks("KA9999"); err == nil {
		t.Error("ParseChecks(KA9999) succeeded, want an error for an unknown check")
	}
}

func TestChecksDocumented(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range analyzer.Checks {
		if c.ID == "" || c.Name == "" || c.Title == "" || c.Why == "" || c.Bad == "" || c.Good == "" {
			t.Errorf("check %s (%s) lacks a field of its documentation", c.ID, c.Name)
		}
		if seen[c.ID] || seen[c.Name] {
			t.Errorf("check %s (%s) duplicates an ID or name", c.ID, c.Name)
		}
		seen[c.ID], seen[c.Name] = true, true
	}
}

func TestIgnoreDirectives(t *testing.T) {
	runChecks(t, analyzer.Options{Checks: "all", ReportUnusedIgnores: true}, "ignore")
}
