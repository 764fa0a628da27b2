package main_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/example.golden from the current output")

// binary is the keepalivefix command built once for all tests.
var binary string

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.list"); f != nil && f.Value.String() != "" {
		os.Exit(m.Run()) // listing runs nothing: no command to build
	}
	dir, err := os.MkdirTemp("", "keepalivefix-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "keepalivefix")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic(err)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	announceSkips(code == 0)
	os.Exit(code)
}

// keepalivefix runs the built command in dir and returns its output and exit code.
func keepalivefix(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

const repoRoot = "../.."

func TestExample(t *testing.T) {
	out, stderr, code := keepalivefix(t, repoRoot, "./testdata/example/...")
	if code != 1 {
		t.Fatalf("exit code %d, want 1 (findings); stderr:\n%s", code, stderr)
	}
	golden := filepath.Join("testdata", "example.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Errorf("output differs from %s (go test -update to rewrite it after review)\ngot:\n%s\nwant:\n%s", golden, out, want)
	}
}

// TestExampleTests runs the example service's own tests, offline, so that
// the README's test command covers them.
func TestExampleTests(t *testing.T) {
	cmd := exec.Command("go", "test", "./...")
	cmd.Dir = filepath.Join(repoRoot, "testdata", "example")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("example tests failed: %v\n%s", err, out)
	}
}

func TestFlagsAndExitCodes(t *testing.T) {
	for _, tc := range []struct {
		name        string
		args        []string
		code        int
		stdout      string // substring of stdout
		stderr      string // substring of stderr
		emptyStdout bool
	}{
		{name: "list", args: []string{"-list"}, code: 0, stdout: "KA1004\tbody-not-closed"},
		{name: "explain", args: []string{"-explain", "KA1005"}, code: 0, stdout: "Bad:"},
		{name: "explain by name", args: []string{"-explain", "body-not-closed"}, code: 0, stdout: "KA1004 (body-not-closed)"},
		{name: "explain unknown", args: []string{"-explain", "KA9999"}, code: 2, stderr: "unknown check"},
		{name: "unknown check", args: []string{"-checks", "bogus", "./..."}, code: 2, stderr: "unknown check"},
		{name: "bad flag", args: []string{"-nosuchflag"}, code: 2, stderr: "flag provided but not defined"},
		{name: "missing dir", args: []string{"./nosuchdir/..."}, code: 3, stderr: "nosuchdir"},
		{name: "checks filter", args: []string{"-checks", "KA1002", "./testdata/example/..."}, code: 1, stdout: "KA1002"},
		{name: "checks disable all", args: []string{"-checks", "-all", "./testdata/example/..."}, code: 0, emptyStdout: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := keepalivefix(t, repoRoot, tc.args...)
			if code != tc.code {
				t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			if !strings.Contains(out, tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, out)
			}
			if !strings.Contains(errOut, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, errOut)
			}
			if tc.emptyStdout && out != "" {
				t.Errorf("stdout not empty:\n%s", out)
			}
		})
	}
}

func writeModule(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCleanModule(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod": "module clean\n\ngo 1.26\n",
		"c.go": `package clean

import (
	"io"
	"net/http"
)

var client = &http.Client{}

func Fetch(url string) ([]byte, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
`,
	})
	out, errOut, code := keepalivefix(t, dir)
	if code != 0 || out != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 0 and no output", code, out, errOut)
	}
}

func TestTypeErrorExit3(t *testing.T) {
	dir := writeModule(t, map[string]string{
		"go.mod": "module broken\n\ngo 1.26\n",
		"bad.go": "package broken\n\nvar x int = \"not an int\"\n",
		"ok/ok.go": `package ok

import "net/http"

func Get(c *http.Client, u string) error {
	_, err := c.Get(u)
	return err
}
`,
	})
	out, errOut, code := keepalivefix(t, dir, "./...")
	if code != 3 {
		t.Errorf("exit code %d, want 3", code)
	}
	if !strings.Contains(errOut, "bad.go:3") {
		t.Errorf("stderr does not name the file and line of the type error:\n%s", errOut)
	}
	// The package that did type-check is still analysed.
	if !strings.Contains(out, filepath.Join("ok", "ok.go")+":6:12: KA1004") {
		t.Errorf("stdout lacks the finding in the healthy package:\n%s", out)
	}
}

// TestBrokenDependency: a package that imports, through another, a
// package with a type error is not analysed (its types are incomplete);
// the error is named once, and the packages around it are analysed.
func TestBrokenDependency(t *testing.T) {
	get := `
import "net/http"

func Get(c *http.Client, u string) error {
	_, err := c.Get(u)
	return err
}
`
	dir := writeModule(t, map[string]string{
		"go.mod":       "module broken\n\ngo 1.26\n",
		"bad/bad.go":   "package bad\n\nvar X int = \"not an int\"\n",
		"mid/mid.go":   "package mid\n\nimport \"broken/bad\"\n\nvar Y = bad.X\n",
		"user/user.go": "package user\n\nimport _ \"broken/mid\"\n" + get,
		"ok/ok.go":     "package ok\n" + get,
	})
	out, errOut, code := keepalivefix(t, dir, "./...")
	if code != 3 {
		t.Errorf("exit code %d, want 3", code)
	}
	if n := strings.Count(errOut, filepath.Join("bad", "bad.go")+":3"); n != 1 {
		t.Errorf("stderr names bad.go:3 %d times, want once:\n%s", n, errOut)
	}
	if !strings.Contains(out, filepath.Join("ok", "ok.go")+":") {
		t.Errorf("stdout lacks the finding in the healthy package:\n%s", out)
	}
	if strings.Contains(out, filepath.Join("user", "user.go")) {
		t.Errorf("the package over a broken dependency was analysed:\n%s", out)
	}
}

// TestVetTool runs the binary the way the go command does for
// go vet -vettool.
func TestVetTool(t *testing.T) {
	cmd := exec.Command("go", "vet", "-vettool="+binary, "./...")
	cmd.Dir = filepath.Join(repoRoot, "testdata", "example")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("go vet succeeded on the example, want findings:\n%s", out)
	}
	// Every message starts with its check ID, which go vet does not
	// print otherwise.
	for _, want := range []string{
		"catalog/catalog.go:121:2: KA1003: req.Close = true",
		"catalog/catalog.go:122:15: KA1004: resp.Body is not closed",
		"worker/worker.go:47:16: KA1004: resp.Body is still open when the loop goes round again",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("go vet output lacks %q:\n%s", want, out)
		}
	}
}

// TestBuildTagsAndTests checks that -tags and -test select files as the go
// command does.
func TestBuildTagsAndTests(t *testing.T) {
	leak := `
import "net/http"

func Leak%s(c *http.Client, u string) int {
	resp, err := c.Get(u)
	if err != nil {
		return 0
	}
	return resp.StatusCode
}
`
	dir := writeModule(t, map[string]string{
		"go.mod":       "module tagged\n\ngo 1.26\n",
		"plain.go":     "package tagged\n",
		"tagged.go":    "//go:build special\n\npackage tagged\n" + fmt.Sprintf(leak, "Tagged"),
		"leak_test.go": "package tagged\n" + fmt.Sprintf(leak, "Test"),
	})
	for _, tc := range []struct {
		args []string
		want []string // files with a finding
	}{
		{[]string{"-test=false"}, nil},
		{[]string{"-test=false", "-tags", "special"}, []string{"tagged.go"}},
		{nil, []string{"leak_test.go"}},
		{[]string{"-tags=special"}, []string{"leak_test.go", "tagged.go"}},
	} {
		out, errOut, code := keepalivefix(t, dir, tc.args...)
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if line != "" {
				got = append(got, strings.SplitN(line, ":", 2)[0])
			}
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("keepalivefix %v: findings in %v, want %v (exit %d)\n%s%s", tc.args, got, tc.want, code, out, errOut)
		}
	}
}
