package main_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cachedRun runs the command in dir with its result cache in cache, the
// cache tracing on, and returns its standard output and error.
func cachedRun(dir, cache string, args ...string) (string, string) {
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+cache, "HOME="+cache, "KEEPALIVEFIX_CACHE=trace")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	_ = cmd.Run() // exit 1 means findings; the tests read the output
	return out.String(), errb.String()
}

// TestWarmRunIdentical: a second run over unchanged code is served from the
// result cache with byte-identical output in every format; a change to one
// file, or other options, is analysed again.
func TestWarmRunIdentical(t *testing.T) {
	dir := copyTree(t, filepath.Join(repoRoot, "testdata", "example"))
	cache := t.TempDir()
	run := func(args ...string) (string, string) { return cachedRun(dir, cache, args...) }
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

// TestWarmRunStamp: a warm run over unchanged files skips go list (the
// stamp, stamp.go), and every change that go list or the key would see
// still makes it analyse again: an edit that keeps the size and sets the
// modification time back (only the change time tells), a new package, a
// file removed.
func TestWarmRunStamp(t *testing.T) {
	dir := copyTree(t, filepath.Join(repoRoot, "testdata", "example"))
	cache := t.TempDir()
	run := func() (string, string) { return cachedRun(dir, cache, "./...") }
	const skipped = "cache hit, go list skipped"
	// Stats are trusted only for entries older than the stamp by the
	// racy window (3 s): wait that out, so that the edit below is caught
	// by its stat and not by a digest.
	time.Sleep(3500 * time.Millisecond)
	cold, stderr := run()
	if !strings.Contains(stderr, "cache miss") {
		t.Fatalf("first run: want a miss\n%s", stderr)
	}
	if warm, stderr := run(); !strings.Contains(stderr, skipped) || warm != cold {
		t.Fatalf("second run: want a hit without go list and the same output\n%s\n%s\n---\n%s", stderr, cold, warm)
	}

	path := filepath.Join(dir, "catalog", "catalog.go")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(src, []byte(`http.Get(c.base + "/healthz")`), []byte(`  http.Get(c.base+"/healthz")`), 1)
	if len(edited) != len(src) || bytes.Equal(edited, src) {
		t.Fatal("the edit must change catalog.go and keep its size")
	}
	if err := os.WriteFile(path, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	out, stderr := run()
	if !strings.Contains(stderr, "cache miss") || !strings.Contains(out, "catalog.go:93:17: KA1001: http.Get") {
		t.Errorf("same size, same modification time: want a miss and the edited finding\n%s\n%s", stderr, out)
	}
	if _, stderr := run(); !strings.Contains(stderr, skipped) {
		t.Errorf("after the edit was analysed: want a hit without go list\n%s", stderr)
	}

	pkg := filepath.Join(dir, "catalog", "extra")
	if err := os.MkdirAll(pkg, 0o755); err != nil {
		t.Fatal(err)
	}
	extra := "package extra\n\nimport \"net/http\"\n\nfunc Ping(url string) error {\n\tresp, err := http.Get(url)\n\tif err != nil {\n\t\treturn err\n\t}\n\treturn resp.Body.Close()\n}\n"
	if err := os.WriteFile(filepath.Join(pkg, "extra.go"), []byte(extra), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr = run()
	if !strings.Contains(stderr, "cache miss") || !strings.Contains(out, "extra.go:6:15: KA1001") {
		t.Errorf("a new package: want a miss and its finding\n%s\n%s", stderr, out)
	}

	if err := os.Remove(filepath.Join(pkg, "extra.go")); err != nil {
		t.Fatal(err)
	}
	out, stderr = run()
	if !strings.Contains(stderr, "cache hit") || strings.Contains(out, "extra.go") {
		t.Errorf("the new file removed: want the earlier result again\n%s\n%s", stderr, out)
	}
}
