package main_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// routeGet is a file of package pkg with a finding that needs the shared
// client (KA1001) and one that needs the drain helper (KA1004).
func routeGet(pkg, fn string) string {
	return fmt.Sprintf(`package %[1]s

import "net/http"

// %[2]s reports the status of u.
func %[2]s(u string) (int, error) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}
`, pkg, fn)
}

const routeGoMod = "module example.com/m\n\ngo 1.26\n"

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestFixSharedPackage: the fixes of several packages share one client and
// one drain helper in a package -w writes (or reuses), not a copy in each.
func TestFixSharedPackage(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod":      routeGoMod,
		"a/a.go":      routeGet("a", "A"),
		"b/b.go":      routeGet("b", "B"),
		"b/b_test.go": "package b\n\nimport (\n\t\"net/http\"\n\t\"testing\"\n)\n\nfunc TestB(t *testing.T) {\n\tresp, err := http.Get(\"http://127.0.0.1:1\")\n\tif err != nil {\n\t\treturn\n\t}\n\t_ = resp.StatusCode\n}\n",
	})
	_, stderr, code := keepalivefix(t, dir, "-d", "./...")
	if code != 1 || stderr != "" {
		t.Fatalf("-d: exit %d, want 1 and a quiet stderr\n%s", code, stderr)
	}
	if _, stderr, code = keepalivefix(t, dir, "-w", "./..."); code != 0 {
		t.Fatalf("-w: exit %d, want 0\n%s", code, stderr)
	}
	shared := filepath.Join(dir, "internal", "keepalive", "keepalive.go")
	src := readFile(t, shared)
	for _, want := range []string{"package keepalive", "var Client = ", "func DrainAndClose("} {
		if !strings.Contains(src, want) {
			t.Errorf("%s lacks %q:\n%s", shared, want, src)
		}
	}
	for _, name := range []string{"a/a.go", "b/b.go", "b/b_test.go"} {
		got := readFile(t, filepath.Join(dir, name))
		if !strings.Contains(got, `"example.com/m/internal/keepalive"`) || strings.Contains(got, "func drainAndClose") || strings.Contains(got, "var httpClient") {
			t.Errorf("%s does not use the shared package alone:\n%s", name, got)
		}
	}
	if a := readFile(t, filepath.Join(dir, "a/a.go")); !strings.Contains(a, "import (\n\t\"net/http\"\n\n\t\"example.com/m/internal/keepalive\"\n)") {
		t.Errorf("the module import is not a group of its own after the standard library's:\n%s", a)
	}
	goCmd(t, dir, "build", "./...")
	goCmd(t, dir, "vet", "./...")
	before := sums(t, dir)
	if _, stderr, code = keepalivefix(t, dir, "-w", "./..."); code != 0 || fmt.Sprint(sums(t, dir)) != fmt.Sprint(before) {
		t.Fatalf("second -w: exit %d or files changed; want 0 and nothing changed\n%s", code, stderr)
	}

	// A new package later reuses the package, which stays as it is.
	if err := os.MkdirAll(filepath.Join(dir, "c"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "c", "c.go"), []byte(routeGet("c", "C")), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, code = keepalivefix(t, dir, "-w", "./..."); code != 0 {
		t.Fatalf("-w with a new package: exit %d\n%s", code, stderr)
	}
	if c := readFile(t, filepath.Join(dir, "c", "c.go")); !strings.Contains(c, "keepalive.Client.Get(u)") || !strings.Contains(c, "keepalive.DrainAndClose(resp.Body)") {
		t.Errorf("the new package does not use the existing shared package:\n%s", c)
	}
	if readFile(t, shared) != src {
		t.Error("the existing shared package was rewritten")
	}
	goCmd(t, dir, "build", "./...")
}

// TestFixSharedPackageOff: -shared= keeps one client and helper per
// package, and one package alone never gets a shared package.
func TestFixSharedPackageOff(t *testing.T) {
	files := map[string]string{"go.mod": routeGoMod, "a/a.go": routeGet("a", "A"), "b/b.go": routeGet("b", "B")}
	dir := writeModule(t, files)
	if _, stderr, code := keepalivefix(t, dir, "-w", "-shared=", "./..."); code != 0 {
		t.Fatalf("-w -shared=: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "internal")); err == nil {
		t.Error("-shared= wrote a shared package")
	}
	for _, name := range []string{"a/a.go", "b/b.go"} {
		if got := readFile(t, filepath.Join(dir, name)); !strings.Contains(got, "var httpClient") || !strings.Contains(got, "func drainAndClose") {
			t.Errorf("%s lacks its own client and helper:\n%s", name, got)
		}
	}
	goCmd(t, dir, "build", "./...")

	one := writeModule(t, map[string]string{"go.mod": routeGoMod, "a/a.go": routeGet("a", "A")})
	if _, stderr, code := keepalivefix(t, one, "-w", "./..."); code != 0 {
		t.Fatalf("-w on one package: exit %d\n%s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(one, "internal")); err == nil {
		t.Error("a shared package was written for one package")
	}
	if _, _, code := keepalivefix(t, dir, "-w", "-shared=../x", "./..."); code != 2 {
		t.Errorf("-shared=../x: exit %d, want 2", code)
	}
}

// twoFiles is a package whose two files each need the client: the first by
// name is where the declaration would go if both were fixed.
func twoFiles() map[string]string {
	return map[string]string{
		"go.mod":      routeGoMod,
		"p/a.go":      "package p\n\nimport \"net/http\"\n\n// A reports the status of u.\nfunc A(u string) int {\n\tresp, err := http.Head(u)\n\tif err != nil {\n\t\treturn 0\n\t}\n\treturn resp.StatusCode\n}\n",
		"p/b.go":      "package p\n\nimport \"net/http\"\n\n// B reports the status of u.\nfunc B(u string) int {\n\tresp, err := http.Head(u)\n\tif err != nil {\n\t\treturn 0\n\t}\n\treturn resp.StatusCode\n}\n",
		"p/p_test.go": "package p\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) { _ = A }\n",
	}
}

// TestFixBaselineLeavesDeclarationOut: the finding whose fix would carry the
// client declaration is in the baseline; the other finding's fix must bring
// its own, and the package must compile.
func TestFixBaselineLeavesDeclarationOut(t *testing.T) {
	files := twoFiles()
	b := files["p/b.go"]
	delete(files, "p/b.go")
	dir := writeModule(t, files)
	if _, stderr, code := keepalivefix(t, dir, "-baseline", "base.json", "-baseline-write", "./..."); code != 0 {
		t.Fatalf("-baseline-write: exit %d\n%s", code, stderr)
	}
	if err := os.WriteFile(filepath.Join(dir, "p", "b.go"), []byte(b), 0o644); err != nil {
		t.Fatal(err)
	}
	a := readFile(t, filepath.Join(dir, "p", "a.go"))
	if _, stderr, code := keepalivefix(t, dir, "-w", "-baseline", "base.json", "./..."); code != 0 {
		t.Fatalf("-w -baseline: exit %d, want 0\n%s", code, stderr)
	}
	if readFile(t, filepath.Join(dir, "p", "a.go")) != a {
		t.Error("a.go, whose finding is in the baseline, was changed")
	}
	if got := readFile(t, filepath.Join(dir, "p", "b.go")); !strings.Contains(got, "httpClient.Head(u)") || !strings.Contains(got, "var httpClient") {
		t.Errorf("b.go was not fixed on its own:\n%s", got)
	}
	goCmd(t, dir, "vet", "./...")
}

// TestFixReadOnlyFile: a read-only file among the package's files is left
// alone, the others are fixed without needing it, and -w exits 3.
func TestFixReadOnlyFile(t *testing.T) {
	dir := writeModule(t, twoFiles())
	ro := filepath.Join(dir, "p", "a.go")
	if err := os.Chmod(ro, 0o444); err != nil {
		t.Fatal(err)
	}
	a := readFile(t, ro)
	_, stderr, code := keepalivefix(t, dir, "-w", "./...")
	if code != 3 || !strings.Contains(stderr, "a.go is read-only; left alone") || !strings.Contains(stderr, "p/a.go:7:15: KA1001") {
		t.Fatalf("-w: exit %d, want 3 naming the read-only file and its finding\n%s", code, stderr)
	}
	if readFile(t, ro) != a {
		t.Error("the read-only file changed")
	}
	if got := readFile(t, filepath.Join(dir, "p", "b.go")); !strings.Contains(got, "var httpClient") {
		t.Errorf("b.go was not fixed on its own:\n%s", got)
	}
	goCmd(t, dir, "vet", "./...")
}

// TestFixNewFromRev: with -new-from-rev only the new finding is fixed, and
// its fix does not lean on a declaration planned for an old one.
func TestFixNewFromRev(t *testing.T) {
	env, _ := gateEnv(t)
	files := twoFiles()
	b := files["p/b.go"]
	delete(files, "p/b.go")
	repo := filepath.Join(gateRepo(t, env, files), "svc")
	gateWrite(t, filepath.Join(repo, "p", "b.go"), b)
	a := readFile(t, filepath.Join(repo, "p", "a.go"))
	r := gateRun(t, repo, env, "-w", "-new-from-rev", "HEAD", "./...")
	if r.code != 0 {
		t.Fatalf("-w -new-from-rev HEAD: %+v", r)
	}
	if readFile(t, filepath.Join(repo, "p", "a.go")) != a {
		t.Error("a.go, whose finding is old, was changed")
	}
	if got := readFile(t, filepath.Join(repo, "p", "b.go")); !strings.Contains(got, "httpClient.Head(u)") {
		t.Errorf("b.go was not fixed:\n%s", got)
	}
	goCmd(t, repo, "vet", "./...")
}

// TestFixFormatWithWrite: -format applies to the findings -w leaves.
func TestFixFormatWithWrite(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod": routeGoMod,
		"p/p.go": "package p\n\nimport \"net/http\"\n\n// Loop leaks a body per iteration.\nfunc Loop(c *http.Client, us []string) {\n\tfor _, u := range us {\n\t\tresp, err := c.Get(u)\n\t\tif err != nil {\n\t\t\tcontinue\n\t\t}\n\t\tdefer resp.Body.Close()\n\t}\n}\n",
	})
	stdout, stderr, code := keepalivefix(t, dir, "-w", "-json", "./...")
	if code != 1 || !strings.Contains(stdout, `"findings"`) || !strings.Contains(stdout, `"check": "KA1004"`) {
		t.Fatalf("-w -json: exit %d, want 1 and the finding left as JSON on stdout\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}

// TestGoFixWithoutTimeImport: go fix -fixtool and go vet -fix write the same
// files as -w in a package that does not import time, which the declared
// client's timeout needs (the go command's drivers know package time only
// through net/http's export data).
func TestGoFixWithoutTimeImport(t *testing.T) {
	files := map[string]string{
		"go.mod": routeGoMod,
		"p/p.go": "package p\n\nimport \"net/http\"\n\n// Status reports the status of u.\nfunc Status(u string) (int, error) {\n\tresp, err := http.Head(u)\n\tif err != nil {\n\t\treturn 0, err\n\t}\n\treturn resp.StatusCode, nil\n}\n",
	}
	viaW := writeModule(t, files)
	if _, stderr, code := keepalivefix(t, viaW, "-w", "./..."); code != 0 {
		t.Fatalf("-w: exit %d\n%s", code, stderr)
	}
	fixed := sums(t, viaW)
	if src := readFile(t, filepath.Join(viaW, "p", "p.go")); !strings.Contains(src, "\"time\"") {
		t.Fatalf("-w did not add the time import the fix needs:\n%s", src)
	}
	for _, args := range [][]string{{"fix", "-fixtool=" + binary, "./..."}, {"vet", "-fix", "-vettool=" + binary, "./..."}} {
		dir := writeModule(t, files)
		goCmd(t, dir, args...)
		if got := sums(t, dir); fmt.Sprint(got) != fmt.Sprint(fixed) {
			t.Errorf("go %s wrote other files than -w:\n%s", args[0], readFile(t, filepath.Join(dir, "p", "p.go")))
		}
	}
}

// TestFixTestsFlag: -fix-tests=false reports the findings of test files but
// leaves the files alone.
func TestFixTestsFlag(t *testing.T) {
	files := map[string]string{
		"go.mod":      routeGoMod,
		"p/p.go":      "package p\n",
		"p/p_test.go": "package p\n\nimport (\n\t\"net/http\"\n\t\"testing\"\n)\n\nfunc TestP(t *testing.T) {\n\tresp, err := http.Get(\"http://127.0.0.1:1\")\n\tif err != nil {\n\t\treturn\n\t}\n\t_ = resp.StatusCode\n}\n",
	}
	dir := writeModule(t, files)
	before := sums(t, dir)
	_, stderr, code := keepalivefix(t, dir, "-w", "-fix-tests=false", "./...")
	if code != 1 || !strings.Contains(stderr, "p/p_test.go:9:15: KA1004") || !strings.Contains(stderr, "-fix-tests=false leaves test files alone") {
		t.Errorf("-w -fix-tests=false: exit %d, want 1 with the test file's finding left\n%s", code, stderr)
	}
	if fmt.Sprint(sums(t, dir)) != fmt.Sprint(before) {
		t.Error("-fix-tests=false changed a test file")
	}
	if _, stderr, code = keepalivefix(t, dir, "-w", "./..."); code != 0 || !strings.Contains(readFile(t, filepath.Join(dir, "p", "p_test.go")), "DrainAndClose(resp.Body)") {
		t.Errorf("-w: exit %d, want 0 and the test file fixed\n%s", code, stderr)
	}
}
