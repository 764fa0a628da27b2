package report

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func runGit(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir,
		"-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func writeFile(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func lines(ns ...int) map[int]bool {
	m := make(map[int]bool)
	for _, n := range ns {
		m[n] = true
	}
	return m
}

func TestChangedLines(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)

	dir := t.TempDir()
	runGit(t, dir, "init", "-q")
	writeFile(t, dir, "a.go", "l1\nl2\nl3\nl4\nl5\n")
	writeFile(t, dir, "sp ace.go", "x\ny\n")
	writeFile(t, dir, "gone.go", "bye\n")
	writeFile(t, dir, "sub/s.go", "s1\ns2\n")
	writeFile(t, dir, ".gitignore", "ignored.go\n")
	runGit(t, dir, "add", ".")
	runGit(t, dir, "commit", "-q", "-m", "base")
	runGit(t, dir, "tag", "base")

	// In a.go, modify lines 2 and 5 and append line 6, which looks like a
	// "+++ " header in the diff; delete gone.go.
	writeFile(t, dir, "a.go", "l1\nL2\nl3\nl4\nnew\n++ b/fake.go\n")
	writeFile(t, dir, "sp ace.go", "x\nY\n")
	writeFile(t, dir, "sub/s.go", "s1\ns2\ns3\n")
	if err := os.Remove(filepath.Join(dir, "gone.go")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "added.go", "a1\na2\n") // staged new file
	runGit(t, dir, "add", "added.go")
	writeFile(t, dir, "untracked.go", "u1\nu2\nu3") // no final newline
	writeFile(t, dir, "ignored.go", "i\n")

	got, err := ChangedLines(dir, "base")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[int]bool{
		"a.go":         lines(2, 5, 6),
		"sp ace.go":    lines(2),
		"sub/s.go":     lines(3),
		"added.go":     lines(1, 2),
		"untracked.go": lines(1, 2, 3),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ChangedLines = %v\nwant %v", got, want)
	}

	// Relative to a subdirectory.
	got, err = ChangedLines(filepath.Join(dir, "sub"), "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]map[int]bool{"s.go": lines(3)}; !reflect.DeepEqual(got, want) {
		t.Errorf("ChangedLines(sub) = %v, want %v", got, want)
	}

	// Filtering.
	fs := []Finding{
		finding("a.go", 1, "KA1001"),
		finding("a.go", 2, "KA1001"),
		finding("./a.go", 5, "KA1002"),
		finding("untracked.go", 3, "KA1004"),
		finding("other.go", 1, "KA1004"),
	}
	changed, _ := ChangedLines(dir, "base")
	if got, want := FilterChanged(fs, changed), []Finding{fs[1], fs[2], fs[3]}; !reflect.DeepEqual(got, want) {
		t.Errorf("FilterChanged = %v, want %v", got, want)
	}

	// Errors.
	if _, err := ChangedLines(dir, "no-such-rev"); err == nil || !strings.Contains(err.Error(), "unknown git revision") {
		t.Errorf("unknown rev: err = %v", err)
	}
	if _, err := ChangedLines(dir, "--output=/tmp/x"); err == nil {
		t.Error("option-like revision accepted")
	}
	if _, err := ChangedLines(dir, ""); err == nil {
		t.Error("empty revision accepted")
	}
	if _, err := ChangedLines(t.TempDir(), "HEAD"); err == nil || !strings.Contains(err.Error(), "not in a git work tree") {
		t.Errorf("non-repo: err = %v", err)
	}
}

func TestParseDiff(t *testing.T) {
	diff := `diff --git a/x.go b/x.go
index 1..2 100644
--- a/x.go
+++ b/x.go
@@ -3 +3 @@ func f() {
-old
+new
@@ -10,0 +11,2 @@
+a
+b
@@ -20,3 +21,0 @@
-gone
diff --git a/gone.go b/gone.go
deleted file mode 100644
--- a/gone.go
+++ /dev/null
@@ -1,2 +0,0 @@
-x
-y
diff --git "a/q\"uote.go" "b/q\"uote.go"
--- "a/q\"uote.go"
+++ "b/q\"uote.go"
@@ -1 +1 @@
-+++ b/evil.go
++++ b/evil.go
`
	got, err := parseDiff([]byte(diff))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[int]bool{
		"x.go":      lines(3, 11, 12),
		`q"uote.go`: lines(1),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseDiff = %v, want %v", got, want)
	}
	if _, err := parseDiff([]byte("diff --git a/x b/x\n+++ b/x\n@@ -1 +x @@\n")); err == nil {
		t.Error("malformed hunk accepted")
	}
}
