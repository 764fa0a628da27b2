package plugin_test

// The end-to-end test builds a real golangci-lint with "golangci-lint custom"
// and this checkout as its plugin, then runs it on testdata/example. It needs
// golangci-lint v2.15.0 installed and its module source in the module cache
// (go mod download), but no network: the git clone that "golangci-lint
// custom" makes is redirected to a local repository made from that source.
//
// It runs only with KEEPALIVEFIX_GOLANGCI_E2E=1 (see .ci/golangci-e2e). The
// built binary is cached under the user cache directory, keyed by the
// plugin's source, so a second run skips the build.

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

const (
	gclVersion   = "v2.15.0"
	gclModule    = "github.com/golangci/golangci-lint/v2"
	gclRepoURL   = "https://github.com/golangci/golangci-lint.git"
	pluginModule = "github.com/keepalivefix/keepalivefix"
	e2eEnv       = "KEEPALIVEFIX_GOLANGCI_E2E"
)

// golangciConfig enables the keepalive plugin alone and reports every finding.
const golangciConfig = `version: "2"
linters:
  default: none
  enable:
    - keepalive
  settings:
    custom:
      keepalive:
        type: module
        description: reports HTTP client code that defeats connection reuse
        settings:
          checks: all
issues:
  max-issues-per-linter: 0
  max-same-issues: 0
`

// finding is one report, from golangci-lint or keepalivefix.
type finding struct {
	File      string // slash-separated, relative to the module root
	Line, Col int
	Linter    string // "keepalive" for keepalivefix
	Message   string
}

func (f finding) String() string {
	return fmt.Sprintf("%s:%d:%d: [%s] %s", f.File, f.Line, f.Col, f.Linter, f.Message)
}

func TestE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("golangci-lint end-to-end test: not in -short mode")
	}
	if os.Getenv(e2eEnv) != "1" {
		t.Skipf("golangci-lint end-to-end test: set %s=1 to run it", e2eEnv)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "testdata", "example", "go.mod")); err != nil {
		t.Fatalf("not the repository root: %v", err)
	}

	// Fail fast, before the long build of golangci-lint, if this does not build.
	kaf := filepath.Join(t.TempDir(), "keepalivefix")
	run(t, root, nil, "go", "build", "./plugin")
	run(t, root, nil, "go", "build", "-o", kaf, "./cmd/keepalivefix")
	gcl := customGolangci(t, root)
	example := filepath.Join(root, "testdata", "example")

	want := keepalivefix(t, kaf, copyModule(t, example))
	if len(want) == 0 {
		t.Fatal("keepalivefix reports nothing on testdata/example")
	}

	t.Run("Findings", func(t *testing.T) {
		got := golangci(t, gcl, copyModule(t, example))
		compare(t, "golangci-lint run", got, want)
	})

	t.Run("Fix", func(t *testing.T) {
		dir := copyModule(t, example)
		golangci(t, gcl, dir, "--fix")
		run(t, dir, nil, "go", "build", "./...")
		run(t, dir, nil, "go", "vet", "./...")

		// What is left is what keepalivefix reports on the fixed code...
		left := golangci(t, gcl, dir)
		compare(t, "golangci-lint run after --fix", left, keepalivefix(t, kaf, dir))
		if len(left) >= len(want) {
			t.Errorf("--fix fixed nothing: %d findings before, %d after", len(want), len(left))
		}
		// ...and what keepalivefix -w leaves: the findings without a fix.
		wdir := copyModule(t, example)
		// Exit status 1: findings are left.
		if out, err := exec.Command(kaf, "-C", wdir, "-w", "./...").CombinedOutput(); err != nil && exitCode(err) != 1 {
			t.Fatalf("keepalivefix -w: %v\n%s", err, out)
		}
		compare(t, "golangci-lint run after --fix vs keepalivefix after -w", left, keepalivefix(t, kaf, wdir))
		// Fixes add no findings: each one left was there before (lines may
		// have moved).
		before := map[[2]string]bool{}
		for _, f := range want {
			before[[2]string{f.File, f.Message}] = true
		}
		for _, f := range left {
			if !before[[2]string{f.File, f.Message}] {
				t.Errorf("new finding after --fix: %v", f)
			}
		}
		// Both apply the same edits.
		for _, file := range goFiles(t, dir) {
			a, _ := os.ReadFile(filepath.Join(dir, file))
			b, _ := os.ReadFile(filepath.Join(wdir, file))
			if !bytes.Equal(a, b) {
				t.Errorf("%s: golangci-lint --fix and keepalivefix -w differ:\n--- golangci-lint --fix\n%s\n--- keepalivefix -w\n%s", file, a, b)
			}
		}
	})

	t.Run("Nolint", func(t *testing.T) {
		dir := copyModule(t, example)
		var target finding
		for _, f := range want {
			src, err := os.ReadFile(filepath.Join(dir, f.File))
			if err != nil {
				t.Fatal(err)
			}
			if line := strings.Split(string(src), "\n")[f.Line-1]; !strings.Contains(line, "//") {
				target = f
				break
			}
		}
		if target.File == "" {
			t.Fatal("no flagged line without a comment to add //nolint to")
		}
		path := filepath.Join(dir, target.File)
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(src), "\n")
		lines[target.Line-1] += " //nolint:keepalive // testing nolint"
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o666); err != nil {
			t.Fatal(err)
		}
		t.Logf("added //nolint:keepalive to %s:%d", target.File, target.Line)

		var rest []finding
		for _, f := range want {
			if f.File != target.File || f.Line != target.Line {
				rest = append(rest, f)
			}
		}
		compare(t, "golangci-lint run with //nolint", golangci(t, gcl, dir), rest)
	})
}

// customGolangci returns a golangci-lint built by "golangci-lint custom"
// with the plugin of the checkout at root, from the cache if it is there.
func customGolangci(t *testing.T, root string) string {
	t.Helper()
	installed := findGolangci(t)
	goVersion := strings.TrimSpace(run(t, root, nil, "go", "env", "GOVERSION"))
	key := sourceKey(t, root, gclVersion, goVersion, runtime.GOOS, runtime.GOARCH)

	cacheDir := ""
	if dir, err := os.UserCacheDir(); err == nil {
		cacheDir = filepath.Join(dir, "keepalivefix-e2e", key)
	} else {
		cacheDir = filepath.Join(t.TempDir(), key)
	}
	name := "custom-gcl"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	bin := filepath.Join(cacheDir, name)
	if _, err := os.Stat(bin); err == nil {
		now := time.Now()
		_ = os.Chtimes(cacheDir, now, now) // used: keep it from pruning
		t.Logf("custom golangci-lint from the cache: %s", bin)
		return bin
	}

	// A local repository with the v2.15.0 tag, to clone from.
	start := time.Now()
	var mod struct{ Dir, Error string }
	out := run(t, root, nil, "go", "mod", "download", "-json", gclModule+"@"+gclVersion)
	if err := json.Unmarshal([]byte(out), &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download %s@%s: %v %s\n%s", gclModule, gclVersion, err, mod.Error, out)
	}
	tmp := t.TempDir()
	repo := filepath.Join(tmp, "golangci-lint")
	if err := os.CopyFS(repo, os.DirFS(mod.Dir)); err != nil {
		t.Fatal(err)
	}
	git := []string{"-c", "user.name=keepalivefix e2e", "-c", "user.email=e2e@keepalivefix.invalid",
		"-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-c", "init.defaultBranch=main"}
	run(t, repo, nil, "git", append(git, "init", "-q")...)
	run(t, repo, nil, "git", append(git, "add", "-A")...)
	run(t, repo, nil, "git", append(git, "commit", "-q", "-m", gclVersion)...)
	run(t, repo, nil, "git", append(git, "tag", gclVersion)...)

	// "golangci-lint custom" with this checkout as the plugin.
	build := filepath.Join(tmp, "build")
	dest := filepath.Join(tmp, "bin")
	cfg := fmt.Sprintf("version: %s\nname: custom-gcl\ndestination: %s\nplugins:\n  - module: %s\n    import: %s/plugin\n    path: %s\n",
		gclVersion, strconv.Quote(dest), pluginModule, pluginModule, strconv.Quote(root))
	if err := os.MkdirAll(build, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(build, ".custom-gcl.yml"), []byte(cfg), 0o666); err != nil {
		t.Fatal(err)
	}
	run(t, build, []string{
		// golangci-lint passes GIT_CONFIG_* on to git clone.
		"GIT_CONFIG_COUNT=1",
		"GIT_CONFIG_KEY_0=url.file://" + filepath.ToSlash(repo) + ".insteadOf",
		"GIT_CONFIG_VALUE_0=" + gclRepoURL,
	}, installed, "custom", "-v")
	t.Logf("built custom golangci-lint in %v", time.Since(start).Round(time.Millisecond))

	// Into the cache, atomically.
	if err := os.MkdirAll(cacheDir, 0o777); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dest, name))
	if err != nil {
		t.Fatal(err)
	}
	part := bin + ".part" + strconv.Itoa(os.Getpid())
	if err := os.WriteFile(part, data, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(part, bin); err != nil {
		t.Fatal(err)
	}
	pruneCache(filepath.Dir(cacheDir), filepath.Base(cacheDir))
	return bin
}

// pruneCache removes the binaries in dir, other than keep, unused for a week.
func pruneCache(dir, keep string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && e.IsDir() && e.Name() != keep && time.Since(info.ModTime()) > 7*24*time.Hour {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}

// findGolangci returns the installed golangci-lint, which must be gclVersion.
func findGolangci(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("golangci-lint")
	if err != nil {
		gopath := strings.TrimSpace(run(t, ".", nil, "go", "env", "GOPATH"))
		path = filepath.Join(filepath.SplitList(gopath)[0], "bin", "golangci-lint")
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("golangci-lint not found in PATH or GOPATH/bin: install it with go install %s/cmd/golangci-lint@%s", gclModule, gclVersion)
		}
	}
	out := run(t, ".", nil, path, "version")
	if !strings.Contains(out, strings.TrimPrefix(gclVersion, "v")) {
		t.Fatalf("%s is not golangci-lint %s: %s", path, gclVersion, out)
	}
	return path
}

// sourceKey hashes what the custom binary is built from: the module's
// non-test Go files, go.mod and go.sum, and the extra strings.
func sourceKey(t *testing.T, root string, extra ...string) string {
	t.Helper()
	h := sha256.New()
	for _, s := range extra {
		fmt.Fprintf(h, "%s\x00", s)
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return filepath.SkipDir
			}
			if path != root {
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir // another module
				}
			}
			return nil
		}
		goSource := strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go")
		if !goSource && name != "go.mod" && name != "go.sum" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(data))
		h.Write(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))[:20]
}

// copyModule copies the module in dir to a new temporary directory.
func copyModule(t *testing.T, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "example")
	if err := os.CopyFS(dst, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// exitCode returns the exit status of the command that returned err, or -1.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// golangci runs "gcl run" in the module dir with golangciConfig, a fresh
// cache and the extra flags, and returns its findings.
func golangci(t *testing.T, gcl, dir string, flags ...string) []finding {
	t.Helper()
	tmp := t.TempDir()
	// In the module's root, so that reported paths are relative to it.
	cfg := filepath.Join(dir, ".golangci.yml")
	if err := os.WriteFile(cfg, []byte(golangciConfig), 0o666); err != nil {
		t.Fatal(err)
	}
	report := filepath.Join(tmp, "report.json")
	args := append([]string{"run", "--config", cfg, "--output.json.path", report, "--show-stats=false"}, flags...)
	args = append(args, "./...")
	cmd := exec.Command(gcl, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOLANGCI_LINT_CACHE="+filepath.Join(tmp, "cache"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != 0 && code != 1 {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", gcl, strings.Join(args, " "), err, &stdout, &stderr)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("%v\nstderr:\n%s", err, &stderr)
	}
	var res struct {
		Issues []struct {
			FromLinter string
			Text       string
			Pos        struct {
				Filename     string
				Line, Column int
			}
		}
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("golangci-lint JSON report: %v\n%s", err, data)
	}
	var found []finding
	for _, is := range res.Issues {
		file := is.Pos.Filename
		if filepath.IsAbs(file) {
			if rel, err := filepath.Rel(dir, file); err == nil {
				file = rel
			}
		}
		found = append(found, finding{filepath.ToSlash(file), is.Pos.Line, is.Pos.Column, is.FromLinter, is.Text})
	}
	sortFindings(found)
	return found
}

// The command prints "file:line:col: KA1004: message"; golangci-lint
// shows the message as the analyzer reports it, ID first.
var kafLine = regexp.MustCompile(`^(.+?):(\d+):(\d+): (KA\d+: .*)$`)

// keepalivefix runs the command in the module dir and returns its findings.
func keepalivefix(t *testing.T, kaf, dir string) []finding {
	t.Helper()
	cmd := exec.Command(kaf, "./...")
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != 0 && code != 1 {
		t.Fatalf("keepalivefix ./... in %s: %v\n%s%s", dir, err, &stdout, &stderr)
	}
	var found []finding
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		m := kafLine.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("keepalivefix: unexpected output line %q", sc.Text())
		}
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(m[3])
		found = append(found, finding{filepath.ToSlash(m[1]), line, col, "keepalive", m[4]})
	}
	sortFindings(found)
	return found
}

func sortFindings(fs []finding) {
	slices.SortFunc(fs, func(a, b finding) int {
		return strings.Compare(fmt.Sprintf("%s\x00%08d\x00%08d", a.File, a.Line, a.Col), fmt.Sprintf("%s\x00%08d\x00%08d", b.File, b.Line, b.Col))
	})
}

// compare reports the difference between got and want, matched by file,
// line, column and linter; the message of golangci-lint must contain
// keepalivefix's.
func compare(t *testing.T, what string, got, want []finding) {
	t.Helper()
	type key struct {
		File      string
		Line, Col int
		Linter    string
	}
	wantBy := map[key]finding{}
	for _, f := range want {
		wantBy[key{f.File, f.Line, f.Col, f.Linter}] = f
	}
	seen := map[key]bool{}
	for _, g := range got {
		k := key{g.File, g.Line, g.Col, g.Linter}
		w, ok := wantBy[k]
		switch {
		case !ok:
			t.Errorf("%s: unexpected %v", what, g)
		case seen[k]:
			t.Errorf("%s: reported twice: %v", what, g)
		case !strings.Contains(g.Message, w.Message):
			t.Errorf("%s: %s:%d: message %q, want %q", what, g.File, g.Line, g.Message, w.Message)
		}
		seen[k] = true
	}
	for k, w := range wantBy {
		if !seen[k] {
			t.Errorf("%s: missing %v", what, w)
		}
	}
	if t.Failed() || testing.Verbose() {
		var b strings.Builder
		for _, g := range got {
			fmt.Fprintf(&b, "\n\t%v", g)
		}
		t.Logf("%s: %d findings:%s", what, len(got), b.String())
	}
}

// goFiles lists the Go files of the module in dir, slash-separated.
func goFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") {
			rel, _ := filepath.Rel(dir, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// run runs name with args in dir, with env added to the environment, and
// returns its standard output; it fails the test if the command fails.
func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s (in %s): %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), dir, err, &stdout, &stderr)
	}
	if testing.Verbose() && stderr.Len() > 0 && name != "go" {
		t.Logf("%s %s: stderr:\n%s", filepath.Base(name), strings.Join(args, " "), &stderr)
	}
	return stdout.String()
}
