package main_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// baselineEntries reads the baseline file at path and returns its entries
// as "check file" strings.
func baselineEntries(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b struct {
		Version  int `json:"version"`
		Findings []struct {
			Check, File string
		} `json:"findings"`
	}
	if err := json.Unmarshal(data, &b); err != nil || b.Version != 1 {
		t.Fatalf("baseline %s: version %d, %v\n%s", path, b.Version, err, data)
	}
	var out []string
	for _, f := range b.Findings {
		out = append(out, f.Check+" "+f.File)
	}
	return out
}

// dirFiles returns the names and contents of the files in dir.
func dirFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := make(map[string]string)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(data)
	}
	return out
}

// leakFunc is a function with a KA1004 finding on its call line.
func leakFunc(name string) string {
	return fmt.Sprintf("\nfunc %s(c *http.Client, u string) int {\n\tresp, err := c.Get(u)\n\tif err != nil {\n\t\treturn 0\n\t}\n\treturn resp.StatusCode\n}\n", name)
}

func TestBaselineGate(t *testing.T) {
	env, _ := gateEnv(t)
	dir := writeModule(t, map[string]string{
		"go.mod": "module example.com/svc\n\ngo 1.26\n",
		"svc.go": gateService + leakFunc("Other"),
	})
	src := filepath.Join(dir, "svc.go")
	baseline := filepath.Join(dir, "keepalive-baseline.json")

	// A mistyped path is a usage error that says how to make the file,
	// and writes nothing.
	before := dirFiles(t, dir)
	r := gateRun(t, dir, env, "-baseline", "keepalive-baselin.json", "./...")
	if r.code != 2 || r.stdout != "" || !strings.Contains(r.stderr, "keepalive-baselin.json does not exist") || !strings.Contains(r.stderr, "-baseline-write") {
		t.Errorf("missing baseline: exit %d, want 2 and a hint at -baseline-write\n%s%s", r.code, r.stdout, r.stderr)
	}
	if after := dirFiles(t, dir); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Errorf("a missing baseline changed files: %v", after)
	}
	if r := gateRun(t, dir, env, "-baseline-write", "./..."); r.code != 2 || !strings.Contains(r.stderr, "-baseline-write needs -baseline") {
		t.Errorf("-baseline-write alone: exit %d, want 2\n%s", r.code, r.stderr)
	}

	// -baseline-write creates the file with today's findings and exits 0;
	// with it, nothing is reported.
	r = gateRun(t, dir, env, "-baseline", baseline, "-baseline-write", "./...")
	if r.code != 0 || r.stdout != "" || !strings.Contains(r.stderr, "with 2 findings") {
		t.Fatalf("-baseline-write: exit %d, want 0 and 2 findings written\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := baselineEntries(t, baseline); strings.Join(got, ",") != "KA1004 svc.go,KA1004 svc.go" {
		t.Errorf("baseline entries %q, want two KA1004 in svc.go", got)
	}
	if r := gateRun(t, dir, env, "-baseline", baseline, "./..."); r.code != 0 || r.stdout != "" {
		t.Errorf("with the baseline: exit %d, want 0 and nothing reported\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A fixed finding is pruned when the baseline is written again, so
	// that the same leak coming back is reported.
	withoutOther := gateService
	gateWrite(t, src, withoutOther)
	r = gateRun(t, dir, env, "-baseline", baseline, "-baseline-write", "./...")
	if r.code != 0 || !strings.Contains(r.stderr, "with 1 findings (1 gone since it was last written)") {
		t.Errorf("rewrite after a fix: exit %d\n%s", r.code, r.stderr)
	}
	if got := baselineEntries(t, baseline); len(got) != 1 {
		t.Errorf("baseline after the fix has %d entries, want 1: %q", len(got), got)
	}
	gateWrite(t, src, withoutOther+leakFunc("Other"))
	r = gateRun(t, dir, env, "-baseline", baseline, "./...")
	if r.code != 1 || strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stdout, "svc.go:26:15: KA1004: ") {
		t.Errorf("the pruned leak is back: exit %d, want 1 and it alone (26:15)\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A new leak is reported; the old one, moved down, is not.
	gateWrite(t, src, strings.Replace(withoutOther, "package svc\n", "package svc\n\n// Moved down.\n", 1)+leakFunc("Added"))
	r = gateRun(t, dir, env, "-baseline", baseline, "./...")
	if r.code != 1 || strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stdout, "svc.go:28:15: KA1004: ") {
		t.Errorf("new leak: exit %d, want 1 and only Added's finding (28:15)\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A file that is not a baseline is a usage error too.
	gateWrite(t, baseline, "not json\n")
	if r := gateRun(t, dir, env, "-baseline", baseline, "./..."); r.code != 2 || !strings.Contains(r.stderr, "not a keepalivefix baseline") {
		t.Errorf("corrupt baseline: exit %d, want 2\n%s", r.code, r.stderr)
	}
}
