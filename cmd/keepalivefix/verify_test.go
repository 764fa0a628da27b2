package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// TestVerifyRejectsBrokenMerge: the in-memory check before -w writes
// anything names the package variant whose new files do not compile, and
// accepts the ones that do.
func TestVerifyRejectsBrokenMerge(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	write("go.mod", "module example.com/v\n\ngo 1.26\n")
	a := write("a.go", "package v\n\nimport \"net/http\"\n\nfunc A(u string) (*http.Response, error) { return http.Get(u) }\n")
	write("a_test.go", "package v\n\nimport \"testing\"\n\nfunc TestA(t *testing.T) { _ = A }\n")
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadAllSyntax, Dir: dir, Tests: true}, ".")
	if err != nil || len(pkgs) == 0 {
		t.Fatalf("load: %v", err)
	}
	loaded := [][]*packages.Package{pkgs}

	good := map[string][]byte{a: []byte("package v\n\nimport \"net/http\"\n\nvar c = &http.Client{}\n\nfunc A(u string) (*http.Response, error) { return c.Get(u) }\n")}
	if failed := verify(loaded, good, nil); len(failed) != 0 {
		t.Errorf("a fix that compiles was rejected: %v", failed)
	}
	bad := map[string][]byte{a: []byte("package v\n\nimport \"net/http\"\n\nfunc A(u string) (*http.Response, error) { return httpClient.Get(u) }\n\nvar _ = http.MethodGet\n")}
	failed := verify(loaded, bad, nil)
	if len(failed) != 2 { // the package and its test variant
		t.Fatalf("broken merge: %d variants rejected, want 2: %v", len(failed), failed)
	}
	for _, err := range failed {
		if !strings.Contains(err.Error(), "undefined: httpClient") {
			t.Errorf("error %q does not name the undefined client", err)
		}
	}
	// The shared package is checked from its source, as -w would write it.
	shared := map[string][][]byte{"example.com/v/internal/keepalive": {[]byte("package keepalive\n\nimport \"net/http\"\n\nvar Client = &http.Client{}\n")}}
	uses := map[string][]byte{a: []byte("package v\n\nimport (\n\t\"net/http\"\n\n\t\"example.com/v/internal/keepalive\"\n)\n\nfunc A(u string) (*http.Response, error) { return keepalive.Client.Get(u) }\n")}
	if failed := verify(loaded, uses, shared); len(failed) != 0 {
		t.Errorf("a fix importing the shared package was rejected: %v", failed)
	}
}

// TestWriteAllRestores: when one file cannot be written, the files written
// before it get their contents back and a created file is removed.
func TestWriteAllRestores(t *testing.T) {
	dir := t.TempDir()
	first := filepath.Join(dir, "a.go")
	if err := os.WriteFile(first, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	created := filepath.Join(dir, "internal", "keepalive", "keepalive.go")
	err := writeAll([]change{
		{path: created, new: []byte("shared"), mode: 0o644, create: true},
		{path: first, old: []byte("old"), new: []byte("new"), mode: 0o644},
		{path: filepath.Join(dir, "missing", "b.go"), old: []byte("x"), new: []byte("y"), mode: 0o644},
	})
	if err == nil || !strings.Contains(err.Error(), "restored") {
		t.Fatalf("writeAll: %v, want an error saying the files were restored", err)
	}
	if got, _ := os.ReadFile(first); string(got) != "old" {
		t.Errorf("a.go holds %q after the failed write, want the old contents", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "internal")); !os.IsNotExist(err) {
		t.Errorf("the created shared package is still there: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("files left behind: %v", entries)
	}
}
