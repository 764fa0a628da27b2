package plugin_test

// The end-to-end test builds a real golangci-lint with "golangci-lint
// custom" from the repository's .custom-gcl.yml, which takes the plugin by
// module path and version as users do; a local module proxy serves this
// checkout as that version. It then runs the binary on testdata/example and
// on testdata/sameline, with the plugin alone and with the documented
// docs/golangci.yml, and compares with what keepalivefix reports.
//
// It needs golangci-lint v2.15.0 installed and its module source in the
// module cache (go mod download). The git clone of golangci-lint that
// "golangci-lint custom" makes is redirected to a local repository made from
// that source.
//
// It runs only with KEEPALIVEFIX_GOLANGCI_E2E=1 (see .ci/golangci-e2e). The
// built binary is cached under the user cache directory, keyed by the
// plugin's source, so a second run skips the build.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
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
  uniq-by-line: false
`

// finding is one report, from golangci-lint or keepalivefix.
type finding struct {
	File      string // slash-separated, relative to the module root
	Line, Col int
	Linter    string // "keepalive" for keepalivefix
	ID        string // check ID, from keepalivefix only
	Message   string
	FixText   string // the new text of golangci-lint's suggested fix, if any
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
	readCustomConfig(t, root)
	gcl := customGolangci(t, root)
	example := filepath.Join(root, "testdata", "example")
	sameline := filepath.Join(root, "plugin", "testdata", "sameline")

	want := keepalivefix(t, kaf, copyModule(t, example))
	if len(want) == 0 {
		t.Fatal("keepalivefix reports nothing on testdata/example")
	}

	t.Run("Findings", func(t *testing.T) {
		got := golangci(t, gcl, copyModule(t, example), golangciConfig)
		compare(t, "golangci-lint run", got, want)
	})

	// The documented configuration runs golangci-lint's standard linters
	// beside keepalive. Where another linter (errcheck on "defer
	// resp.Body.Close()") or a second check reports the same line,
	// golangci-lint's default uniq-by-line keeps one finding of the line;
	// the documented configuration must keep every keepalive finding.
	t.Run("DocumentedConfig", func(t *testing.T) {
		docs, err := os.ReadFile(filepath.Join(root, "docs", "golangci.yml"))
		if err != nil {
			t.Fatal(err)
		}
		var withOther, twoChecks int
		for _, mod := range []string{example, sameline} {
			dir := copyModule(t, mod)
			want := keepalivefix(t, kaf, dir)
			all := golangci(t, gcl, dir, string(docs))
			compare(t, "golangci-lint run with docs/golangci.yml on "+filepath.Base(mod), only(all, "keepalive"), want)
			o, k := sharedLines(all)
			withOther += o
			twoChecks += k
		}
		// Or the test would pass with uniq-by-line on.
		if withOther == 0 || twoChecks == 0 {
			t.Fatalf("the examples have %d keepalive findings on a line another linter reports and %d lines with two keepalive findings; want some of each", withOther, twoChecks)
		}

		// Control: golangci-lint's default drops some.
		dir := copyModule(t, sameline)
		uniq := only(golangci(t, gcl, dir, string(docs), "--uniq-by-line=true"), "keepalive")
		if n := len(keepalivefix(t, kaf, dir)); len(uniq) >= n {
			t.Errorf("with --uniq-by-line=true golangci-lint still shows %d of %d keepalive findings on sameline: the example has no same-line pair", len(uniq), n)
		}
	})

	t.Run("Fix", func(t *testing.T) {
		dir := copyModule(t, example)
		golangci(t, gcl, dir, golangciConfig, "--fix")
		run(t, dir, nil, "go", "build", "./...")
		run(t, dir, nil, "go", "vet", "./...")

		// What is left is what keepalivefix reports on the fixed code...
		left := golangci(t, gcl, dir, golangciConfig)
		compare(t, "golangci-lint run after --fix", left, keepalivefix(t, kaf, dir))
		if len(left) >= len(want) {
			t.Errorf("--fix fixed nothing: %d findings before, %d after", len(want), len(left))
		}
		// A second --fix finishes what needed a declaration in another
		// file (the plugin's fixes keep to their own file), and the package
		// still compiles.
		golangci(t, gcl, dir, golangciConfig, "--fix")
		run(t, dir, nil, "go", "build", "./...")
		again := golangci(t, gcl, dir, golangciConfig)
		compare(t, "golangci-lint run after a second --fix", again, keepalivefix(t, kaf, dir))
		if len(again) > len(left) {
			t.Errorf("a second --fix left more findings (%d) than the first (%d)", len(again), len(left))
		}
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
	})

	// golangci-lint applies a fix only for the findings it reports, and
	// only its edits in the finding's own file. The fix that carries a
	// declaration the others use (the shared client, the drain helper) may
	// be dropped by //nolint or --new-from-rev while the others apply: the
	// package must compile all the same.
	t.Run("FixNolintDeclaration", func(t *testing.T) {
		dir := copyModule(t, example)
		carriers := declarationCarriers(golangci(t, gcl, dir, golangciConfig))
		if len(carriers) == 0 {
			t.Fatal("no suggested fix declares the shared client or the drain helper")
		}
		for _, c := range carriers {
			addNolint(t, dir, c)
		}
		golangci(t, gcl, dir, golangciConfig, "--fix")
		run(t, dir, nil, "go", "build", "./...")
		run(t, dir, nil, "go", "vet", "./...")
		// The silenced findings keep their code: keepalivefix still
		// reports each //nolint line (other fixes may have moved it).
		left := keepalivefix(t, kaf, dir)
		nolints := 0
		for _, file := range goFiles(t, dir) {
			src, err := os.ReadFile(filepath.Join(dir, file))
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(string(src), "\n") {
				if !strings.Contains(line, nolintComment) {
					continue
				}
				nolints++
				if !slices.ContainsFunc(left, func(f finding) bool { return f.File == file && f.Line == i+1 }) {
					t.Errorf("%s:%d: --fix changed the code of a //nolint line: %s", file, i+1, line)
				}
			}
		}
		// Two carriers on one line share their //nolint.
		lines := make(map[[2]any]bool)
		for _, c := range carriers {
			lines[[2]any{c.File, c.Line}] = true
		}
		if nolints != len(lines) {
			t.Errorf("%d //nolint lines after --fix, want %d", nolints, len(lines))
		}
	})

	t.Run("FixNewFromRev", func(t *testing.T) {
		dir := copyModule(t, example)
		carriers := declarationCarriers(golangci(t, gcl, dir, golangciConfig))
		if len(carriers) == 0 {
			t.Fatal("no suggested fix declares the shared client or the drain helper")
		}
		git(t, dir, "init", "-q")
		git(t, dir, "add", "-A")
		git(t, dir, "commit", "-q", "-m", "base")
		// A new leak, in the file of a finding whose fix carries a
		// declaration; the old findings are not new, so their fixes
		// (and what they declare) are not applied.
		path := filepath.Join(dir, carriers[0].File)
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		added := "\n// Fetch is new since the base revision.\nfunc Fetch(u string) (int, error) {\n\tresp, err := http.Get(u)\n\tif err != nil {\n\t\treturn 0, err\n\t}\n\tdefer resp.Body.Close()\n\treturn resp.StatusCode, nil\n}\n"
		if err := os.WriteFile(path, append(src, added...), 0o666); err != nil {
			t.Fatal(err)
		}
		got := golangci(t, gcl, dir, golangciConfig, "--new-from-rev=HEAD")
		if len(got) == 0 {
			t.Fatal("golangci-lint --new-from-rev=HEAD reports nothing on the added function")
		}
		for _, f := range got {
			if f.File != carriers[0].File || f.Line <= strings.Count(string(src), "\n") {
				t.Errorf("--new-from-rev=HEAD reports an old finding: %v", f)
			}
		}
		golangci(t, gcl, dir, golangciConfig, "--new-from-rev=HEAD", "--fix")
		run(t, dir, nil, "go", "build", "./...")
		run(t, dir, nil, "go", "vet", "./...")
		// Only the new code changed: the old findings are all still there.
		if n := len(keepalivefix(t, kaf, dir)); n < len(want) {
			t.Errorf("--new-from-rev --fix fixed old findings: %d left, %d before the addition", n, len(want))
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
		compare(t, "golangci-lint run with //nolint", golangci(t, gcl, dir, golangciConfig), rest)
	})
}

// declaration is the start of a line that declares the shared client or
// the drain helper a fix adds to a package.
var declaration = regexp.MustCompile(`(?m)^(func drainAndClose\b|var httpClient\b|\s*httpClient\s+=)`)

// declarationCarriers returns the keepalive findings whose suggested fix
// declares what the other fixes of the package use.
func declarationCarriers(fs []finding) []finding {
	var out []finding
	for _, f := range fs {
		if f.Linter == "keepalive" && declaration.MatchString(f.FixText) {
			out = append(out, f)
		}
	}
	return out
}

const nolintComment = "//nolint:keepalive // kept as it is"

// addNolint appends //nolint:keepalive to the line of f.
func addNolint(t *testing.T, dir string, f finding) {
	t.Helper()
	path := filepath.Join(dir, f.File)
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(src), "\n")
	if !strings.Contains(lines[f.Line-1], "//nolint") {
		lines[f.Line-1] += " " + nolintComment
	}
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o666); err != nil {
		t.Fatal(err)
	}
	t.Logf("added //nolint:keepalive to %s:%d", f.File, f.Line)
}

// git runs git in dir as a throwaway identity.
func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	run(t, dir, nil, "git", append([]string{"-c", "user.name=keepalivefix e2e", "-c", "user.email=e2e@keepalivefix.invalid",
		"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
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

// golangci runs "gcl run" in the module dir with the configuration config,
// a fresh cache and the extra flags, and returns its findings.
func golangci(t *testing.T, gcl, dir, config string, flags ...string) []finding {
	t.Helper()
	tmp := t.TempDir()
	// In the module's root, so that reported paths are relative to it.
	cfg := filepath.Join(dir, ".golangci.yml")
	if err := os.WriteFile(cfg, []byte(config), 0o666); err != nil {
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
			FromLinter     string
			Text           string
			SuggestedFixes []struct {
				TextEdits []struct{ NewText []byte }
			}
			Pos struct {
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
		// golangci-lint shows each related position of a diagnostic as an
		// issue of its own ("keepalive(related information): returns
		// here"); keepalivefix prints them as part of the message.
		if strings.HasPrefix(is.Text, is.FromLinter+"(related information)") {
			continue
		}
		file := is.Pos.Filename
		if filepath.IsAbs(file) {
			if rel, err := filepath.Rel(dir, file); err == nil {
				file = rel
			}
		}
		var fix strings.Builder
		for _, sf := range is.SuggestedFixes {
			for _, e := range sf.TextEdits {
				fix.Write(e.NewText)
			}
		}
		found = append(found, finding{File: filepath.ToSlash(file), Line: is.Pos.Line, Col: is.Pos.Column, Linter: is.FromLinter, Message: is.Text, FixText: fix.String()})
	}
	sortFindings(found)
	return found
}

// kafLine is a line of keepalivefix's text output, "file:line:col: ID:
// message"; golangci-lint shows the message as the analyzer reports it, ID
// first.
var kafLine = regexp.MustCompile(`^(.+?):(\d+):(\d+): (KA\d+): (.*)$`)

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
		found = append(found, finding{File: filepath.ToSlash(m[1]), Line: line, Col: col, Linter: "keepalive", ID: m[4], Message: m[5]})
	}
	sortFindings(found)
	return found
}

func sortFindings(fs []finding) {
	slices.SortFunc(fs, func(a, b finding) int {
		return strings.Compare(fmt.Sprintf("%s\x00%08d\x00%08d", a.File, a.Line, a.Col), fmt.Sprintf("%s\x00%08d\x00%08d", b.File, b.Line, b.Col))
	})
}

// compare reports the difference between got (golangci-lint's) and want
// (keepalivefix's), matched by file, line, column and linter, and then by
// message: golangci-lint's is keepalivefix's with the check ID in front.
func compare(t *testing.T, what string, got, want []finding) {
	t.Helper()
	type key struct {
		File      string
		Line, Col int
		Linter    string
	}
	wantBy := map[key][]finding{}
	for _, f := range want {
		k := key{f.File, f.Line, f.Col, f.Linter}
		wantBy[k] = append(wantBy[k], f)
	}
	for _, g := range got {
		k := key{g.File, g.Line, g.Col, g.Linter}
		ws := wantBy[k]
		i := slices.IndexFunc(ws, func(w finding) bool { return g.Message == w.ID+": "+w.Message })
		switch {
		case i >= 0:
			wantBy[k] = slices.Delete(ws, i, i+1)
		case len(ws) > 0:
			t.Errorf("%s: %s:%d:%d: message %q, want one of %v", what, g.File, g.Line, g.Col, g.Message, ws)
		default:
			t.Errorf("%s: unexpected (or reported twice) %v", what, g)
		}
	}
	for _, ws := range wantBy {
		for _, w := range ws {
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

// only returns the findings of linter.
func only(fs []finding, linter string) []finding {
	var out []finding
	for _, f := range fs {
		if f.Linter == linter {
			out = append(out, f)
		}
	}
	return out
}

// sharedLines counts the keepalive findings on a line that another linter
// reports too, and the lines with more than one keepalive finding.
func sharedLines(fs []finding) (withOther, twoChecks int) {
	type line struct {
		file string
		n    int
	}
	keepalive, other := map[line]int{}, map[line]bool{}
	for _, f := range fs {
		l := line{f.File, f.Line}
		if f.Linter == "keepalive" {
			keepalive[l]++
		} else {
			other[l] = true
		}
	}
	for l, n := range keepalive {
		if other[l] {
			withOther += n
		}
		if n > 1 {
			twoChecks++
		}
	}
	return withOther, twoChecks
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
