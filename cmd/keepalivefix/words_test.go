package main_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// Errors say what is wrong in the user's terms: the flag or pattern they
// wrote, paths relative to the working directory as in findings, and no
// internal names.
func TestErrorWords(t *testing.T) {
	env, _ := gateEnv(t)
	dir := writeModule(t, map[string]string{
		"go.mod":     "module example.com/words\n\ngo 1.26\n",
		"bad/bad.go": "package bad\n\nvar x int = \"not an int\"\n",
	})
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string // all of it
	}{
		{[]string{"./nope/..."}, 3, "keepalivefix: pattern ./nope/...: no such directory\n"},
		{[]string{"-C", "nope"}, 2, "keepalivefix: -C nope: no such directory\n"},
		{[]string{"-C", "go.mod"}, 2, "keepalivefix: -C go.mod: not a directory\n"},
		{[]string{"./bad"}, 3, "keepalivefix: bad/bad.go:3:13: cannot use \"not an int\" (untyped string constant) as int value in variable declaration\n"},
		{[]string{"-baseline-write"}, 2, "keepalivefix: -baseline-write needs -baseline file\n"},
	} {
		r := gateRun(t, dir, env, tc.args...)
		if r.code != tc.code || r.stderr != tc.stderr {
			t.Errorf("keepalivefix %s: exit %d, stderr %q; want %d, %q", strings.Join(tc.args, " "), r.code, r.stderr, tc.code, tc.stderr)
		}
	}

	// go list's errors without a position have none, not "-".
	r := gateRun(t, dir, env, "example.com/words/nosuch")
	if r.code != 3 || !strings.HasPrefix(r.stderr, "keepalivefix: ") || strings.Contains(r.stderr, "-: ") || !strings.Contains(r.stderr, "example.com/words/nosuch") {
		t.Errorf("unknown package: exit %d, stderr %q", r.code, r.stderr)
	}
	outside := t.TempDir()
	r = gateRun(t, outside, env)
	if r.code != 3 || strings.Contains(r.stderr, "-: ") || !strings.Contains(r.stderr, "there is no go.mod in") {
		t.Errorf("outside a module: exit %d, stderr %q", r.code, r.stderr)
	}

	// -h lists every exit code.
	r = gateRun(t, dir, env, "-h")
	if r.code != 0 || !strings.Contains(r.stderr, "0 clean, 1 findings or fixes to show, 2 usage error,\n3 packages failed to load, a package would not compile with its fixes\n(its files are left as they were), or a file could not be written.") {
		t.Errorf("-h: exit %d\n%s", r.code, r.stderr)
	}
}

// The README reads in a newcomer's order (what it finds, install, run it
// on your code, then the development set-up), its sample finding is what
// the command prints, and its set-up names every end-to-end suite that
// go test ./... skips with the command that runs it.
func TestReadmeForNewcomers(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	sections := map[string]string{} // title -> text up to the next "## "
	var titles []string
	for _, part := range strings.Split("\n"+readme, "\n## ")[1:] {
		title, body, _ := strings.Cut(part, "\n")
		titles = append(titles, title)
		sections[title] = body
	}
	last := -1
	for _, want := range []string{"What it finds", "Install", "Run it on your code", "Development set-up"} {
		i := slices.Index(titles, want)
		if i < 0 || i < last {
			t.Fatalf("README sections %q: want %q after the ones before it", titles, want)
		}
		last = i
	}

	// Links to sections of the README land on one.
	anchors := map[string]bool{}
	fenced := false // in a code block, where # starts a comment
	for _, line := range strings.Split(readme, "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if title, ok := strings.CutPrefix(line, "#"); ok && !fenced {
			anchors[anchor(strings.TrimLeft(title, "#"))] = true
		}
	}
	for _, m := range regexp.MustCompile(`\]\(#([^)]+)\)`).FindAllStringSubmatch(readme, -1) {
		if !anchors[m[1]] {
			t.Errorf("README links to #%s, which is no heading of it", m[1])
		}
	}

	run := sections["Run it on your code"]
	for _, cmd := range []string{"keepalivefix ./...", "keepalivefix -d ./...", "keepalivefix -w ./..."} {
		if !strings.Contains(run, cmd) {
			t.Errorf("README \"Run it on your code\" does not show %s", cmd)
		}
	}
	sample := regexp.MustCompile(`(?m)^[a-z/]+\.go:\d+:\d+: KA\d{4}: .*$`).FindString(run)
	if sample == "" {
		t.Fatal("README \"Run it on your code\" shows no finding")
	}
	out, stderr, code := keepalivefix(t, filepath.Join(repoRoot, "testdata", "example"), "./...")
	if code != 1 || !slices.Contains(strings.Split(out, "\n"), sample) {
		t.Errorf("README's sample finding %q is not a line the command prints on the example (exit %d):\n%s%s", sample, code, out, stderr)
	}

	setup := sections["Development set-up"]
	for _, s := range optInSuites {
		cmd := fmt.Sprintf("%s=1 go test ./cmd/keepalivefix -run %s -v%s", s.env, s.test, s.flags)
		if !strings.Contains(setup, cmd) {
			t.Errorf("README \"Development set-up\" does not say how to run the skipped suite %s: %s", s.test, cmd)
		}
	}
	// The plugin's suite runs through its script, which must run it.
	script, err := os.ReadFile(filepath.Join(repoRoot, ".ci", "golangci-e2e"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(setup, "bash .ci/golangci-e2e") || !strings.Contains(string(script), "go test ./plugin -run E2E") {
		t.Error("README \"Development set-up\" does not say how to run the plugin's end-to-end suite (bash .ci/golangci-e2e)")
	}
}

// anchor is the fragment GitHub gives a heading: lower case, spaces as
// hyphens, other punctuation dropped.
func anchor(title string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(title)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
