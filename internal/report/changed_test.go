package report

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-C", dir,
		"-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
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

// gitRepo returns a repository with two commits, tagged base and head, of
// sub/a.go; the work tree has an uncommitted change on top.
func gitRepo(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	dir := t.TempDir()
	runGit(t, dir, "init", "-q")
	writeFile(t, dir, "sub/a.go", "base\n")
	runGit(t, dir, "add", ".")
	runGit(t, dir, "commit", "-q", "-m", "base")
	runGit(t, dir, "tag", "base")
	writeFile(t, dir, "sub/a.go", "head\n")
	runGit(t, dir, "commit", "-q", "-am", "head")
	writeFile(t, dir, "sub/a.go", "work tree\n")
	return dir
}

func TestRepoRoot(t *testing.T) {
	dir := gitRepo(t)
	want, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Join(dir, "sub")} {
		if got, err := RepoRoot(d); err != nil || got != want {
			t.Errorf("RepoRoot(%s) = %q, %v; want %q", d, got, err, want)
		}
	}
	outside := t.TempDir()
	if _, err := RepoRoot(outside); err == nil || !strings.Contains(err.Error(), "not in a git work tree") {
		t.Errorf("RepoRoot outside a repository: err = %v", err)
	}
}

func TestResolveRevision(t *testing.T) {
	dir := gitRepo(t)
	base := runGit(t, dir, "rev-parse", "base")
	for _, rev := range []string{"base", "HEAD~1", base[:8]} {
		if got, err := ResolveRevision(dir, rev); err != nil || got != base {
			t.Errorf("ResolveRevision(%q) = %q, %v; want %s", rev, got, err, base)
		}
	}
	for _, tc := range []struct{ rev, err string }{
		{"no-such-rev", `unknown revision "no-such-rev"`},
		{"--output=/tmp/x", "invalid revision"},
		{"", "invalid revision"},
	} {
		if _, err := ResolveRevision(dir, tc.rev); err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("ResolveRevision(%q): err = %v, want %q", tc.rev, err, tc.err)
		}
	}

	// A shallow clone says why the revision may be missing.
	shallow := filepath.Join(t.TempDir(), "shallow")
	runGit(t, dir, "clone", "-q", "--depth=1", "file://"+dir, shallow)
	if _, err := ResolveRevision(shallow, base); err == nil || !strings.Contains(err.Error(), "shallow clone") {
		t.Errorf("ResolveRevision in a shallow clone: err = %v", err)
	}
}

func TestCheckOut(t *testing.T) {
	dir := gitRepo(t)
	repo, err := RepoRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	base, err := ResolveRevision(dir, "base")
	if err != nil {
		t.Fatal(err)
	}
	c, err := CheckOut(repo, base)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(c.Root, "sub", "a.go")); err != nil || string(got) != "base\n" {
		t.Errorf("checkout of base has sub/a.go = %q, %v; want %q", got, err, "base\n")
	}
	if got := runGit(t, dir, "worktree", "list", "--porcelain"); !strings.Contains(got, c.Root) {
		t.Errorf("worktree list lacks %s:\n%s", c.Root, got)
	}
	if err := c.Remove(); err != nil {
		t.Fatal(err)
	}
	if err := c.Remove(); err != nil {
		t.Errorf("second Remove: %v", err)
	}
	if _, err := os.Stat(c.Root); !os.IsNotExist(err) {
		t.Errorf("checkout still there after Remove: %v", err)
	}
	if got := runGit(t, dir, "worktree", "list", "--porcelain"); strings.Contains(got, c.Root) {
		t.Errorf("worktree still registered after Remove:\n%s", got)
	}
	// The work tree and the branch are untouched.
	if got, _ := os.ReadFile(filepath.Join(dir, "sub", "a.go")); string(got) != "work tree\n" {
		t.Errorf("work tree changed: sub/a.go = %q", got)
	}
	if got := runGit(t, dir, "status", "--porcelain"); got != "M sub/a.go" {
		t.Errorf("git status after the checkout: %q", got)
	}

	if _, err := CheckOut(repo, strings.Repeat("0", 40)); err == nil || !strings.Contains(err.Error(), "checking out 000000000000") {
		t.Errorf("CheckOut of a missing commit: err = %v", err)
	}
	if got := runGit(t, dir, "worktree", "list", "--porcelain"); strings.Count(got, "worktree ") != 1 {
		t.Errorf("a failed checkout left a worktree behind:\n%s", got)
	}
}
