package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// result is what a run found: diagnostics as printed lines, and the
// packages that could not be analysed.
type result struct {
	findings   []*finding
	loadErrors []string
	// loaded are the packages analysed, kept so that fixes can be planned
	// on them again without loading them twice (fixplan.go).
	loaded [][]*packages.Package
	cwd    string
}

// finding is one diagnostic, sortable by position.
type finding struct {
	file      string // as printed: relative to the working directory
	path      string // absolute
	line, col int
	endLine   int
	endCol    int
	id, msg   string
	url       string
	fix       []fileEdit // the edits of its suggested fix, if any
	// pkgs are the root packages that reported it (a package and its
	// test variant both do), on which its fix is planned.
	pkgs []*packages.Package
	// noFix says why no fix is planned for it, when the reason is the
	// command's (a read-only file, a dependency).
	noFix string
	// related are the positions the message names (the close, the
	// leaking exit).
	related []related
}

// related is a position a finding's message refers to.
type related struct {
	file      string // as printed
	path      string // absolute
	line, col int
	msg       string
}

// key identifies a finding reported by several variants of a package.
type key struct {
	file      string
	line, col int
	id, msg   string
}

func (f *finding) key() key { return key{f.file, f.line, f.col, f.id, f.msg} }

func (f *finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s: %s", f.file, f.line, f.col, f.id, f.msg)
}

// loadConfig says what to analyse: the same for the work tree and, with
// -new-from-rev, for a checkout of the revision.
type loadConfig struct {
	dir        string   // patterns are relative to it, and so are printed paths
	env        []string // of the go command; nil: the process's
	patterns   []string
	buildFlags []string
	tests      bool
}

// analyze loads the packages matched by lc.patterns, module by module, and
// runs a on them.
func analyze(a *analysis.Analyzer, lc loadConfig) (*result, error) {
	cwd := lc.dir
	groups, order, err := groupByModule(cwd, lc.patterns)
	if err != nil {
		return nil, err
	}
	res := &result{cwd: cwd}
	seen := make(map[key]*finding)
	var all []*finding
	for _, dir := range order {
		cfg := &packages.Config{
			Mode:       packages.LoadAllSyntax | packages.NeedModule,
			Dir:        dir,
			Env:        lc.env,
			Tests:      lc.tests,
			BuildFlags: lc.buildFlags,
		}
		pkgs, err := packages.Load(cfg, groups[dir]...)
		if err != nil {
			// go/packages wraps the go command's words in its own
			// ("err: exit status 1: stderr: go: ..."); the go
			// command's say what is wrong.
			msg := err.Error()
			if _, after, ok := strings.Cut(msg, "stderr: "); ok {
				msg = strings.TrimSpace(after)
			}
			res.loadErrors = append(res.loadErrors, fmt.Sprintf("loading %s: %s", strings.Join(groups[dir], " "), msg))
			continue
		}
		if len(pkgs) == 0 {
			res.loadErrors = append(res.loadErrors, fmt.Sprintf("%s: matched no packages", strings.Join(groups[dir], " ")))
			continue
		}
		var good []*packages.Package
		broken := make(map[*packages.Package]bool)
		for _, p := range pkgs {
			if !brokenClosure(p, broken) {
				good = append(good, p)
				continue
			}
			if errs := packageErrors(cwd, p); len(errs) > 0 {
				res.loadErrors = append(res.loadErrors, errs...)
				continue
			}
			good = append(good, p)
		}
		if len(good) == 0 {
			continue
		}
		res.loaded = append(res.loaded, good)
		found, errs, err := runOn(a, good, cwd, seen)
		if err != nil {
			return nil, err
		}
		all = append(all, found...)
		res.loadErrors = append(res.loadErrors, errs...)
	}
	sortFindings(all)
	res.findings = all
	sort.Strings(res.loadErrors)
	res.loadErrors = compact(res.loadErrors)
	return res, nil
}

// runOn runs a on the root packages pkgs and returns their findings, once
// each (seen holds those of earlier calls: a package and its test variant
// report the same ones), with the roots that reported each.
func runOn(a *analysis.Analyzer, pkgs []*packages.Package, cwd string, seen map[key]*finding) ([]*finding, []string, error) {
	g, err := checker.Analyze([]*analysis.Analyzer{a}, pkgs, nil)
	if err != nil {
		return nil, nil, err
	}
	var all []*finding
	var errs []string
	for act := range g.All() {
		if !act.IsRoot || act.Analyzer != a {
			continue
		}
		if act.Err != nil {
			errs = append(errs, fmt.Sprintf("%s: %v", act.Package.PkgPath, act.Err))
			continue
		}
		for _, d := range act.Diagnostics {
			pos := act.Package.Fset.Position(d.Pos)
			// The analyzer starts each message with its ID for
			// drivers that print only the message; here the ID has
			// a field of its own.
			msg := strings.TrimPrefix(d.Message, d.Category+": ")
			f := &finding{file: relPath(cwd, pos.Filename), path: pos.Filename, line: pos.Line, col: pos.Column, id: d.Category, msg: msg, url: d.URL}
			if d.End.IsValid() {
				end := act.Package.Fset.Position(d.End)
				f.endLine, f.endCol = end.Line, end.Column
			}
			for _, r := range d.Related {
				rp := act.Package.Fset.Position(r.Pos)
				f.related = append(f.related, related{file: relPath(cwd, rp.Filename), path: rp.Filename, line: rp.Line, col: rp.Column, msg: r.Message})
			}
			if prev := seen[f.key()]; prev != nil {
				prev.pkgs = append(prev.pkgs, act.Package)
				continue
			}
			seen[f.key()] = f
			f.pkgs = []*packages.Package{act.Package}
			if len(d.SuggestedFixes) > 0 && !dependency(act.Package) {
				f.fix = fileEdits(act.Package.Fset, d.SuggestedFixes[0])
			}
			all = append(all, f)
		}
	}
	return all, errs, nil
}

// sortFindings orders findings by file, position and check.
func sortFindings(all []*finding) {
	sort.Slice(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.file != b.file {
			return a.file < b.file
		}
		if a.line != b.line {
			return a.line < b.line
		}
		if a.col != b.col {
			return a.col < b.col
		}
		return a.id < b.id
	})
}

// dependency reports whether p belongs to a module other than the main
// one(s): a vendored copy or the read-only module cache, which go mod
// vendor or go mod download would overwrite. Its findings are reported, as
// go vet does, but never fixed.
func dependency(p *packages.Package) bool {
	return p.Module != nil && !p.Module.Main
}

// brokenClosure reports whether p or a package it imports, directly or
// not, has errors. memo is shared by the roots of one load, so the import
// graph is walked once, not once per root: packageErrors' walk per root
// was quadratic, a second of a 2,000-package run.
func brokenClosure(p *packages.Package, memo map[*packages.Package]bool) bool {
	if v, ok := memo[p]; ok {
		return v
	}
	memo[p] = false // an import cycle is an error of its own, reported there
	v := len(p.Errors) > 0
	for _, q := range p.Imports {
		if brokenClosure(q, memo) {
			v = true
		}
	}
	memo[p] = v
	return v
}

// packageErrors lists the errors of p and of the packages it imports: a
// package whose dependencies are broken cannot be type-checked either.
func packageErrors(cwd string, p *packages.Package) []string {
	var errs []string
	packages.Visit([]*packages.Package{p}, nil, func(q *packages.Package) {
		for _, e := range q.Errors {
			errs = append(errs, loadError(cwd, e))
		}
	})
	return errs
}

// loadError formats e as findings are: its position relative to cwd when
// it lies below it, and no position at all when it has none (go list's
// errors about patterns), rather than packages.Error's "-".
func loadError(cwd string, e packages.Error) string {
	if e.Pos == "" || e.Pos == "-" {
		if strings.Contains(e.Msg, "does not contain main module") && moduleRoot(cwd) == "" {
			return e.Msg + " (there is no go.mod in " + cwd + " or above it)"
		}
		return e.Msg
	}
	pos := e.Pos
	if rest, ok := strings.CutPrefix(pos, cwd+string(filepath.Separator)); ok {
		pos = rest
	}
	return pos + ": " + e.Msg
}

func compact(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}

// groupByModule assigns each pattern to the directory to load it from. A
// directory pattern inside another module (a nested go.mod, as in
// testdata/example) is rewritten relative to that module's root, since the
// go command only matches packages of the module it runs in. A DIR/...
// pattern that no go.mod or go.work governs (the root of a repository of
// several modules) stands for every module below DIR.
func groupByModule(cwd string, patterns []string) (map[string][]string, []string, error) {
	groups := make(map[string][]string)
	var order []string
	add := func(dir, pattern string) {
		if _, ok := groups[dir]; !ok {
			order = append(order, dir)
		}
		groups[dir] = append(groups[dir], pattern)
	}
	for _, pat := range patterns {
		if !isDirPattern(pat) {
			add(cwd, pat)
			continue
		}
		base, rest := pat, ""
		if strings.HasSuffix(base, "/...") {
			base, rest = strings.TrimSuffix(base, "/..."), "/..."
		} else if base == "..." {
			base, rest = ".", "/..."
		}
		abs := base
		if !filepath.IsAbs(abs) {
			abs = filepath.Join(cwd, base)
		}
		if _, err := os.Stat(abs); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, nil, fmt.Errorf("pattern %s: no such directory", pat)
			}
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // the path is the pattern's
			}
			return nil, nil, fmt.Errorf("pattern %s: %w", pat, err)
		}
		root := moduleRoot(abs)
		if root == "" && rest == "/..." && !inWorkspace(abs) {
			// No module governs the directory: the go command
			// would fail ("cannot find main module"), while the
			// user, at the root of a repository of several
			// modules, means every module below it.
			mods, err := modulesBelow(abs)
			if err != nil {
				return nil, nil, fmt.Errorf("pattern %s: %w", pat, err)
			}
			for _, m := range mods {
				add(m, "./...")
			}
			if len(mods) > 0 {
				continue
			}
		}
		if root == "" || root == moduleRoot(cwd) {
			add(cwd, pat)
			continue
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil {
			return nil, nil, err
		}
		if rel == "." {
			add(root, "."+rest)
		} else {
			add(root, "./"+filepath.ToSlash(rel)+rest)
		}
	}
	return groups, order, nil
}

func isDirPattern(p string) bool {
	return p == "." || p == ".." || strings.HasPrefix(p, "./") || strings.HasPrefix(p, "../") || filepath.IsAbs(p)
}

// moduleRoot returns the directory of the go.mod governing dir, or "".
func moduleRoot(dir string) string {
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// inWorkspace reports whether the go command would run in workspace mode
// in dir: GOWORK names a file, or, unless GOWORK=off, a go.work lies in dir
// or above it. A workspace's ./... spans its modules already.
func inWorkspace(dir string) bool {
	switch gowork := os.Getenv("GOWORK"); gowork {
	case "off":
		return false
	case "":
	default:
		return true
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			return true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		dir = parent
	}
}

// modulesBelow returns the roots of the modules in dir's tree, in lexical
// order, skipping the directories the go command leaves out of ./...:
// vendor, testdata, and those whose name starts with . or _. A module
// nested in another is a root of its own, since its parent's ./... leaves
// it out.
func modulesBelow(dir string) ([]string, error) {
	var roots []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			return nil // an unreadable directory: the go command skips it too
		}
		if !d.IsDir() {
			return nil
		}
		if path != dir {
			name := d.Name()
			if name == "vendor" || name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
		}
		if info, err := os.Stat(filepath.Join(path, "go.mod")); err == nil && !info.IsDir() {
			roots = append(roots, path)
		}
		return nil
	})
	return roots, err
}

// relPath shortens name to a path relative to cwd when it lies below it.
func relPath(cwd, name string) string {
	if rel, ok := relUnder(cwd, name); ok {
		return rel
	}
	return name
}

// relUnder returns path relative to dir when it lies in dir's tree.
func relUnder(dir, path string) (string, bool) {
	rel, err := filepath.Rel(dir, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
}
