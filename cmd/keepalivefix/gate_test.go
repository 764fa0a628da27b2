package main_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// This file tests the pull-request gate, -new-from-rev, on the built
// command in temporary git repositories.

// gateService is a module with one correct function (Fetch) and one leak
// (Leak, KA1004 on its call line) whose call lines are identical.
const gateService = `package svc

import (
	"io"
	"net/http"
)

func Fetch(c *http.Client, u string) ([]byte, error) {
	resp, err := c.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func Leak(c *http.Client, u string) int {
	resp, err := c.Get(u)
	if err != nil {
		return 0
	}
	return resp.StatusCode
}
`

// gateEnv is the environment of git and of the command: no user or system
// git configuration, offline, and a temporary directory of the test's own,
// so that checkouts left behind can be counted.
func gateEnv(t *testing.T) (env []string, tmp string) {
	t.Helper()
	tmp = t.TempDir()
	return append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL="+os.DevNull,
		"GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local", "TMPDIR="+tmp), tmp
}

func gateGit(t *testing.T, dir string, env []string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir, cmd.Env = dir, env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// gateRepo returns a git repository whose svc directory holds files (a
// module), committed and tagged base.
func gateRepo(t *testing.T, env []string, files map[string]string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	for name, content := range files {
		gateWrite(t, filepath.Join(dir, "svc", name), content)
	}
	gateGit(t, dir, env, "init", "-q", "-b", "main")
	gateGit(t, dir, env, "add", "-A")
	gateGit(t, dir, env, "commit", "-qm", "base")
	gateGit(t, dir, env, "tag", "base")
	return dir
}

func gateWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

type gateResult struct {
	stdout, stderr string
	code           int
}

func gateRun(t *testing.T, dir string, env []string, args ...string) gateResult {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir, cmd.Env = dir, env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := gateResult{stdout: out.String(), stderr: errb.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return r
}

// gateClean checks that no checkout of a revision is left, on disk or
// registered in the repository.
func gateClean(t *testing.T, repo, tmp string, env []string) {
	t.Helper()
	if left, _ := filepath.Glob(filepath.Join(tmp, "keepalivefix-rev-*")); len(left) > 0 {
		t.Errorf("checkouts left in the temporary directory: %v", left)
	}
	if list := gateGit(t, repo, env, "worktree", "list", "--porcelain"); strings.Count(list, "worktree ") != 1 {
		t.Errorf("worktrees left registered:\n%s", list)
	}
}

func TestNewFromRevGate(t *testing.T) {
	env, tmp := gateEnv(t)
	repo := gateRepo(t, env, map[string]string{
		"go.mod": "module example.com/svc\n\ngo 1.26\n",
		"svc.go": gateService,
	})
	path := filepath.Join(repo, "svc", "svc.go")

	// The module is a subdirectory of the repository, run from the top
	// with -C.
	r := gateRun(t, repo, env, "-C", "svc", "-new-from-rev", "base", "./...")
	if r.code != 0 || r.stdout != "" {
		t.Errorf("nothing changed: exit %d, want 0 and no findings\n%s%s", r.code, r.stdout, r.stderr)
	}

	// (b) A pure line shift, uncommitted: the old leak moves down and is
	// not new.
	shifted := strings.Replace(gateService, "package svc\n", "// Package svc is a service.\npackage svc\n\n// Lines above move the findings down.\n", 1)
	gateWrite(t, path, shifted)
	if r := gateRun(t, repo, env, "-C", "svc", "./..."); r.code != 1 || !strings.Contains(r.stdout, "svc.go:21:15: KA1004") {
		t.Fatalf("the shifted leak is not at 21:15 without the gate: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = gateRun(t, repo, env, "-C", "svc", "-new-from-rev", "base", "./...")
	if r.code != 0 || r.stdout != "" {
		t.Errorf("line shift: exit %d, want 0 and no findings\n%s%s", r.code, r.stdout, r.stderr)
	}

	// (a) A commit adds an early return before Fetch's existing defer:
	// the finding sits on Fetch's unchanged call line, identical to
	// Leak's, and is the one new finding.
	early := strings.Replace(shifted, "\t\treturn nil, err\n\t}\n\tdefer resp.Body.Close()",
		"\t\treturn nil, err\n\t}\n\tif resp.StatusCode != 200 {\n\t\treturn nil, nil\n\t}\n\tdefer resp.Body.Close()", 1)
	if early == shifted {
		t.Fatal("the early return was not inserted")
	}
	gateWrite(t, path, early)
	gateGit(t, repo, env, "checkout", "-qb", "pr")
	gateGit(t, repo, env, "commit", "-qam", "early return")
	r = gateRun(t, repo, env, "-C", "svc", "-new-from-rev", "main", "./...")
	if r.code != 1 || strings.Count(r.stdout, "\n") != 1 || !strings.HasPrefix(r.stdout, "svc.go:12:15: KA1004: ") {
		t.Errorf("early return: exit %d, want 1 and only Fetch's finding (12:15)\n%s%s", r.code, r.stdout, r.stderr)
	}
	// The same from inside the module, in JSON.
	r = gateRun(t, filepath.Join(repo, "svc"), env, "-new-from-rev", "main", "-json")
	if r.code != 1 || strings.Count(r.stdout, `"check": "KA1004"`) != 1 || !strings.Contains(r.stdout, `"line": 12,`) {
		t.Errorf("early return, -json: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A package that did not exist at the revision: its findings are new.
	gateWrite(t, filepath.Join(repo, "svc", "added", "added.go"), strings.Replace(gateService, "package svc", "package added", 1))
	r = gateRun(t, repo, env, "-C", "svc", "-new-from-rev", "main", "./...")
	for _, want := range []string{"svc.go:12:15: KA1004", "added/added.go:18:15: KA1004"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("new package: stdout lacks %q (exit %d)\n%s%s", want, r.code, r.stdout, r.stderr)
		}
	}
	if n := strings.Count(r.stdout, "\n"); r.code != 1 || n != 2 {
		t.Errorf("new package: exit %d, %d findings; want 1, 2 (Leak in svc.go is old)\n%s", r.code, n, r.stdout)
	}
	gateClean(t, repo, tmp, env)
}

func TestNewFromRevErrors(t *testing.T) {
	env, tmp := gateEnv(t)
	repo := gateRepo(t, env, map[string]string{
		"go.mod": "module example.com/svc\n\ngo 1.26\n",
		"svc.go": gateService,
	})
	// (c) An unknown revision is a usage error, found before anything
	// is analysed.
	r := gateRun(t, repo, env, "-C", "svc", "-new-from-rev", "xyz", "./...")
	if want := "keepalivefix: -new-from-rev: unknown revision \"xyz\"\n"; r.code != 2 || r.stderr != want || r.stdout != "" {
		t.Errorf("unknown revision: exit %d, stderr %q; want 2, %q\n%s", r.code, r.stderr, want, r.stdout)
	}
	r = gateRun(t, repo, env, "-C", "svc", "-new-from-rev=--output=x", "./...")
	if r.code != 2 || !strings.Contains(r.stderr, `invalid revision "--output=x"`) {
		t.Errorf("option as revision: exit %d\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(repo, "svc", "x")); err == nil {
		t.Error("an option-like revision reached git")
	}

	outside := writeModule(t, map[string]string{"go.mod": "module example.com/nogit\n\ngo 1.26\n", "a.go": "package nogit\n"})
	r = gateRun(t, outside, env, "-new-from-rev", "HEAD")
	if r.code != 2 || !strings.Contains(r.stderr, "keepalivefix: -new-from-rev: ") || !strings.Contains(r.stderr, "is not in a git work tree") {
		t.Errorf("outside a repository: exit %d, want 2\n%s", r.code, r.stderr)
	}
	gateClean(t, repo, tmp, env)
}
