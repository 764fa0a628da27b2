package main_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWarmRunIdentical: a second run over unchanged code is served from the
// result cache with byte-identical output in every format; a change to one
// file, or other options, is analysed again.
func TestWarmRunIdentical(t *testing.T) {
	dir := copyTree(t, filepath.Join(repoRoot, "testdata", "example"))
	cache := t.TempDir()
	run := func(args ...string) (string, string) {
		t.Helper()
		cmd := exec.Command(binary, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache, "HOME="+cache, "KEEPALIVEFIX_CACHE=trace")
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		_ = cmd.Run()
		return out.String(), errb.String()
	}
	for _, format := range []string{"text", "json", "sarif", "github"} {
		cold, stderr := run("-format="+format, "./...")
		if !strings.Contains(stderr, "cache miss") || cold == "" {
			t.Fatalf("-format=%s first run: want a miss and findings\n%s\n%s", format, stderr, cold)
		}
		warm, stderr := run("-format="+format, "./...")
		if !strings.Contains(stderr, "cache hit") {
			t.Errorf("-format=%s second run: want a hit\n%s", format, stderr)
		}
		if warm != cold {
			t.Errorf("-format=%s: the warm run's output differs from the cold one's:\n%s\n---\n%s", format, cold, warm)
		}
	}
	if _, stderr := run("-checks=KA1001", "./..."); !strings.Contains(stderr, "cache miss") {
		t.Errorf("other options: want a miss\n%s", stderr)
	}
	path := filepath.Join(dir, "catalog", "catalog.go")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, bytes.Replace(src, []byte(`http.Get(c.base + "/healthz")`), []byte(`http.Head(c.base + "/healthz")`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr := run("./...")
	if !strings.Contains(stderr, "cache miss") || !strings.Contains(out, "catalog.go:93:15: KA1001: http.Head") {
		t.Errorf("after an edit: want a miss and the edited finding gone\n%s\n%s", stderr, out)
	}
}
