package action

// These tests keep the workflows that docs/ci.md shows honest: each is a
// file under docs/ci/ that the page includes verbatim, and actionlint
// checks them, together with a workflow that passes every input of
// action.yml to the local action, as a repository would lay them out.

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const workflowPrefix = "# .github/workflows/"

// docWorkflows returns the ```yaml blocks of docs/ci.md that are whole
// workflows (their first line names the file), by file name.
func docWorkflows(t *testing.T) map[string]string {
	t.Helper()
	page, err := os.ReadFile(filepath.Join("..", "docs", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := make(map[string]string)
	var block *strings.Builder
	for _, line := range strings.SplitAfter(string(page), "\n") {
		switch {
		case block == nil && strings.TrimSpace(line) == "```yaml":
			block = new(strings.Builder)
		case block != nil && strings.TrimSpace(line) == "```":
			text := block.String()
			if name, ok := strings.CutPrefix(strings.SplitN(text, "\n", 2)[0], workflowPrefix); ok {
				if _, dup := blocks[name]; dup {
					t.Errorf("docs/ci.md shows %s twice", name)
				}
				blocks[name] = text
			}
			block = nil
		case block != nil:
			block.WriteString(line)
		}
	}
	return blocks
}

// workflowFiles returns the workflows under docs/ci/, by file name.
func workflowFiles(t *testing.T) map[string]string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("..", "docs", "ci", "*.yml"))
	if err != nil {
		t.Fatal(err)
	}
	files := make(map[string]string)
	for _, name := range names {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(name)] = string(src)
	}
	return files
}

// TestDocsWorkflowsMatchFiles fails when docs/ci.md and the workflow files
// it shows drift apart.
func TestDocsWorkflowsMatchFiles(t *testing.T) {
	blocks, files := docWorkflows(t), workflowFiles(t)
	if len(files) == 0 {
		t.Fatal("no workflows under docs/ci")
	}
	for name, src := range files {
		if !strings.HasPrefix(src, workflowPrefix+name+"\n") {
			t.Errorf("docs/ci/%s does not start with %q", name, workflowPrefix+name)
		}
		switch block, ok := blocks[name]; {
		case !ok:
			t.Errorf("docs/ci.md has no ```yaml block of docs/ci/%s", name)
		case block != src:
			t.Errorf("docs/ci.md's block of %s differs from docs/ci/%s; copy the file into the page\npage:\n%s\nfile:\n%s", name, name, block, src)
		}
	}
	for name := range blocks {
		if _, ok := files[name]; !ok {
			t.Errorf("docs/ci.md shows a workflow %s that is not a file under docs/ci", name)
		}
	}
}

// actionInputs lists the inputs that action.yml declares, in order.
func actionInputs(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`^  ([a-z][a-z0-9-]*):\s*$`)
	var inputs []string
	in := false
	for _, line := range strings.Split(string(src), "\n") {
		if line != "" && !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "#") {
			in = line == "inputs:"
			continue
		}
		if m := key.FindStringSubmatch(line); in && m != nil {
			inputs = append(inputs, m[1])
		}
	}
	if len(inputs) == 0 {
		t.Fatal("action.yml declares no inputs")
	}
	return inputs
}

// localActionWorkflow is a workflow that runs the action of the repository
// it is in (uses: ./) with the inputs given.
func localActionWorkflow(inputs []string) string {
	var b strings.Builder
	b.WriteString(`name: local action
on: pull_request
permissions:
  contents: read
  security-events: write
jobs:
  keepalive:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
        with:
          fetch-depth: 0
      - uses: actions/setup-go@v6
        with:
          go-version-file: go.mod
      - id: keepalive
        uses: ./
        with:
`)
	for _, in := range inputs {
		b.WriteString("          " + in + ": x\n")
	}
	b.WriteString(`      - run: echo "$FINDINGS findings in $SARIF"
        env:
          FINDINGS: ${{ steps.keepalive.outputs.findings }}
          SARIF: ${{ steps.keepalive.outputs.sarif-file }}
`)
	return b.String()
}

// actionlint runs actionlint on the workflows given, in a directory laid out
// as a repository holding this action, and returns its output and whether
// it passed.
func actionlint(t *testing.T, workflows map[string]string) (string, bool) {
	t.Helper()
	repo := t.TempDir()
	action, err := os.ReadFile(filepath.Join("..", "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "action.yml"), action, 0o644); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(repo, ".github", "workflows")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var paths []string
	for name, src := range workflows {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, filepath.Join(".github", "workflows", name))
	}
	slices.Sort(paths)
	// actionlint reads local actions only inside a git repository.
	if out, err := exec.Command("git", "init", "-q", repo).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	cmd := exec.Command("actionlint", append([]string{"-no-color"}, paths...)...)
	cmd.Dir = repo
	out, err := cmd.CombinedOutput()
	if err != nil {
		if exit := (*exec.ExitError)(nil); !errors.As(err, &exit) {
			t.Fatalf("actionlint: %v", err)
		}
		return string(out), false
	}
	return string(out), true
}

// TestActionlint checks the documented workflows, and every input of
// action.yml passed to the local action, with actionlint (and, through it,
// shellcheck on their run: scripts when shellcheck is installed).
func TestActionlint(t *testing.T) {
	if _, err := exec.LookPath("actionlint"); err != nil {
		t.Skip("actionlint is not on PATH: go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12")
	}
	need(t, "git")
	workflows := workflowFiles(t)
	workflows["local-action.yml"] = localActionWorkflow(actionInputs(t))
	if out, ok := actionlint(t, workflows); !ok {
		t.Errorf("actionlint reports:\n%s", out)
	}

	// actionlint reads the inputs of uses: ./ from action.yml: one it
	// does not declare is reported, so the check above means something.
	bogus := map[string]string{"local-action.yml": localActionWorkflow([]string{"no-such-input"})}
	if out, ok := actionlint(t, bogus); ok || !strings.Contains(out, "no-such-input") {
		t.Errorf("actionlint passed an input that action.yml does not declare (ok=%v):\n%s", ok, out)
	}
}
