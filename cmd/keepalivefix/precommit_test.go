package main_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The pre-commit suite installs the hooks as pre-commit does (go install
// ./... in a clone, with an empty module cache): it downloads and builds
// the module's dependencies, so it runs only when asked.
func init() {
	optInSuites = append(optInSuites, struct{ test, env, what, flags string }{
		"TestPreCommit", "KEEPALIVEFIX_PRECOMMIT", "runs the pre-commit hooks with pre-commit", "",
	})
}

// TestPreCommit runs this repository's hooks (.pre-commit-hooks.yaml) with
// the real pre-commit on a git repository of two modules with no go.mod at
// its root: the report hook fails with the findings of both modules, the
// fix hook rewrites both, and each module compiles afterwards.
func TestPreCommit(t *testing.T) {
	if os.Getenv("KEEPALIVEFIX_PRECOMMIT") != "1" {
		t.Skip("opt-in: KEEPALIVEFIX_PRECOMMIT=1 go test ./cmd/keepalivefix -run TestPreCommit -v")
	}
	if _, err := exec.LookPath("pre-commit"); err != nil {
		t.Skip("pre-commit is not on PATH (apt-get install -y pre-commit, or pip install pre-commit), then KEEPALIVEFIX_PRECOMMIT=1 go test ./cmd/keepalivefix -run TestPreCommit -v")
	}
	tmp := t.TempDir()
	// The module cache that go install fills is read-only: make it
	// removable, should pre-commit not have removed it itself.
	t.Cleanup(func() {
		_ = filepath.WalkDir(tmp, func(path string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				_ = os.Chmod(path, 0o755)
			}
			return nil
		})
	})
	hooks, rev := snapshotRepo(t, filepath.Join(tmp, "hooks"))

	project := filepath.Join(tmp, "project")
	files := map[string]string{
		"a/go.mod":     "module example.com/a\n\ngo 1.26\n",
		"a/a.go":       leaky("a"),
		"b/go.mod":     "module example.com/b\n\ngo 1.26\n",
		"b/b.go":       leaky("b"),
		"b/sub/sub.go": leaky("sub"),
		".pre-commit-config.yaml": "repos:\n" +
			"  - repo: " + hooks + "\n" +
			"    rev: " + rev + "\n" +
			"    hooks:\n" +
			"      - id: keepalivefix\n" +
			"      - id: keepalivefix-fix\n",
	}
	for name, content := range files {
		writeTestFile(t, filepath.Join(project, name), content)
	}
	git(t, project, "init", "-q")
	git(t, project, "add", "-A")

	// pre-commit's own store in the test's directory; the go command's
	// settings (GOPROXY, GOFLAGS) as the environment has them, but no
	// GOMODCACHE: pre-commit's GOPATH holds the module cache, empty, as
	// on a user's first install.
	env := []string{"PRE_COMMIT_HOME=" + filepath.Join(tmp, "store")}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GOMODCACHE=") && !strings.HasPrefix(kv, "PRE_COMMIT") && !strings.HasPrefix(kv, "GOBIN=") {
			env = append(env, kv)
		}
	}
	preCommit := func(hook string) (string, int) {
		cmd := exec.Command("pre-commit", "run", "--all-files", "--color=never", hook)
		cmd.Dir, cmd.Env = project, env
		out, err := cmd.CombinedOutput()
		code := 0
		if err != nil {
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("pre-commit run %s: %v", hook, err)
			}
			code = exit.ExitCode()
		}
		return string(out), code
	}

	out, code := preCommit("keepalivefix")
	t.Logf("pre-commit run keepalivefix:\n%s", out)
	if code != 1 {
		t.Fatalf("pre-commit run keepalivefix: exit %d, want 1 (findings)\n%s", code, out)
	}
	for _, want := range []string{
		"a/a.go:6:15: KA1001: ", "a/a.go:6:15: KA1004: ",
		"b/b.go:6:15: KA1001: ", "b/sub/sub.go:6:15: KA1004: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report hook's output lacks %q:\n%s", want, out)
		}
	}

	// The fix hook rewrites the files; pre-commit fails it because it
	// changed them, so that the commit is redone with the fixes.
	out, code = preCommit("keepalivefix-fix")
	if code != 1 || !strings.Contains(out, "files were modified by this hook") {
		t.Errorf("pre-commit run keepalivefix-fix: exit %d, want 1 with files modified\n%s", code, out)
	}
	for file, want := range map[string]string{
		"a/a.go":       "httpClient.Get(u)",
		"b/b.go":       "keepalive.Client.Get(u)",
		"b/sub/sub.go": "keepalive.Client.Get(u)",
	} {
		if src := readFile(t, filepath.Join(project, file)); !strings.Contains(src, want) {
			t.Errorf("%s after the fix hook lacks %s:\n%s", file, want, src)
		}
	}
	for _, mod := range []string{"a", "b"} {
		cmd := exec.Command("go", "vet", "./...")
		cmd.Dir = filepath.Join(project, mod)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("module %s after the fix hook: go vet: %v\n%s", mod, err, out)
		}
	}
	git(t, project, "add", "-A")
	if out, code := preCommit("keepalivefix"); code != 0 {
		t.Errorf("the report hook after the fixes: exit %d, want 0\n%s", code, out)
	}
}

// snapshotRepo commits the working tree's tracked files, as they are now,
// to a new git repository at dir, so that pre-commit installs the hooks
// from the code under test, and returns dir and the commit.
func snapshotRepo(t *testing.T, dir string) (string, string) {
	t.Helper()
	top := strings.TrimSpace(git(t, repoRoot, "rev-parse", "--show-toplevel"))
	for _, name := range strings.Split(git(t, top, "ls-files", "-z"), "\x00") {
		if name == "" {
			continue
		}
		src, err := os.ReadFile(filepath.Join(top, name))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		writeTestFile(t, filepath.Join(dir, name), string(src))
	}
	git(t, dir, "init", "-q")
	git(t, dir, "add", "-A")
	git(t, dir, "-c", "user.name=keepalivefix test", "-c", "user.email=test@keepalivefix.invalid", "commit", "-q", "--no-verify", "-m", "snapshot")
	return dir, strings.TrimSpace(git(t, dir, "rev-parse", "HEAD"))
}

func writeTestFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// git runs git in dir with the user's and the system's configuration left
// out, and returns its standard output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}
