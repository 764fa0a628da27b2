package main_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFixRealCode rewrites real code, the standard library's net/http,
// expvar and net/rpc (their tests included), in a copy of GOROOT, and
// requires that the result vets (so parses and type-checks, tests too), is
// gofmt-clean, and that a second run changes nothing. It copies GOROOT and
// takes minutes, so it runs only with KEEPALIVEFIX_REALCODE=1 (CI sets it).
func TestFixRealCode(t *testing.T) {
	if os.Getenv("KEEPALIVEFIX_REALCODE") != "1" {
		t.Skip("set KEEPALIVEFIX_REALCODE=1 to rewrite a copy of the standard library")
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	goroot := filepath.Join(t.TempDir(), "go")
	if out, err := exec.Command("cp", "-a", strings.TrimSpace(string(out)), goroot).CombinedOutput(); err != nil {
		t.Fatalf("copying GOROOT: %v\n%s", err, out)
	}
	src := filepath.Join(goroot, "src")
	pkgs := []string{"net/http/...", "expvar", "net/rpc/..."}
	env := append(os.Environ(), "GOROOT="+goroot, "GOTOOLCHAIN=local", "GOFLAGS=")
	// run returns the command's standard output, its standard error and
	// its exit code.
	run := func(name string, args ...string) (string, string, int) {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = src, env
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit):
			return stdout.String(), stderr.String(), exit.ExitCode()
		case err != nil:
			t.Fatalf("%s: %v", name, err)
		}
		return stdout.String(), stderr.String(), 0
	}
	list, stderr, code := run(binary, append([]string{"-l"}, pkgs...)...)
	if code != 1 {
		t.Fatalf("-l: exit %d, want 1 (files to fix)\n%s", code, stderr)
	}
	changed := strings.Fields(list)
	t.Logf("%d files to rewrite", len(changed))
	if _, stderr, code := run(binary, append([]string{"-w"}, pkgs...)...); code != 1 || strings.Contains(stderr, "left alone") {
		t.Fatalf("-w: exit %d, want 1 (findings without a fix remain)\n%s", code, stderr)
	}
	if _, stderr, code := run("go", append([]string{"vet"}, pkgs...)...); code != 0 {
		t.Fatalf("go vet after -w: exit %d\n%s", code, stderr)
	}
	var paths []string
	for _, f := range changed {
		paths = append(paths, filepath.Join(src, f))
	}
	if out, _, _ := run("gofmt", append([]string{"-l"}, paths...)...); out != "" {
		t.Errorf("not gofmt-clean after -w:\n%s", out)
	}
	if out, _, code := run(binary, append([]string{"-l"}, pkgs...)...); code != 0 || out != "" {
		t.Errorf("second run would change: exit %d\n%s", code, out)
	}
}
