package main

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/tools/go/analysis"

	"github.com/keepalivefix/keepalivefix/analyzer"
	"github.com/keepalivefix/keepalivefix/internal/report"
)

// buildVersion returns the version of the module the binary was built
// from, as the go command recorded it: the tag for go install ...@v1.2.0, a
// pseudo-version for go build in a checkout, "(devel)" when it knows none.
// The VCS revision follows when the version does not already contain it.
// -version and SARIF's tool version both print it.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if len(rev) > 12 {
		rev = rev[:12] // as in a pseudo-version
	}
	if rev != "" && !strings.Contains(v, rev) {
		if modified {
			rev += ", modified"
		}
		v += " (" + rev + ")"
	}
	return v
}

// toReport converts findings to the report package's form.
func toReport(fs []*finding) []report.Finding {
	out := make([]report.Finding, len(fs))
	for i, f := range fs {
		name := ""
		if c := analyzer.Lookup(f.id); c != nil {
			name = c.Name
		}
		out[i] = report.Finding{
			File: filepath.ToSlash(f.file), Line: f.line, Col: f.col, EndLine: f.endLine, EndCol: f.endCol,
			Check: f.id, Name: name, Message: f.msg, URL: f.url, Fixable: len(f.fix) > 0,
		}
		for _, r := range f.related {
			out[i].Related = append(out[i].Related, report.Related{File: filepath.ToSlash(r.file), Line: r.line, Col: r.col, Message: r.msg})
		}
	}
	return out
}

// rules describes every check for SARIF, from the same registry as the
// documentation pages and -explain.
func rules() []report.Rule {
	var out []report.Rule
	for _, c := range analyzer.Checks {
		out = append(out, report.Rule{ID: c.ID, Name: c.Name, Title: c.Title, Help: c.Explain(), URL: c.URL()})
	}
	return out
}

// writeFindings prints findings in the chosen format. Text and JSON name
// files relative to the working directory, as the command's other output
// does; SARIF and workflow annotations relative to the repository's top
// level, which is what code scanning and pull-request annotations resolve
// them against, also for a module in a subdirectory or a run with -C.
func writeFindings(w io.Writer, format string, fs []*finding) error {
	switch format {
	case "text":
		return report.WriteText(w, toReport(fs))
	case "json":
		return report.WriteJSON(w, toReport(fs))
	case "github":
		rf, _ := atRepoRoot(fs)
		return report.WriteGitHub(w, rf)
	case "sarif":
		rf, read := atRepoRoot(fs)
		fps, err := report.Fingerprints(rf, read)
		if err == nil {
			for i := range rf {
				rf[i].Fingerprint = fps[i]
			}
		}
		return report.WriteSARIF(w, "keepalivefix", buildVersion(), "https://github.com/keepalivefix/keepalivefix", rules(), rf)
	}
	return fmt.Errorf("unknown format %q (text, json, sarif, github)", format)
}

// atRepoRoot returns the report form of fs with paths relative to the top
// level of the git work tree that holds the working directory, and a reader
// of the files by those names. Outside a work tree (or without git) the
// paths stay relative to the working directory.
func atRepoRoot(fs []*finding) ([]report.Finding, func(string) ([]byte, error)) {
	cwd, err := os.Getwd()
	if err != nil {
		return toReport(fs), os.ReadFile
	}
	top, err := report.RepoRoot(cwd)
	if err != nil {
		return toReport(fs), os.ReadFile
	}
	return inRepo(top, fs)
}

// inRepo returns the report form of fs with paths relative to the
// repository top level top (absolute outside it), and a reader of the files
// by those names.
func inRepo(top string, fs []*finding) ([]report.Finding, func(string) ([]byte, error)) {
	rf := toReport(fs)
	paths := make(map[string]string)
	for i, f := range fs {
		name := f.path
		if rel, ok := repoRel(top, f.path); ok {
			name = rel
		}
		rf[i].File = filepath.ToSlash(name)
		paths[rf[i].File] = f.path
		for j, r := range f.related {
			name := r.path
			if rel, ok := repoRel(top, r.path); ok {
				name = rel
			}
			rf[i].Related[j].File = filepath.ToSlash(name)
			paths[rf[i].Related[j].File] = r.path
		}
	}
	return rf, func(name string) ([]byte, error) { return os.ReadFile(paths[name]) }
}

// keep returns the findings of fs whose report form, rf[i] for fs[i], is
// in kept.
func keep(fs []*finding, rf, kept []report.Finding) []*finding {
	want := make(map[string]int)
	for _, k := range kept {
		want[reportKey(k)]++
	}
	var out []*finding
	for i, f := range fs {
		if k := reportKey(rf[i]); want[k] > 0 {
			want[k]--
			out = append(out, f)
		}
	}
	return out
}

// reportKey identifies a report form by its scalar fields: a finding and
// its filtered copy have the same.
func reportKey(f report.Finding) string {
	f.Related = nil
	return fmt.Sprintf("%#v", f)
}

// readBaseline reads the file -baseline names. A missing file is an error:
// a mistyped path must not turn the gate into one that accepts everything.
func readBaseline(path string) (*report.Baseline, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist; to create it with the current findings, run again with -baseline-write", path)
	}
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	b, err := report.ReadBaseline(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// filterBaseline keeps the findings that are not in b.
func filterBaseline(b *report.Baseline, fs []*finding) ([]*finding, error) {
	rf := toReport(fs)
	fps, err := report.Fingerprints(rf, os.ReadFile)
	if err != nil {
		return nil, err
	}
	return keep(fs, rf, b.Filter(rf, fps)), nil
}

// writeBaseline makes path the baseline of fs, creating or replacing it
// (atomically, keeping its mode), so that entries whose findings are gone
// are pruned. It reports whether it replaced a file and how many entries of
// that file are gone.
func writeBaseline(path string, fs []*finding) (replaced bool, pruned int, err error) {
	rf := toReport(fs)
	fps, err := report.Fingerprints(rf, os.ReadFile)
	if err != nil {
		return false, 0, err
	}
	mode := os.FileMode(0o644)
	if info, err := os.Stat(path); err == nil {
		replaced, mode = true, info.Mode().Perm()
		if old, err := readBaseline(path); err == nil {
			matched := len(rf) - len(old.Filter(rf, fps))
			pruned = len(old.Findings) - matched
		}
	}
	var buf bytes.Buffer
	if err := report.WriteBaseline(&buf, rf, fps); err != nil {
		return false, 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".keepalivefix-*")
	if err != nil {
		return false, 0, err
	}
	_, err = tmp.Write(buf.Bytes())
	if err == nil {
		err = tmp.Chmod(mode)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return false, 0, err
	}
	return replaced, pruned, nil
}

// revision is the commit that -new-from-rev compares with.
type revision struct {
	name   string // as the user wrote it
	commit string
	top    string // the repository's top level
}

// resolveRevision checks, before anything is analysed, that dir is in a git
// work tree and that rev names a commit.
func resolveRevision(dir, rev string) (*revision, error) {
	top, err := report.RepoRoot(dir)
	if err != nil {
		return nil, err
	}
	commit, err := report.ResolveRevision(top, rev)
	if err != nil {
		return nil, err
	}
	return &revision{name: rev, commit: commit, top: top}, nil
}

// onlyNew keeps the findings that did not exist at rev. It analyses a
// temporary checkout of rev the way lc describes the work tree (the same
// directory below the top level, patterns, build flags and tests) with a,
// and matches the findings of both by check, file relative to the
// repository and fingerprint, so that moved lines still match while a leak
// that a change introduces on an unchanged line (an early return added
// before the defer) is new.
func onlyNew(rev *revision, a *analysis.Analyzer, lc loadConfig, fs []*finding, stderr io.Writer) ([]*finding, error) {
	if len(fs) == 0 {
		return fs, nil // nothing can be new: skip the checkout
	}
	co, release, err := checkOut(rev)
	defer release()
	if err != nil {
		return nil, err
	}
	var base []*finding
	if rlc, ok := atCheckout(lc, rev.top, co.Root); ok {
		res, err := analyze(a, rlc)
		if err != nil {
			return nil, fmt.Errorf("analysing %s: %w", rev.name, err)
		}
		if n := len(res.loadErrors); n > 0 {
			what := "1 package"
			if n > 1 {
				what = fmt.Sprintf("%d packages", n)
			}
			fmt.Fprintf(stderr, "keepalivefix: -new-from-rev: %s failed to load at %s, so their findings count as new; the first: %s\n", what, rev.name, res.loadErrors[0])
		}
		base = res.findings
	}
	head, headFPs, err := repoFindings(rev.top, fs)
	if err != nil {
		return nil, err
	}
	old, oldFPs, err := repoFindings(co.Root, base)
	if err != nil {
		return nil, err
	}
	return keep(fs, head, report.BaselineOf(old, oldFPs).Filter(head, headFPs)), nil
}

// checkOut makes a temporary work tree of rev. Until release is called, an
// interrupt removes it before the command exits; release removes it too.
func checkOut(rev *revision) (co *report.Checkout, release func(), err error) {
	var mu sync.Mutex // held while co is being made or removed
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	mu.Lock()
	go func() {
		s, ok := <-sig
		if !ok {
			return
		}
		mu.Lock()
		_ = co.Remove()
		code := exitLoad
		if n, ok := s.(syscall.Signal); ok {
			code = 128 + int(n) // as a shell reports a death by signal
		}
		os.Exit(code)
	}()
	co, err = report.CheckOut(rev.top, rev.commit)
	mu.Unlock()
	return co, func() {
		signal.Stop(sig)
		mu.Lock()
		_ = co.Remove()
		mu.Unlock()
		close(sig)
	}, err
}

// atCheckout returns lc moved to the same place in the checkout root of
// the repository top: its directory, absolute patterns inside the
// repository and a GOWORK file inside it. Directory patterns that do not
// exist there are left out; ok is false when nothing is left to analyse.
func atCheckout(lc loadConfig, top, root string) (loadConfig, bool) {
	move := func(path string) (string, bool) {
		rel, ok := repoRel(top, path)
		if !ok {
			return path, false
		}
		return filepath.Join(root, rel), true
	}
	dir, ok := move(lc.dir)
	if !ok {
		return lc, false
	}
	if _, err := os.Stat(dir); err != nil {
		return lc, false // the directory did not exist then
	}
	out := lc
	out.dir = dir
	out.patterns = nil
	for _, p := range lc.patterns {
		if isDirPattern(p) {
			if filepath.IsAbs(p) {
				p, _ = move(p)
			}
			base := strings.TrimSuffix(strings.TrimSuffix(p, "..."), "/")
			if !filepath.IsAbs(base) {
				base = filepath.Join(dir, base)
			}
			if _, err := os.Stat(base); err != nil {
				continue
			}
		}
		out.patterns = append(out.patterns, p)
	}
	if w := os.Getenv("GOWORK"); filepath.IsAbs(w) {
		if moved, ok := move(w); ok {
			out.env = append(os.Environ(), "GOWORK="+moved)
		}
	}
	return out, len(out.patterns) > 0
}

// repoRel returns path relative to the repository top level, following
// symbolic links when the plain path is not below it; ok is false for a
// path outside the repository.
func repoRel(top, path string) (string, bool) {
	if rel, ok := relUnder(top, path); ok {
		return rel, true
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return relUnder(top, real)
	}
	return "", false
}

// repoFindings returns the report form of fs with paths relative to the
// repository top level (absolute outside it: a module cache is the same for
// both sides), and their fingerprints.
func repoFindings(top string, fs []*finding) ([]report.Finding, []string, error) {
	rf, read := inRepo(top, fs)
	fps, err := report.ScopedFingerprints(rf, enclosingFuncs(fs), read)
	return rf, fps, err
}

// enclosingFuncs returns the name of the function declaration that holds
// each finding ("" at package level, or when its file does not parse),
// reading each file once. Call lines such as resp, err := c.Get(u) repeat
// across a file's functions; with the function as the fingerprint's scope,
// a leak added in one of them is not mistaken for an older one in another.
func enclosingFuncs(fs []*finding) []string {
	type span struct {
		from, to int // lines
		name     string
	}
	spans := make(map[string][]span)
	out := make([]string, len(fs))
	for i, f := range fs {
		ss, ok := spans[f.path]
		if !ok {
			fset := token.NewFileSet()
			if file, err := parser.ParseFile(fset, f.path, nil, parser.SkipObjectResolution); err == nil {
				for _, d := range file.Decls {
					fd, ok := d.(*ast.FuncDecl)
					if !ok {
						continue
					}
					name := fd.Name.Name
					if fd.Recv != nil && len(fd.Recv.List) == 1 {
						name = types.ExprString(fd.Recv.List[0].Type) + "." + name
					}
					ss = append(ss, span{fset.Position(fd.Pos()).Line, fset.Position(fd.End()).Line, name})
				}
			}
			spans[f.path] = ss
		}
		for _, s := range ss {
			if s.from <= f.line && f.line <= s.to {
				out[i] = s.name
				break
			}
		}
	}
	return out
}
