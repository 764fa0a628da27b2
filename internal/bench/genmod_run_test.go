package bench

import (
	"flag"
	"os/exec"
	"testing"
)

var (
	genDir = flag.String("gen.dir", "", "TestGenModule writes its module to this `dir` (default: a temporary one)")
	genN   = flag.Int("gen.n", 30, "packages of the module TestGenModule writes")
)

// TestGenModule checks that the generated module builds and vets: the
// scale benchmark measures nothing if it does not.
func TestGenModule(t *testing.T) {
	dir := *genDir
	if dir == "" {
		dir = t.TempDir()
	}
	if err := genModule(dir, *genN); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go vet: %v\n%s", err, out)
	}
}
