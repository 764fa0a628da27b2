package analyzer_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/keepalivefix/keepalivefix/analyzer"
)

// TestLibraryFactories runs the analyzer on code that calls the real
// go-cleanhttp, go-retryablehttp and resty, analysed from source with their
// facts. Their modules belong to testdata/libs, a module of its own, so
// that the product's go.mod does not carry them; .ci/run downloads them
// first, and without them in the module cache the test says how to get
// them and skips (tests never reach the network).
func TestLibraryFactories(t *testing.T) {
	dir := filepath.Join(analysistest.TestData(), "libs")
	cmd := exec.Command("go", "list", "-deps", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("the modules of testdata/libs are not in the module cache; run (cd analyzer/testdata/libs && go mod download) first: %v\n%s", err, out)
	}
	t.Setenv("GOFLAGS", "-mod=mod")
	t.Setenv("GOWORK", "off")
	a, err := analyzer.New(analyzer.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, dir, a, "./...")
}
