package main_test

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// optInSuites are this package's end-to-end suites that take minutes and
// run only when their environment variable is 1 (CI sets them).
var optInSuites = []struct{ test, env, what, flags string }{
	{"TestFixRealCode", "KEEPALIVEFIX_REALCODE", "fixes a copy of the standard library", ""},
	{"TestWholeTree", "KEEPALIVEFIX_WHOLETREE", "runs over std, cmd and the dependencies", " -timeout 60m"},
}

// skipNote returns one line for each opt-in suite that a run with -run
// pattern selects but skips, with the command that runs it.
func skipNote(pattern string, getenv func(string) string) string {
	var re *regexp.Regexp
	if pattern != "" {
		// The top-level part of -run selects the tests.
		re, _ = regexp.Compile(strings.SplitN(pattern, "/", 2)[0])
	}
	var b strings.Builder
	for _, s := range optInSuites {
		if getenv(s.env) == "1" || (re != nil && !re.MatchString(s.test)) {
			continue
		}
		fmt.Fprintf(&b, "skipped %s (%s): %s=1 go test ./cmd/keepalivefix -run %s -v%s\n", s.test, s.what, s.env, s.test, s.flags)
	}
	return b.String()
}

// announceSkips prints the skipped suites on stderr, which go test shows
// with -v and when the package fails. A passing package's output is
// dropped in go test ./... (package list mode), so, to be seen there too,
// the note also goes to the go command's own standard error when it is a
// terminal or a pipe (a file is left alone: the go command's offset in it
// would overwrite the line, unless it appends). Only on Linux, where /proc
// shows it.
func announceSkips(passed bool) {
	if f := flag.Lookup("test.list"); f != nil && f.Value.String() != "" {
		return
	}
	run := ""
	if f := flag.Lookup("test.run"); f != nil {
		run = f.Value.String()
	}
	note := skipNote(run, os.Getenv)
	if note == "" {
		return
	}
	fmt.Fprint(os.Stderr, note)
	if !passed || testing.Verbose() || runtime.GOOS != "linux" {
		return // shown already
	}
	ppid := os.Getppid()
	if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", ppid)); err != nil || filepath.Base(exe) != "go" {
		return // not run by go test
	}
	stderr := fmt.Sprintf("/proc/%d/fd/2", ppid)
	info, err := os.Stat(stderr)
	if err != nil || info.Mode()&(os.ModeCharDevice|os.ModeNamedPipe) == 0 && !appending(ppid) {
		return
	}
	f, err := os.OpenFile(stderr, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return
	}
	_, _ = f.WriteString(note)
	_ = f.Close()
}

// appending reports whether process pid writes its standard error in
// append mode (2>>file), where a line added at the end stays.
func appending(pid int) bool {
	info, err := os.ReadFile(fmt.Sprintf("/proc/%d/fdinfo/2", pid))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(info), "\n") {
		if v, ok := strings.CutPrefix(line, "flags:"); ok {
			flags, err := strconv.ParseInt(strings.TrimSpace(v), 8, 64)
			return err == nil && flags&int64(os.O_APPEND) != 0
		}
	}
	return false
}

func TestSkipNote(t *testing.T) {
	none := func(string) string { return "" }
	all := skipNote("", none)
	for _, s := range optInSuites {
		if want := s.env + "=1 go test ./cmd/keepalivefix -run " + s.test + " -v"; !strings.Contains(all, want) {
			t.Errorf("note lacks %q:\n%s", want, all)
		}
	}
	if got := skipNote("TestExample", none); got != "" {
		t.Errorf("-run TestExample: note %q, want none", got)
	}
	if got := skipNote("TestWhole/sub", none); strings.Count(got, "\n") != 1 || !strings.Contains(got, "TestWholeTree") {
		t.Errorf("-run TestWhole/sub: note %q, want only TestWholeTree", got)
	}
	if got := skipNote("", func(k string) string {
		if k == "KEEPALIVEFIX_REALCODE" {
			return "1"
		}
		return ""
	}); strings.Contains(got, "TestFixRealCode") {
		t.Errorf("with KEEPALIVEFIX_REALCODE=1 the note still names it:\n%s", got)
	}

	// The suites it names exist.
	out, err := exec.Command(os.Args[0], "-test.list", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range optInSuites {
		if !strings.Contains("\n"+string(out), "\n"+s.test+"\n") {
			t.Errorf("no test %s in this package", s.test)
		}
	}
}

// go test without -v, which drops a passing package's output, still shows
// which suites it skipped.
func TestSkipNoteShownByGoTest(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the note reaches go test's own output through /proc")
	}
	if testing.Short() {
		t.Skip("runs go test again")
	}
	cmd := exec.Command("go", "test", "-count=1", "-run", "^TestFixRealCode$", ".")
	cmd.Env = append(os.Environ(), "KEEPALIVEFIX_REALCODE=")
	out, err := cmd.CombinedOutput() // a pipe, as in CI
	if err != nil {
		t.Fatalf("go test: %v\n%s", err, out)
	}
	if want := "skipped TestFixRealCode (fixes a copy of the standard library): KEEPALIVEFIX_REALCODE=1 go test ./cmd/keepalivefix -run TestFixRealCode -v\n"; !strings.Contains(string(out), want) {
		t.Errorf("go test output lacks %q:\n%s", want, out)
	}
}
