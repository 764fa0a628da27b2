package main_test

import (
	"strings"
	"testing"
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
	if r.code != 0 || !strings.Contains(r.stderr, "0 clean, 1 findings or fixes to show, 2 usage error,\n3 packages failed to load or a file could not be written.") {
		t.Errorf("-h: exit %d\n%s", r.code, r.stderr)
	}
}
