package fixer_test

import (
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

// Each package under testdata/src holds code before the fixes, with // want
// comments for the diagnostics, and a .golden file per changed file with
// the code after all fixes are applied.
func TestFixes(t *testing.T) {
	a, err := analyzer.New(analyzer.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	runFixes(t, analysistest.TestData(), a, "sharedclient", "existingclient", "timeclash", "threefiles", "hoist", "keepalive", "bodies", "unusedimport", "adjacent", "harms", "configured", "hoistsame", "doer", "doerget", "loops", "hoistclone", "doerctor", "elsecheck", "early", "discarded", "ifinit", "shortlived")
}

// The module of testdata/oldgo says go 1.15, before io.Discard.
func TestOldGoVersion(t *testing.T) {
	a, err := analyzer.New(analyzer.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	runFixes(t, filepath.Join(analysistest.TestData(), "oldgo"), a, ".")
}

// Options shape the declared client.
func TestClientOptions(t *testing.T) {
	opts := analyzer.DefaultOptions()
	opts.MaxIdleConnsPerHost = 16
	opts.ResponseHeaderTimeout = 0
	opts.Timeout = 90 * time.Second
	a, err := analyzer.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	runFixes(t, analysistest.TestData(), a, "options")
}

// -client names an organisation-wide client in another package.
func TestNamedClient(t *testing.T) {
	opts := analyzer.DefaultOptions()
	opts.Client = "orghttp.Client"
	a, err := analyzer.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	runFixes(t, analysistest.TestData(), a, "namedclient")
}
