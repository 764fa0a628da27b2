package main_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// This file feeds the built command inputs that are broken or unusual, each
// in its own temporary module, and checks the exit code, that the messages
// name the files involved, and, by hashing every file before and after,
// that nothing changed but the files that should.

// biLib is a library package with two fixable findings: KA1001 at 9:15 and
// KA1004 at 18:15. suffix keeps the names of two copies in one package apart.
func biLib(pkg, suffix string) string {
	return fmt.Sprintf(`package %[1]s

import (
	"io"
	"net/http"
)

func Fetch%[2]s(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

func Leak%[2]s(c *http.Client, u string) int {
	resp, err := c.Get(u)
	if err != nil {
		return 0
	}
	return resp.StatusCode
}
`, pkg, suffix)
}

func biGoMod(path string) string { return "module " + path + "\n\ngo 1.26\n" }

// biEnv is the environment of the command: offline, outside any workspace.
func biEnv(extra ...string) []string {
	return append(append(os.Environ(), "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local"), extra...)
}

type biResult struct {
	stdout, stderr string
	code           int
}

func (r biResult) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// biRun runs the built command in dir with env.
func biRun(t *testing.T, dir string, env []string, args ...string) biResult {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := biResult{stdout: out.String(), stderr: errb.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		r.code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	for _, bad := range []string{"panic:", "internal error", "goroutine "} {
		if strings.Contains(r.stderr, bad) {
			t.Errorf("keepalivefix %v crashed (%q):\n%s", args, bad, r)
		}
	}
	return r
}

// biSnapshot records every entry under the roots: a file by its mode and
// sha256, a symbolic link by its target (not followed), a directory by its
// mode.
func biSnapshot(t *testing.T, roots ...string) map[string]string {
	t.Helper()
	snap := make(map[string]string)
	for _, root := range roots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			info, err := os.Lstat(path)
			if err != nil {
				return err
			}
			switch {
			case info.Mode()&fs.ModeSymlink != 0:
				target, err := os.Readlink(path)
				if err != nil {
					return err
				}
				snap[path] = "symlink " + target
			case info.IsDir():
				snap[path] = "dir " + info.Mode().String()
			default:
				data, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				sum := sha256.Sum256(data)
				snap[path] = info.Mode().String() + " " + hex.EncodeToString(sum[:])
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return snap
}

// biChanged lists the paths that differ between two snapshots, relative to
// base, in order.
func biChanged(base string, before, after map[string]string) []string {
	var out []string
	for p, v := range before {
		if after[p] != v {
			out = append(out, p)
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			out = append(out, p)
		}
	}
	for i, p := range out {
		if rel, err := filepath.Rel(base, p); err == nil && !strings.HasPrefix(rel, "..") {
			out[i] = filepath.ToSlash(rel)
		}
	}
	sort.Strings(out)
	return out
}

// biExpectChanged runs the command and checks that exactly want (paths
// relative to dir, slash-separated) changed under dir and the extra roots.
func biExpectChanged(t *testing.T, dir string, extraRoots []string, want []string, run func() biResult) biResult {
	t.Helper()
	roots := append([]string{dir}, extraRoots...)
	before := biSnapshot(t, roots...)
	r := run()
	got := biChanged(dir, before, biSnapshot(t, roots...))
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("changed files %q, want %q\n%s", got, want, r)
	}
	return r
}

// biSlow skips a test that loads net/http from source (seconds per run) in
// -short mode.
func biSlow(t *testing.T) {
	if testing.Short() {
		t.Skip("loads net/http from source; skipped in -short mode")
	}
}

func biWant(t *testing.T, r biResult, code int, stdoutHas, stdoutLacks, stderrHas []string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d\n%s", r.code, code, r)
	}
	for _, s := range stdoutHas {
		if !strings.Contains(r.stdout, s) {
			t.Errorf("stdout lacks %q\n%s", s, r)
		}
	}
	for _, s := range stdoutLacks {
		if strings.Contains(r.stdout, s) {
			t.Errorf("stdout has %q\n%s", s, r)
		}
	}
	for _, s := range stderrHas {
		if !strings.Contains(r.stderr, s) {
			t.Errorf("stderr lacks %q\n%s", s, r)
		}
	}
}

// biBuild checks that the packages still build (args: flags such as -tags,
// then patterns).
func biBuild(t *testing.T, dir string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"build"}, args...)...)
	cmd.Dir = dir
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("go build %v after the fixes: %v\n%s", args, err, out)
	}
}

const (
	biLibFinding  = "lib/lib.go:9:15: KA1001"
	biLibFinding2 = "lib/lib.go:18:15: KA1004"
)

func TestBadInput(t *testing.T) {
	env := biEnv()

	// A package that does not load or type-check is reported with its
	// file and never rewritten; the healthy package is still reported and
	// fixed.
	broken := func(t *testing.T, bad string, stderrHas ...string) {
		dir := writeModule(t, map[string]string{
			"go.mod":       biGoMod("example.com/broken"),
			"lib/lib.go":   biLib("lib", ""),
			"bad/bad.go":   bad,
			"bad/other.go": biLib("bad", "Other"),
		})
		r := biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env) })
		biWant(t, r, 3, []string{biLibFinding, biLibFinding2}, []string{"bad/"}, stderrHas)
		r = biExpectChanged(t, dir, nil, []string{"lib/lib.go"}, func() biResult { return biRun(t, dir, env, "-w") })
		biWant(t, r, 3, nil, nil, stderrHas)
		biBuild(t, dir, env, "./lib")
	}
	t.Run("syntax error", func(t *testing.T) {
		t.Parallel()
		biSlow(t)
		broken(t, "package bad\n\nfunc F( {\n", filepath.Join("bad", "bad.go")+":3:")
	})
	t.Run("type error", func(t *testing.T) {
		t.Parallel()
		biSlow(t)
		broken(t, "package bad\n\nvar x int = \"not an int\"\n", filepath.Join("bad", "bad.go")+":3:13")
	})
	t.Run("missing dependency", func(t *testing.T) {
		t.Parallel()
		biSlow(t)
		broken(t, "package bad\n\nimport \"example.org/notthere/pkg\"\n\nvar _ = pkg.X\n",
			filepath.Join("bad", "bad.go")+":3:8", "example.org/notthere/pkg")
	})
	t.Run("broken test file", func(t *testing.T) {
		t.Parallel()
		biSlow(t)
		// Only the test variant of lib fails; lib itself type-checks,
		// so its fixes are still written (findings of lib.go come from
		// the package without its tests).
		dir := writeModule(t, map[string]string{
			"go.mod":          biGoMod("example.com/brokentest"),
			"lib/lib.go":      biLib("lib", ""),
			"lib/lib_test.go": "package lib\n\nvar y int = \"x\"\n",
		})
		r := biExpectChanged(t, dir, nil, []string{"lib/lib.go"}, func() biResult { return biRun(t, dir, env, "-w") })
		biWant(t, r, 3, nil, nil, []string{"lib_test.go:3:13"})
	})

	t.Run("cgo", func(t *testing.T) {
		t.Parallel()
		biSlow(t)
		cgo := `package cg

/*
static int add(int a, int b) { return a + b; }
*/
import "C"

import (
	"io"
	"net/http"
)

func Add() int { return int(C.add(1, 2)) }

func Fetch(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
`
		newDir := func(t *testing.T) string {
			return writeModule(t, map[string]string{
				"go.mod":     biGoMod("example.com/cgo"),
				"lib/lib.go": biLib("lib", ""),
				"cg/cg.go":   cgo,
			})
		}
		t.Run("CGO_ENABLED=0", func(t *testing.T) {
			env := biEnv("CGO_ENABLED=0")
			dir := newDir(t)
			// ./... leaves out the package, as the go command does.
			r := biExpectChanged(t, dir, nil, []string{"lib/lib.go"}, func() biResult { return biRun(t, dir, env, "-w") })
			biWant(t, r, 0, nil, nil, nil)
			r = biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env, "-w", "./cg") })
			biWant(t, r, 3, nil, nil, []string{"build constraints exclude all Go files", filepath.Join(dir, "cg")})
		})
		t.Run("CGO_ENABLED=1", func(t *testing.T) {
			if _, err := exec.LookPath("gcc"); err != nil {
				t.Skip("no C compiler")
			}
			env := biEnv("CGO_ENABLED=1")
			dir := newDir(t)
			r := biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env) })
			if r.code != 1 || !strings.Contains(r.stdout, biLibFinding) {
				t.Errorf("want the lib findings and exit 1\n%s", r)
			}
			// The analyzer sees cgo's output, marked "Code generated by
			// cmd/cgo", whose positions map back to cg.go: its findings
			// are the user's and are reported.
			if !strings.Contains(r.stdout, "cg/cg.go:16:15: KA1001") {
				t.Errorf("want the finding in the cgo file\n%s", r)
			}
			// A file cgo rewrites is never edited: its finding stays,
			// without a fix.
			r = biExpectChanged(t, dir, nil, []string{"lib/lib.go"}, func() biResult { return biRun(t, dir, env, "-w") })
			if r.code != 1 || !strings.Contains(r.stderr, "cg/cg.go:16:15: KA1001") || !strings.Contains(r.stderr, "(no automatic fix") {
				t.Errorf("-w: want exit 1 and the cgo finding left without a fix\n%s", r)
			}
		})
		t.Run("no C compiler", func(t *testing.T) {
			env := biEnv("CGO_ENABLED=1", "CC=/nonexistent/cc")
			dir := newDir(t)
			// net needs cgo too, so every package that imports net/http
			// fails to load: nothing is reported or written.
			r := biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env, "-w") })
			biWant(t, r, 3, nil, nil, []string{"C compiler", filepath.Join("cg", "cg.go") + ":6:8"})
		})
	})

	t.Run("generated file", func(t *testing.T) {
		t.Parallel()
		biSlow(t)
		dir := writeModule(t, map[string]string{
			"go.mod":         biGoMod("example.com/gen"),
			"gen/zz_gen.go":  "// Code generated by biLib. DO NOT EDIT.\n\n" + biLib("gen", "Gen"),
			"gen/hand.go":    biLib("gen", ""),
			"allgen/only.go": "// Code generated by hand. DO NOT EDIT.\n\n" + biLib("allgen", ""),
		})
		r := biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env) })
		biWant(t, r, 1, []string{"gen/hand.go:9:15: KA1001"}, []string{"zz_gen.go", "allgen"}, nil)
		r = biExpectChanged(t, dir, nil, []string{"gen/hand.go"}, func() biResult { return biRun(t, dir, env, "-w") })
		biWant(t, r, 0, nil, nil, nil)
		biBuild(t, dir, env, "./...")
	})

	t.Run("vendor", func(t *testing.T) {
		t.Parallel()
		biSlow(t)
		dir := writeModule(t, map[string]string{
			"go.mod":                         biGoMod("example.com/vend") + "\nrequire example.org/dep v1.0.0\n",
			"vendor/modules.txt":             "# example.org/dep v1.0.0\n## explicit; go 1.26\nexample.org/dep\n",
			"vendor/example.org/dep/dep.go":  biLib("dep", ""),
			"use.go":                         "package vend\n\nimport \"example.org/dep\"\n\nvar _ = dep.Fetch\n",
			"lib/lib.go":                     biLib("lib", ""),
			"vendor/example.org/dep/doc.txt": "not Go\n",
		})
		r := biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env) })
		biWant(t, r, 1, []string{biLibFinding}, []string{"vendor"}, nil)
		r = biExpectChanged(t, dir, nil, []string{"lib/lib.go"}, func() biResult { return biRun(t, dir, env, "-w") })
		biWant(t, r, 0, nil, nil, nil)
		// Named explicitly, a vendored package is reported (as go vet
		// does) but never rewritten: go mod vendor would undo it.
		r = biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env, "-w", "./vendor/...") })
		biWant(t, r, 1, nil, nil, []string{"vendor/example.org/dep/dep.go:9:15: KA1001", "(no automatic fix: the file belongs to a dependency module)"})
		biBuild(t, dir, env, "./...")
	})

	t.Run("build tags", func(t *testing.T) {
		t.Parallel()
		biSlow(t)
		files := map[string]string{
			"go.mod":     biGoMod("example.com/tags"),
			"lib/lib.go": biLib("lib", ""),
			// Excluded without -tags special; it declares the names a
			// fix of lib.go would otherwise choose.
			"lib/special.go": "//go:build special\n\n" + strings.Replace(biLib("lib", "Special"), "func LeakSpecial", "var httpClient = &http.Client{}\n\nfunc drainAndClose() {}\n\nfunc LeakSpecial", 1),
		}
		dir := writeModule(t, files)
		r := biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env) })
		biWant(t, r, 1, []string{biLibFinding}, []string{"special.go"}, nil)
		r = biExpectChanged(t, dir, nil, []string{"lib/lib.go"}, func() biResult { return biRun(t, dir, env, "-w") })
		biWant(t, r, 0, nil, nil, nil)
		biBuild(t, dir, env, "./...")
		biBuild(t, dir, env, "-tags=special", "./...")

		dir = writeModule(t, files)
		r = biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env, "-tags", "special") })
		biWant(t, r, 1, []string{biLibFinding, "lib/special.go:11:15: KA1001", "lib/special.go:24:15: KA1004"}, nil, nil)
	})

	t.Run("read-only file", func(t *testing.T) {
		t.Parallel()
		biSlow(t)
		dir := writeModule(t, map[string]string{
			"go.mod":         biGoMod("example.com/ro"),
			"lib/lib.go":     biLib("lib", ""),
			"other/other.go": biLib("other", ""),
		})
		ro := filepath.Join(dir, "lib", "lib.go")
		if err := os.Chmod(ro, 0o444); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(ro, 0o644) })
		r := biExpectChanged(t, dir, nil, []string{"other/other.go"}, func() biResult { return biRun(t, dir, env, "-w") })
		biWant(t, r, 3, nil, nil, []string{ro + " is read-only; left alone"})
	})

	t.Run("symlinked file", func(t *testing.T) {
		t.Parallel()
		biSlow(t)
		outside := t.TempDir()
		target := filepath.Join(outside, "real.go")
		if err := os.WriteFile(target, []byte(biLib("lib", "")), 0o640); err != nil {
			t.Fatal(err)
		}
		dir := writeModule(t, map[string]string{"go.mod": biGoMod("example.com/link")})
		if err := os.Mkdir(filepath.Join(dir, "lib"), 0o755); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(dir, "lib", "lib.go")
		if err := os.Symlink(target, link); err != nil {
			t.Skip(err)
		}
		// Only the target changes; the link stays a link, the mode stays.
		r := biExpectChanged(t, dir, []string{outside}, []string{target}, func() biResult { return biRun(t, dir, env, "-w") })
		biWant(t, r, 0, nil, nil, nil)
		if info, err := os.Stat(target); err != nil || info.Mode().Perm() != 0o640 {
			t.Errorf("target mode changed: %v %v", info.Mode(), err)
		}
		biBuild(t, dir, env, "./...")
	})

	t.Run("symlinked directory", func(t *testing.T) {
		t.Parallel()
		biSlow(t)
		outside := t.TempDir()
		target := filepath.Join(outside, "linked.go")
		if err := os.WriteFile(target, []byte(biLib("linked", "")), 0o644); err != nil {
			t.Fatal(err)
		}
		dir := writeModule(t, map[string]string{"go.mod": biGoMod("example.com/linkdir")})
		if err := os.Symlink(outside, filepath.Join(dir, "linked")); err != nil {
			t.Skip(err)
		}
		// ./... does not follow a symlinked directory, as for the go command.
		r := biExpectChanged(t, dir, []string{outside}, nil, func() biResult { return biRun(t, dir, env, "-w") })
		biWant(t, r, 3, nil, nil, []string{"matched no packages"})
		r = biExpectChanged(t, dir, []string{outside}, []string{target}, func() biResult { return biRun(t, dir, env, "-w", "./linked") })
		biWant(t, r, 0, nil, nil, nil)
		if info, err := os.Lstat(filepath.Join(dir, "linked")); err != nil || info.Mode()&fs.ModeSymlink == 0 {
			t.Errorf("linked is no longer a symlink: %v", err)
		}
		biBuild(t, dir, env, "./linked")
	})

	// The rewritten file keeps its line endings and byte order mark,
	// builds, and a second run finds nothing more to fix.
	encoded := func(t *testing.T, name string, encode func(string) string, check func(t *testing.T, data []byte)) {
		dir := writeModule(t, map[string]string{
			"go.mod":     biGoMod("example.com/enc"),
			"lib/lib.go": encode(biLib("lib", "")),
		})
		r := biExpectChanged(t, dir, nil, []string{"lib/lib.go"}, func() biResult { return biRun(t, dir, env, "-w") })
		biWant(t, r, 0, nil, nil, nil)
		data, err := os.ReadFile(filepath.Join(dir, "lib", "lib.go"))
		if err != nil {
			t.Fatal(err)
		}
		check(t, data)
		biBuild(t, dir, env, "./...")
		r = biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env, "-d") })
		biWant(t, r, 0, nil, nil, nil)
		if r.stdout != "" {
			t.Errorf("second run still has a diff:\n%s", r)
		}
	}
	t.Run("CRLF", func(t *testing.T) {
		t.Parallel()
		biSlow(t)
		encoded(t, "crlf", func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }, func(t *testing.T, data []byte) {
			if n, crlf := bytes.Count(data, []byte("\n")), bytes.Count(data, []byte("\r\n")); n != crlf {
				t.Errorf("%d of %d lines end in CRLF after the fix:\n%q", crlf, n, data)
			}
			if !bytes.Contains(data, []byte("httpClient.Get(u)")) {
				t.Errorf("not fixed:\n%s", data)
			}
		})
	})
	t.Run("BOM", func(t *testing.T) {
		t.Parallel()
		biSlow(t)
		encoded(t, "bom", func(s string) string { return "\uFEFF" + s }, func(t *testing.T, data []byte) {
			if !bytes.HasPrefix(data, []byte("\uFEFF")) || bytes.Count(data, []byte("\uFEFF")) != 1 {
				t.Errorf("byte order mark lost or doubled:\n%q", data[:20])
			}
			if !bytes.Contains(data, []byte("httpClient.Get(u)")) {
				t.Errorf("not fixed:\n%s", data)
			}
		})
	})

	t.Run("go.work", func(t *testing.T) {
		t.Parallel()
		biSlow(t)
		dir := writeModule(t, map[string]string{
			"go.work":    "go 1.26\n\nuse (\n\t./a\n\t./b\n)\n",
			"a/go.mod":   biGoMod("example.com/a"),
			"a/pa/pa.go": biLib("pa", ""),
			"b/go.mod":   biGoMod("example.com/b"),
			"b/pb/pb.go": biLib("pb", ""),
		})
		env := biEnv("GOWORK=" + filepath.Join(dir, "go.work"))
		want := []string{"a/pa/pa.go:9:15: KA1001", "b/pb/pb.go:9:15: KA1001"}
		for _, args := range [][]string{
			{"./a/...", "./b/..."},
			{"example.com/a/...", "example.com/b/..."},
		} {
			r := biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env, args...) })
			biWant(t, r, 1, want, nil, nil)
		}
		// The workspace root is not a module: ./... matches nothing, as
		// for the go command.
		r := biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env, "-w", "./...") })
		biWant(t, r, 3, nil, nil, []string{"does not contain modules listed in go.work"})
		r = biExpectChanged(t, dir, nil, []string{"a/pa/pa.go", "b/pb/pb.go"}, func() biResult { return biRun(t, dir, env, "-w", "./a/...", "./b/...") })
		biWant(t, r, 0, nil, nil, nil)
		biBuild(t, filepath.Join(dir, "a"), env, "./...")
		biBuild(t, filepath.Join(dir, "b"), env, "./...")
	})

	t.Run("empty directory", func(t *testing.T) {
		t.Parallel()
		dir := writeModule(t, map[string]string{"go.mod": biGoMod("example.com/empty")})
		if err := os.Mkdir(filepath.Join(dir, "empty"), 0o755); err != nil {
			t.Fatal(err)
		}
		r := biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env, "-w", "./empty") })
		biWant(t, r, 3, nil, nil, []string{"no Go files in " + filepath.Join(dir, "empty")})
		r = biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env, "-w", "./empty/...") })
		biWant(t, r, 3, nil, nil, []string{"./empty/...: matched no packages"})
		r = biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env, "-w") })
		biWant(t, r, 3, nil, nil, []string{"./...: matched no packages"})
	})

	t.Run("non-existent pattern", func(t *testing.T) {
		t.Parallel()
		dir := writeModule(t, map[string]string{
			"go.mod":     biGoMod("example.com/nx"),
			"lib/lib.go": biLib("lib", ""),
		})
		for _, tc := range []struct {
			pattern, stderr string
		}{
			{"./nosuch", "nosuch"},
			{"./nosuch/...", "nosuch"},
			{"example.com/nx/nosuch", "example.com/nx/nosuch"},
			{"example.org/elsewhere", "example.org/elsewhere"},
		} {
			r := biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env, "-w", tc.pattern) })
			biWant(t, r, 3, nil, nil, []string{tc.stderr})
		}
		// A missing directory stops the whole run, as a usage error would.
		r := biExpectChanged(t, dir, nil, nil, func() biResult { return biRun(t, dir, env, "./lib", "./nosuch") })
		biWant(t, r, 3, nil, nil, []string{"nosuch"})
	})
}
