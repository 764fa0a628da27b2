package action

// These tests run action/run.sh, the gate of the GitHub Action in
// action.yml, as the runner does: with a built keepalivefix, a git
// repository holding a module in a subdirectory, and the files the runner
// passes in GITHUB_STEP_SUMMARY and GITHUB_OUTPUT.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// gate is one run of run.sh.
type gate struct {
	status          int
	stdout, stderr  string
	summary, output string
}

func runGate(t *testing.T, repo string, env ...string) gate {
	t.Helper()
	tmp := t.TempDir()
	summary := filepath.Join(tmp, "summary.md")
	output := filepath.Join(tmp, "output")
	cmd := exec.Command("bash", filepath.Join(actionDir(t), "run.sh"))
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "GITHUB_STEP_SUMMARY="+summary, "GITHUB_OUTPUT="+output,
		"GITHUB_SERVER_URL=https://github.example", "GITHUB_REPOSITORY=o/r", "GITHUB_SHA=0123abc")
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	s, _ := os.ReadFile(summary)
	o, _ := os.ReadFile(output)
	return gate{cmd.ProcessState.ExitCode(), stdout.String(), stderr.String(), string(s), string(o)}
}

func actionDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func need(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
}

// buildKeepalivefix builds the command of this checkout.
func buildKeepalivefix(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "keepalivefix")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/keepalivefix").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.invalid",
		"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o666); err != nil {
		t.Fatal(err)
	}
}

// newLeaks is more functions than GitHub shows annotations of a step, each
// with a response that is never closed (and a pipe in a comment-free
// message would break a table: the summary must escape it).
func newLeaks(n int) string {
	var b strings.Builder
	b.WriteString("package svc\n\nimport \"net/http\"\n")
	for i := range n {
		fmt.Fprintf(&b, "\nfunc New%d(c *http.Client, u string) (int, error) {\n\tresp, err := c.Get(u)\n\tif err != nil {\n\t\treturn 0, err\n\t}\n\treturn resp.StatusCode, nil\n}\n", i)
	}
	return b.String()
}

const oldCode = `package svc

import "net/http"

// Old leaked before the pull request.
func Old(c *http.Client, u string) (int, error) {
	resp, err := c.Get(u)
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
`

// repoWithPR returns a repository whose module svc/ had one finding at the
// base commit (returned) and has more in the work tree.
func repoWithPR(t *testing.T) (repo, base string) {
	t.Helper()
	repo = t.TempDir()
	write(t, filepath.Join(repo, "svc", "go.mod"), "module example.com/svc\n\ngo 1.26.0\n")
	write(t, filepath.Join(repo, "svc", "old.go"), oldCode)
	git(t, repo, "init", "-q")
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "base")
	base = git(t, repo, "rev-parse", "HEAD")
	write(t, filepath.Join(repo, "svc", "new.go"), newLeaks(12))
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "pull request")
	return repo, base
}

// expected returns keepalivefix's own annotations for the repository, run
// directly: what the gate must show.
func expected(t *testing.T, kaf, repo string, flags ...string) []string {
	t.Helper()
	cmd := exec.Command(kaf, append(append([]string{"-C", "svc", "-format=github"}, flags...), "./...")...)
	cmd.Dir = repo
	out, err := cmd.Output()
	if err != nil && cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("keepalivefix: %v", err)
	}
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}

var annotation = regexp.MustCompile(`^::warning file=([^,]+),line=(\d+),.*title=(KA\d+)[^:]*::(.*)$`)

// checkSummary checks that the summary has one table row per annotation,
// with its check, a link to its line and its message.
func checkSummary(t *testing.T, summary string, annotations []string) {
	t.Helper()
	rows := 0
	for _, l := range strings.Split(summary, "\n") {
		if strings.HasPrefix(l, "| KA") {
			rows++
		}
	}
	if rows != len(annotations) {
		t.Errorf("summary has %d rows, want one per finding (%d):\n%s", rows, len(annotations), summary)
	}
	for _, a := range annotations {
		m := annotation.FindStringSubmatch(a)
		if m == nil {
			t.Fatalf("annotation %q", a)
		}
		link := fmt.Sprintf("[%s:%s](https://github.example/o/r/blob/0123abc/%s#L%s)", m[1], m[2], m[1], m[2])
		row := fmt.Sprintf("| %s body-", m[3])
		if m[3] == "KA1001" {
			row = "| KA1001 default-client"
		}
		want := row
		if !strings.Contains(summary, link) || !strings.Contains(summary, strings.ReplaceAll(m[4], "|", `\|`)) || !strings.Contains(summary, want) {
			t.Errorf("summary lacks %s (%s, %q):\n%s", a, link, want, summary)
		}
	}
}

// sarifResults returns the artifact URIs of the results of a SARIF file.
func sarifResults(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var uris []string
	for _, r := range log.Runs[0].Results {
		uris = append(uris, r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
	}
	return uris
}

func TestGatePullRequest(t *testing.T) {
	need(t, "bash", "git")
	kaf := buildKeepalivefix(t)
	repo, base := repoWithPR(t)
	want := expected(t, kaf, repo, "-new-from-rev="+base)
	if len(want) <= 10 {
		t.Fatalf("keepalivefix finds %d new findings; the test needs more than GitHub annotates (10)", len(want))
	}

	g := runGate(t, repo, "KAF="+kaf, "KAF_DIR=svc", "KAF_BASE="+base)
	if g.status != 1 {
		t.Fatalf("exit status %d, want 1 (findings)\nstderr:\n%s", g.status, g.stderr)
	}
	// Annotations: exactly keepalivefix's, for new code only.
	got := strings.Split(strings.TrimSpace(g.stdout), "\n")
	if !slices.Equal(got, want) {
		t.Errorf("annotations:\n%s\nwant:\n%s", g.stdout, strings.Join(want, "\n"))
	}
	for _, a := range got {
		if !strings.HasPrefix(a, "::warning file=svc/new.go,") {
			t.Errorf("annotation not on the pull request's new code, relative to the repository: %s", a)
		}
	}
	// The summary lists every finding, more than GitHub annotates.
	if !strings.Contains(g.summary, fmt.Sprintf("%d findings (findings that did not exist at `%s`)", len(want), base)) {
		t.Errorf("summary does not count %d new findings:\n%s", len(want), g.summary)
	}
	checkSummary(t, g.summary, want)
	// Outputs, and a SARIF file of the same findings, repository-relative.
	sarif := filepath.Join(repo, "keepalive.sarif")
	if !strings.Contains(g.output, fmt.Sprintf("findings=%d\n", len(want))) || !strings.Contains(g.output, "sarif-file="+sarif+"\n") {
		t.Errorf("GITHUB_OUTPUT:\n%s", g.output)
	}
	uris := sarifResults(t, sarif)
	if len(uris) != len(want) {
		t.Errorf("SARIF has %d results, want %d", len(uris), len(want))
	}
	for _, u := range uris {
		if u != "svc/new.go" {
			t.Errorf("SARIF result at %q, want svc/new.go", u)
		}
	}

	t.Run("NotFailing", func(t *testing.T) {
		g := runGate(t, repo, "KAF="+kaf, "KAF_DIR=svc", "KAF_BASE="+base, "KAF_FAIL=false")
		if g.status != 0 || !strings.Contains(g.output, fmt.Sprintf("findings=%d\n", len(want))) {
			t.Errorf("fail-on-findings false: exit %d, outputs %q", g.status, g.output)
		}
	})
}

// TestGatePush: without a base (a push to the default branch) every finding
// is reported, so that code scanning has the whole picture to compare with.
func TestGatePush(t *testing.T) {
	need(t, "bash", "git")
	kaf := buildKeepalivefix(t)
	repo, base := repoWithPR(t)
	want := expected(t, kaf, repo)
	if len(want) <= len(expected(t, kaf, repo, "-new-from-rev="+base)) {
		t.Fatal("the base commit's finding is not reported without a base")
	}
	g := runGate(t, repo, "KAF="+kaf, "KAF_DIR=svc", "KAF_BASE=", "KAF_SARIF=out/all.sarif")
	if g.status != 1 {
		t.Fatalf("exit status %d, want 1\nstderr:\n%s", g.status, g.stderr)
	}
	if !strings.Contains(g.summary, fmt.Sprintf("%d findings (every finding)", len(want))) {
		t.Errorf("summary:\n%s", g.summary)
	}
	checkSummary(t, g.summary, want)
	if n := len(sarifResults(t, filepath.Join(repo, "out", "all.sarif"))); n != len(want) {
		t.Errorf("SARIF has %d results, want %d", n, len(want))
	}
}

// TestGateClean: a pull request that adds no finding passes, with an empty
// SARIF log still written (it closes the alerts of fixed findings).
func TestGateClean(t *testing.T) {
	need(t, "bash", "git")
	kaf := buildKeepalivefix(t)
	repo, _ := repoWithPR(t)
	head := git(t, repo, "rev-parse", "HEAD")
	g := runGate(t, repo, "KAF="+kaf, "KAF_DIR=svc", "KAF_BASE="+head)
	if g.status != 0 {
		t.Fatalf("exit status %d, want 0\nstdout:\n%s\nstderr:\n%s", g.status, g.stdout, g.stderr)
	}
	if g.stdout != "" {
		t.Errorf("annotations on a clean change:\n%s", g.stdout)
	}
	if !strings.Contains(g.summary, "No findings") || !strings.Contains(g.output, "findings=0\n") {
		t.Errorf("summary:\n%s\noutputs:\n%s", g.summary, g.output)
	}
	if n := len(sarifResults(t, filepath.Join(repo, "keepalive.sarif"))); n != 0 {
		t.Errorf("SARIF has %d results, want none", n)
	}
}

// TestGateBadBase: a base that names no commit is a usage error, said in
// the summary, and no SARIF is offered for upload.
func TestGateBadBase(t *testing.T) {
	need(t, "bash", "git")
	kaf := buildKeepalivefix(t)
	repo, _ := repoWithPR(t)
	g := runGate(t, repo, "KAF="+kaf, "KAF_DIR=svc", "KAF_BASE=no-such-revision")
	if g.status != 2 {
		t.Fatalf("exit status %d, want 2\nstderr:\n%s", g.status, g.stderr)
	}
	if !strings.Contains(g.summary, "could not run") || strings.Contains(g.output, "sarif-file=") {
		t.Errorf("summary:\n%s\noutputs:\n%s", g.summary, g.output)
	}
	if !strings.Contains(g.stderr, "no-such-revision") {
		t.Errorf("stderr does not name the revision:\n%s", g.stderr)
	}
}

// TestActionYAML checks that action.yml runs this script with the variables
// it reads, and installs the version the documentation names.
func TestActionYAML(t *testing.T) {
	data, err := os.ReadFile("../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	action := string(data)
	if !strings.Contains(action, "using: composite") || !strings.Contains(action, `run: bash "$GITHUB_ACTION_PATH/action/run.sh"`) {
		t.Error("action.yml is not a composite action running action/run.sh")
	}
	script, err := os.ReadFile("run.sh")
	if err != nil {
		t.Fatal(err)
	}
	vars := regexp.MustCompile(`(?m)^\s+(KAF_[A-Z]+):`).FindAllStringSubmatch(action, -1)
	if len(vars) < 5 {
		t.Fatalf("action.yml passes %d KAF_ variables", len(vars))
	}
	for _, v := range vars {
		if v[1] != "KAF_VERSION" && !strings.Contains(string(script), "${"+v[1]) {
			t.Errorf("action.yml sets %s, which run.sh does not read", v[1])
		}
	}
	m := regexp.MustCompile(`(?m)^  version:\n(?:    .*\n)*?    default: (v\S+)`).FindStringSubmatch(action)
	if m == nil {
		t.Fatal("action.yml: no pinned default version")
	}
	for _, doc := range []string{"../docs/ci.md", "../docs/golangci.yml", "../CHANGELOG.md"} {
		text, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(text), m[1]) {
			t.Errorf("%s does not name %s, the version action.yml installs", doc, m[1])
		}
	}
}
