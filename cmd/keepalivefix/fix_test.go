package main_test

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// copyTree copies the directory src to a new temporary directory.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// sums returns the SHA-256 of every file under dir, by relative path.
func sums(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel] = fmt.Sprintf("%x", sha256.Sum256(data))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// The product's promise: keepalivefix -w on a real module gives code that
// builds, vets and passes its own tests, and a second run changes nothing.
func TestFixExample(t *testing.T) {
	dir := copyTree(t, filepath.Join(repoRoot, "testdata", "example"))
	before := sums(t, dir)

	diff, stderr, code := keepalivefix(t, dir, "-d", "./...")
	if code != 1 || !strings.Contains(diff, "+var Client = &http.Client{") {
		t.Fatalf("-d: exit %d, want 1 with the diff\n%s\n%s", code, diff, stderr)
	}
	golden := filepath.Join("testdata", "example.diff.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(diff), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if want, err := os.ReadFile(golden); err != nil || string(want) != diff {
		t.Errorf("-d output differs from %s (go test -update to rewrite it after review); got:\n%s", golden, diff)
	}
	list, _, code := keepalivefix(t, dir, "-l", "./...")
	wantList := "catalog/catalog.go\nfrontend/frontend.go\ninternal/keepalive/keepalive.go\nworker/worker.go\n"
	if code != 1 || list != wantList {
		t.Errorf("-l: exit %d, output %q; want 1, %q", code, list, wantList)
	}
	if after := sums(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatal("-d or -l changed files")
	}

	_, stderr, code = keepalivefix(t, dir, "-w", "./...")
	if code != 0 {
		t.Fatalf("-w: exit %d, want 0 (every finding fixed)\n%s", code, stderr)
	}
	if n := strings.Count(stderr, "(no automatic fix"); n != 0 {
		t.Errorf("-w left %d findings unfixed, want 0:\n%s", n, stderr)
	}
	goCmd(t, dir, "build", "./...")
	goCmd(t, dir, "vet", "./...")
	goCmd(t, dir, "test", "./...")
	if out, _ := exec.Command("gofmt", "-l", dir).Output(); len(out) > 0 {
		t.Errorf("not gofmt-clean after -w:\n%s", out)
	}

	fixed := sums(t, dir)
	if out, _, code := keepalivefix(t, dir, "-d", "./..."); code != 0 || out != "" {
		t.Errorf("second -d: exit %d, want 0 and no diff:\n%s", code, out)
	}
	keepalivefix(t, dir, "-w", "./...")
	if again := sums(t, dir); fmt.Sprint(again) != fmt.Sprint(fixed) {
		t.Error("a second -w changed files")
	}

	// go fix -fixtool applies exactly the same edits as -w with a
	// declaration per package (go fix cannot create the shared package).
	perPackage := copyTree(t, filepath.Join(repoRoot, "testdata", "example"))
	if _, stderr, code := keepalivefix(t, perPackage, "-w", "-shared=", "./..."); code != 0 {
		t.Fatalf("-w -shared=: exit %d, want 0\n%s", code, stderr)
	}
	fixed = sums(t, perPackage)
	viaGoFix := copyTree(t, filepath.Join(repoRoot, "testdata", "example"))
	goCmd(t, viaGoFix, "fix", "-fixtool="+binary, "./...")
	if got := sums(t, viaGoFix); fmt.Sprint(got) != fmt.Sprint(fixed) {
		for name, sum := range fixed {
			if got[name] != sum {
				t.Errorf("go fix -fixtool and -w differ on %s", name)
			}
		}
	}
}

func TestOutputFormats(t *testing.T) {
	dir := filepath.Join(repoRoot, "testdata", "example")
	out, stderr, code := keepalivefix(t, dir, "-json", "./...")
	if code != 1 {
		t.Fatalf("-json: exit %d\n%s", code, stderr)
	}
	var rep struct {
		Version  int `json:"version"`
		Findings []struct {
			Check        string `json:"check"`
			File         string `json:"file"`
			Line         int    `json:"line"`
			FixAvailable bool   `json:"fix_available"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("-json output: %v\n%s", err, out)
	}
	fixable := 0
	for _, f := range rep.Findings {
		if f.FixAvailable {
			fixable++
		}
	}
	if rep.Version != 1 || len(rep.Findings) != 10 || fixable != 10 {
		t.Errorf("-json: version %d, %d findings (%d fixable); want 1, 10 (10)", rep.Version, len(rep.Findings), fixable)
	}

	out, _, _ = keepalivefix(t, dir, "-sarif", "./...")
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil {
		t.Fatalf("-sarif output: %v", err)
	}
	if sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Tool.Driver.Rules) < 5 || len(sarif.Runs[0].Results) != 10 {
		t.Errorf("-sarif: unexpected shape: %+v", sarif)
	}

	out, _, _ = keepalivefix(t, dir, "-format=github", "./...")
	if !strings.HasPrefix(out, "::warning file=testdata/example/catalog/catalog.go,line=79,col=15,") {
		t.Errorf("-format=github: got\n%s", out)
	}
	if _, _, code := keepalivefix(t, dir, "-format=xml", "./..."); code != 2 {
		t.Errorf("-format=xml: exit %d, want 2", code)
	}
}

// A baseline absorbs today's findings and survives edits elsewhere in the
// file; a new finding still fails the run.
func TestBaseline(t *testing.T) {
	dir := copyTree(t, filepath.Join(repoRoot, "testdata", "example"))
	if _, stderr, code := keepalivefix(t, dir, "-baseline", "baseline.json", "-baseline-write", "./..."); code != 0 || !strings.Contains(stderr, "wrote baseline") {
		t.Fatalf("first run: exit %d, want 0 writing the baseline\n%s", code, stderr)
	}
	if out, _, code := keepalivefix(t, dir, "-baseline", "baseline.json", "./..."); code != 0 || out != "" {
		t.Fatalf("second run: exit %d, want 0 and nothing reported:\n%s", code, out)
	}
	path := filepath.Join(dir, "catalog", "catalog.go")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Lines move, and a new leak appears.
	src = []byte(strings.Replace(string(src), "package catalog\n", "package catalog\n\n// Moved down.\n\n", 1))
	src = append(src, []byte("\n// Again leaks.\nfunc Again(c *http.Client, u string) int {\n\tresp, err := c.Get(u)\n\tif err != nil {\n\t\treturn 0\n\t}\n\treturn resp.StatusCode\n}\n")...)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := keepalivefix(t, dir, "-baseline", "baseline.json", "./...")
	if code != 1 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "KA1004") {
		t.Errorf("after edits: exit %d, want 1 with only the new KA1004:\n%s", code, out)
	}
}

func TestNewFromRev(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := copyTree(t, filepath.Join(repoRoot, "testdata", "example"))
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-qm", "base")
	if out, _, code := keepalivefix(t, dir, "-new-from-rev", "HEAD", "./..."); code != 0 || out != "" {
		t.Fatalf("no changes: exit %d, want 0:\n%s", code, out)
	}
	path := filepath.Join(dir, "worker", "worker.go")
	src, _ := os.ReadFile(path)
	src = append(src, []byte("\nfunc again(c *http.Client, u string) int {\n\tresp, err := c.Get(u)\n\tif err != nil {\n\t\treturn 0\n\t}\n\treturn resp.StatusCode\n}\n")...)
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := keepalivefix(t, dir, "-new-from-rev", "HEAD", "./...")
	if code != 1 || strings.Count(out, "\n") != 1 || !strings.Contains(out, "worker/worker.go") {
		t.Errorf("one new leak: exit %d, want 1 with one finding:\n%s", code, out)
	}
	if _, _, code := keepalivefix(t, dir, "-new-from-rev", "no-such-rev", "./..."); code != 2 {
		t.Errorf("unknown revision: exit %d, want 2", code)
	}
}
