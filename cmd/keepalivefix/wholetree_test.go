package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWholeTree runs the command (reporting only, never -w) over the
// standard library, the go command's own tree and this module's
// dependencies in the module cache (their non-test files: only what
// go mod download brings is needed). It takes minutes and gigabytes:
//
//	KEEPALIVEFIX_WHOLETREE=1 go test ./cmd/keepalivefix -run TestWholeTree -v -timeout 60m
func TestWholeTree(t *testing.T) {
	if os.Getenv("KEEPALIVEFIX_WHOLETREE") != "1" {
		t.Skip("set KEEPALIVEFIX_WHOLETREE=1 to run keepalivefix over std, cmd and the module's dependencies")
	}
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	goroot := strings.TrimSpace(wtGo(t, root, "env", "GOROOT"))
	env := biEnv()

	// This module's dependencies: the packages outside the standard
	// library and outside this module that it builds with.
	var deps []string
	self := strings.TrimSpace(wtGo(t, repoRoot, "list", "-m"))
	for _, line := range strings.Split(wtGo(t, repoRoot, "list", "-deps", "-test", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", "./..."), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line == self || strings.HasPrefix(line, self+"/") || strings.Contains(line, ".test") || strings.Contains(line, " [") {
			continue
		}
		deps = append(deps, line)
	}

	for _, tc := range []struct {
		name     string
		dir      string
		patterns []string
		allow3   bool     // packages that may legitimately fail to load
		flags    []string // keepalivefix flags before the patterns
	}{
		{"std", filepath.Join(goroot, "src"), []string{"std"}, false, nil},
		{"cmd", filepath.Join(goroot, "src", "cmd"), []string{"cmd"}, true, nil},
		// The dependencies' own test files import modules that this
		// module's go.sum does not list (go mod download does not bring
		// them, and GOPROXY is off), so they are analysed without them.
		{"dependencies", root, deps, false, []string{"-test=false"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.patterns) == 0 {
				t.Skip("no packages")
			}
			listArgs := append([]string{"list", "-e"}, tc.patterns...)
			pkgs := len(strings.Fields(wtGo(t, tc.dir, listArgs...)))
			start := time.Now()
			args := append(append([]string{"-C", tc.dir}, tc.flags...), tc.patterns...)
			r := biRun(t, root, env, args...)
			findings := 0
			for _, line := range strings.Split(r.stdout, "\n") {
				if strings.TrimSpace(line) != "" {
					findings++
				}
			}
			t.Logf("%s: %d packages, %d findings, exit %d, %v", tc.name, pkgs, findings, r.code, time.Since(start).Round(time.Second))
			switch {
			case r.code == 0 || r.code == 1:
			case r.code == 3 && tc.allow3:
				t.Logf("load errors (allowed here):\n%s", wtHead(r.stderr, 20))
			default:
				t.Errorf("exit code %d, want 0 or 1\nstderr:\n%s", r.code, wtHead(r.stderr, 40))
			}
			if strings.Contains(r.stderr, "internal error") || strings.Contains(r.stderr, "panic") {
				t.Errorf("stderr reports a crash:\n%s", wtHead(r.stderr, 40))
			}
		})
	}
}

func wtGo(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = biEnv()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func wtHead(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = append(lines[:n], "...\n")
	}
	return strings.Join(lines, "")
}
