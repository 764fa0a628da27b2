package main_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// leakySource is a package whose one function sends through
// http.DefaultClient and leaks the body on its return: KA1001 and KA1004.
const leakySource = `package %s

import "net/http"

func Status(u string) int {
	resp, err := http.Get(u)
	if err != nil {
		return 0
	}
	return resp.StatusCode
}
`

func leaky(pkg string) string { return strings.Replace(leakySource, "%s", pkg, 1) }

// findingFiles lists the files of text output's findings, once each, in
// order.
func findingFiles(out string) []string {
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		f := strings.SplitN(line, ":", 2)[0]
		if len(files) == 0 || files[len(files)-1] != f {
			files = append(files, f)
		}
	}
	return files
}

// TestMultiModuleRoot runs ./... at the root of a repository of two
// modules with no go.mod or go.work of its own, as the pre-commit hooks do:
// every module below is analysed and fixed, the go command's skipped
// directories stay skipped, and paths are relative to the root.
func TestMultiModuleRoot(t *testing.T) {
	root := writeModule(t, map[string]string{
		"a/go.mod": "module example.com/a\n\ngo 1.26\n",
		"a/a.go":   leaky("a"),
		// b has two packages that need the client: they share
		// b/internal/keepalive; a's one package keeps its own.
		"b/go.mod":        "module example.com/b\n\ngo 1.26\n",
		"b/b.go":          leaky("b"),
		"b/sub/sub.go":    leaky("sub"),
		"b/nested/go.mod": "module example.com/nested\n\ngo 1.26\n",
		"b/nested/n.go":   leaky("nested"),
		// Left out of ./... by the go command, and so here.
		"testdata/t/go.mod": "module example.com/t\n\ngo 1.26\n",
		"testdata/t/t.go":   leaky("t"),
		"_old/go.mod":       "module example.com/old\n\ngo 1.26\n",
		"_old/old.go":       leaky("old"),
		".cache/go.mod":     "module example.com/cache\n\ngo 1.26\n",
		".cache/c.go":       leaky("c"),
		"vendor/v/go.mod":   "module example.com/v\n\ngo 1.26\n",
		"vendor/v/v.go":     leaky("v"),
	})
	want := []string{"a/a.go", "b/b.go", "b/nested/n.go", "b/sub/sub.go"}
	out, stderr, code := keepalivefix(t, root, "./...")
	if code != 1 {
		t.Fatalf("./... at a root of several modules: exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	if got := findingFiles(out); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("findings in %v, want %v:\n%s", got, want, out)
	}
	if !strings.Contains(out, "a/a.go:6:15: KA1001: ") || !strings.Contains(out, "b/sub/sub.go:6:15: KA1004: ") {
		t.Errorf("findings lack the checks or the root-relative paths:\n%s", out)
	}

	// A pattern inside a module keeps the go command's rule: the nested
	// module is left out.
	out, stderr, code = keepalivefix(t, root, "./b/...")
	if got := findingFiles(out); code != 1 || strings.Join(got, " ") != "b/b.go b/sub/sub.go" {
		t.Errorf("./b/...: exit %d, findings in %v, want b/b.go b/sub/sub.go\n%s%s", code, got, out, stderr)
	}

	out, stderr, code = keepalivefix(t, root, "-w", "./...")
	if code != 0 {
		t.Fatalf("-w ./...: exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	if out, stderr, code := keepalivefix(t, root, "./..."); code != 0 || out != "" {
		t.Errorf("after -w: exit %d, want 0 and no findings\n%s%s", code, out, stderr)
	}
	for _, mod := range []string{"a", "b", "b/nested"} {
		cmd := exec.Command("go", "vet", "./...")
		cmd.Dir = filepath.Join(root, mod)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("module %s after -w: go vet: %v\n%s", mod, err, out)
		}
	}
	// One shared package per module, where two packages of it need one.
	for file, want := range map[string]string{
		"b/b.go":          `"example.com/b/internal/keepalive"`,
		"b/sub/sub.go":    `"example.com/b/internal/keepalive"`,
		"a/a.go":          "var httpClient = ",
		"b/nested/n.go":   "var httpClient = ",
		"testdata/t/t.go": "http.Get(u)",
		"vendor/v/v.go":   "http.Get(u)",
	} {
		if src := readFile(t, filepath.Join(root, file)); !strings.Contains(src, want) {
			t.Errorf("%s after -w lacks %s:\n%s", file, want, src)
		}
	}
}

// TestNoModuleBelow keeps the go command's error when a ./... names a
// tree with no module in it.
func TestNoModuleBelow(t *testing.T) {
	root := writeModule(t, map[string]string{"x/x.go": leaky("x")})
	out, stderr, code := keepalivefix(t, root, "./...")
	if code != 3 || !strings.Contains(stderr, "there is no go.mod in") {
		t.Errorf("exit %d, want 3 and the go command's error\nstdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
}
